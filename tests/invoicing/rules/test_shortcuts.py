"""The validator's shortcuts must not change a finding: name requirements of table rules, the
context selectors of `ContextIndex`, and the per-document caches of `ValidationContext`."""

import pytest
from lxml import etree

import invoicing.validation.rules  # noqa: F401  (registers the rules)
from invoicing.syntax import detect
from invoicing.validation.context import NAMESPACES, ValidationContext, compiled, indexed_path
from invoicing.validation.registry import RULES
from invoicing.validation.rules import facturx
from invoicing.validation.rules.syntax_tables import (
    ContextIndex,
    load_rows,
    required_names,
    xpath1,
)
from tests.invoicing import CORPUS, manifest, needs_corpus

CBC = "{" + NAMESPACES["cbc"] + "}"
CAC = "{" + NAMESPACES["cac"] + "}"


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("cbc:UUID", ({f"{CBC}UUID"},)),
        ("cac:InvoicePeriod/cbc:StartTime", ({f"{CAC}InvoicePeriod", f"{CBC}StartTime"},)),
        ("//@schemeName", ({"@schemeName"},)),
        ("(cac:InvoiceLine|cac:CreditNoteLine)/cbc:UUID", ({f"{CBC}UUID"},)),
        ("cbc:A | @b", ({f"{CBC}A"}, {"@b"})),
        (
            "//cac:AdditionalDocumentReference[cbc:DocumentTypeCode = '130']/cbc:ID/@schemeID",
            ({f"{CAC}AdditionalDocumentReference", f"{CBC}ID", "@schemeID"},),
        ),
    ],
)
def test_required_names(expression, expected):
    assert required_names(expression) == tuple(frozenset(names) for names in expected)


@pytest.mark.parametrize(
    "expression",
    ["not(cbc:A)", "count(cbc:A)", "cbc:A or cbc:B", "cbc:A = 'x'", "*", "text()", "self::cbc:A"],
)
def test_required_names_gives_up_on_anything_but_a_path(expression):
    assert required_names(expression) is None


def _roots() -> list:
    roots = []
    for row in manifest():
        detection = detect((CORPUS / row["path"]).read_bytes())
        if detection.problem is None:
            roots.append((detection.syntax, detection.root))
    return roots


def _plain_xpath(context: str):
    xpath = etree.XPath(xpath1(context), namespaces=NAMESPACES)
    return lambda root, document: xpath(root)


def _plain(index: ContextIndex) -> ContextIndex:
    """The same index with every context evaluated as plain XPath (no shortcuts)."""
    plain = ContextIndex([])
    plain.contexts = index.contexts
    plain._compiled = {context: _plain_xpath(context) for context in index._compiled}
    return plain


@needs_corpus
def test_context_selectors_match_xpath():
    indexes = {
        "cii": [ContextIndex(load_rows("cii_not_used.tsv"))]
        + [facturx.structure_index(profile) for profile in sorted(facturx.FACTURX_PROFILES)],
        "ubl": [ContextIndex(load_rows("ubl_not_used.tsv"))],
    }
    for syntax, root in _roots():
        for index in indexes[syntax]:
            fast, plain = index._assign(root), _plain(index)._assign(root)
            assert fast == plain


@needs_corpus
def test_skipped_table_rules_find_nothing():
    table_rules = [entry for entry in RULES.values() if entry.requires is not None]
    assert len(table_rules) > 1000
    for syntax, root in _roots():
        context = ValidationContext(syntax=syntax, profile="en16931", root=root)
        for entry in table_rules:
            if syntax in entry.syntaxes and not entry.possible(context.names):
                assert list(entry._findings(context)) == [], entry.id


def test_xpath_results_are_cached_as_copies():
    root = etree.fromstring(
        f'<Invoice xmlns:cbc="{NAMESPACES["cbc"]}"><cbc:ID>1</cbc:ID><cbc:ID>2</cbc:ID></Invoice>'
    )
    context = ValidationContext(syntax="ubl", profile="en16931", root=root)
    first = context.xpath("cbc:ID")
    first.clear()
    assert [node.text for node in context.xpath("cbc:ID")] == ["1", "2"]


# Every form `IndexedPath` answers from the document index, next to forms it leaves to XPath.
_SELECT_EXPRESSIONS = [
    "/*",
    "/ubl:Invoice | /cn:CreditNote",
    "/*/cac:AccountingSupplierParty/cac:Party",
    "/rsm:CrossIndustryInvoice/rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeAgreement",
    "//cac:InvoiceLine | //cac:CreditNoteLine",
    "//cac:PostalAddress | //cac:Address",
    "//*[@currencyID]",
    "//*[@schemeID]/@schemeID",
    "//cac:Party/cbc:EndpointID[@schemeID]",
    "//cac:AllowanceCharge[cbc:ChargeIndicator = 'false']/cbc:AllowanceChargeReasonCode",
    "//ram:SpecifiedTradeAllowanceCharge[ram:ChargeIndicator/udt:Indicator = 'true']"
    "/ram:ActualAmount",
    '//ram:SpecifiedTaxRegistration[ram:ID/@schemeID="VA"]/ram:ID',
    "//ram:GrossPriceProductTradePrice[ram:ChargeAmount]",
    "//ram:IncludedSupplyChainTradeLineItem/ram:SpecifiedTradeProduct",
    "(cac:InvoiceLine|cac:CreditNoteLine)/cac:Item/cbc:Name",
    "cac:TaxTotal/cac:TaxSubtotal/cac:TaxCategory/cbc:ID",
    "rsm:ExchangedDocument/ram:TypeCode",
    "cac:AdditionalDocumentReference[cbc:DocumentTypeCode = '130']/cbc:ID[@schemeID]",
    "cbc:CustomizationID/text()",
    "cac:PaymentTerms/cbc:Note[1]",
    "//cac:AllowanceCharge[not(parent::cac:Price)]",
]
_RELATIVE_EXPRESSIONS = [
    "cbc:ID",
    "cac:Item/cac:ClassifiedTaxCategory",
    "ram:ChargeIndicator[udt:Indicator = 'false']",
    "ram:TypeCode | ram:ID",
    "cac:TaxScheme/cbc:ID[@schemeID]",
    "*",
]


@needs_corpus
def test_document_index_answers_paths_as_xpath_does():
    for syntax, root in _roots():
        context = ValidationContext(syntax=syntax, profile="en16931", root=root)
        for expression in _SELECT_EXPRESSIONS:
            assert context.select(expression) == compiled(expression)(root), expression
        for _tag, node in context.elements:
            for expression in _RELATIVE_EXPRESSIONS:
                found = context.select(expression, node)
                assert found == compiled(expression)(node), expression


def test_document_index_keeps_document_order_for_nested_starts():
    root = etree.fromstring(
        f'<r xmlns:cac="{NAMESPACES["cac"]}" xmlns:cbc="{NAMESPACES["cbc"]}">'
        "<cac:A><cac:A><cbc:B>1</cbc:B></cac:A><cbc:B>2</cbc:B></cac:A></r>"
    )
    context = ValidationContext(syntax="ubl", profile="en16931", root=root)
    assert indexed_path("//cac:A/cbc:B") is not None
    assert [node.text for node in context.select("//cac:A/cbc:B")] == ["1", "2"]
