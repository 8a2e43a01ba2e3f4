"""Shared helpers of the business rule tests: the full validator over corpus files, cached."""

import re
from functools import cache

import pytest
from lxml import etree

import invoicing.validation.rules  # noqa: F401  (registers the rules)
from invoicing.validation.context import ValidationContext
from invoicing.validation.registry import RULES
from invoicing.validation.run import validate
from tests.invoicing import CORPUS, manifest


@cache
def corpus_result(path: str):
    return validate((CORPUS / path).read_bytes(), filename=path)


def error_ids(path: str) -> set[str]:
    return {finding.rule for finding in corpus_result(path).errors}


def listed_cases(pattern: str) -> list:
    """(row, rule id) for every official error id of the corpus matching `pattern`."""
    regex = re.compile(pattern)
    return [
        pytest.param(row, rule_id, id=f"{rule_id}:{row['path']}")
        for row in manifest()
        for rule_id in row["fired_errors"].split(",")
        if regex.match(rule_id)
    ]


def valid_rows() -> list:
    return [
        pytest.param(row, id=row["path"])
        for row in manifest()
        if row["official_verdict"] == "valid"
    ]


def run_rules(rule_ids, *, invoice=None, xml: bytes | None = None, syntax="ubl", profile="en16931"):
    """Run the registered rules with the given ids; returns the ids that fired."""
    root = etree.fromstring(xml) if xml is not None else etree.Element("Invoice")
    context = ValidationContext(syntax=syntax, profile=profile, root=root, invoice=invoice)
    fired = []
    for entry in RULES.values():
        if entry.id in rule_ids:
            fired.extend(finding.rule for finding in entry.run(context))
    return fired
