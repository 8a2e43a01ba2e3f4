"""Helpers shared by the business rule modules: applicability, arithmetic, small predicates.

Applicability follows what the official artefacts run for a profile:

* CEN EN 16931 rules (BR-*, BR-CO-*, the VAT category rules, BR-CL-*) run for XRechnung,
  plain EN 16931, Peppol BIS and other EN 16931 CIUS documents;
* Factur-X / ZUGFeRD MINIMUM, BASIC WL, BASIC and EXTENDED documents are checked by the
  Factur-X profile Schematron, which carries its own subset of the BR rules: there a BR rule
  only runs when the profile's Schematron contains it (`FACTURX_PROFILE_RULES`);
* XRechnung rules run only when BT-24 claims XRechnung, Peppol rules only for Peppol BIS
  (plus the Peppol rules that KoSIT merged into XRechnung, see `peppol.py`).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from decimal import MAX_EMAX, MIN_EMIN, ROUND_HALF_UP, Decimal, InvalidOperation, localcontext

from invoicing.validation.findings import Layer, Severity
from invoicing.validation.registry import rule

EN16931_PROFILES = frozenset({"xrechnung", "en16931", "peppol", "other"})


def words(text: str) -> frozenset[str]:
    """The space separated words of `text` as a set (for literal id and code tables)."""
    return frozenset(text.split())


# BR rules contained in the Factur-X 1.09 profile Schematron (FNFE-MPE / FeRD), per profile.
FACTURX_PROFILE_RULES: dict[str, frozenset[str]] = {
    "basic": words(
        "BR-01 BR-02 BR-03 BR-04 BR-05 BR-06 BR-07 BR-08 BR-09 BR-10 BR-11 BR-12 BR-13 BR-14 "
        "BR-15 BR-16 BR-17 BR-18 BR-19 BR-20 BR-21 BR-22 BR-23 BR-24 BR-25 BR-26 BR-27 BR-28 "
        "BR-29 BR-30 BR-31 BR-32 BR-33 BR-36 BR-37 BR-38 BR-41 BR-42 BR-43 BR-44 BR-45 BR-46 "
        "BR-47 BR-48 BR-49 BR-50 BR-53 BR-54 BR-55 BR-56 BR-57 BR-61 BR-62 BR-63 BR-64 BR-65 "
        "BR-AE-01 BR-AE-02 BR-AE-03 BR-AE-04 BR-AE-05 BR-AE-06 BR-AE-07 BR-AE-08 BR-AE-09 "
        "BR-AE-10 BR-AF-01 BR-AF-02 BR-AF-03 BR-AF-04 BR-AF-05 BR-AF-06 BR-AF-07 BR-AF-08 "
        "BR-AF-09 BR-AF-10 BR-AG-01 BR-AG-02 BR-AG-03 BR-AG-04 BR-AG-05 BR-AG-06 BR-AG-07 "
        "BR-AG-08 BR-AG-09 BR-AG-10 BR-B-01 BR-B-02 BR-CO-03 BR-CO-04 BR-CO-05 BR-CO-06 BR-CO-07 "
        "BR-CO-08 BR-CO-09 BR-CO-10 BR-CO-11 BR-CO-12 BR-CO-13 BR-CO-14 BR-CO-15 BR-CO-16 "
        "BR-CO-17 BR-CO-18 BR-CO-19 BR-CO-20 BR-CO-21 BR-CO-22 BR-CO-23 BR-CO-24 BR-CO-26 "
        "BR-CO-27 BR-DEC-01 BR-DEC-02 BR-DEC-05 BR-DEC-06 BR-DEC-09 BR-DEC-10 BR-DEC-11 BR-DEC-12 "
        "BR-DEC-13 BR-DEC-14 BR-DEC-15 BR-DEC-16 BR-DEC-17 BR-DEC-18 BR-DEC-19 BR-DEC-20 "
        "BR-DEC-23 BR-DEC-24 BR-DEC-25 BR-DEC-27 BR-DEC-28 BR-E-01 BR-E-02 BR-E-03 BR-E-04 "
        "BR-E-05 BR-E-06 BR-E-07 BR-E-08 BR-E-09 BR-E-10 BR-G-01 BR-G-02 BR-G-03 BR-G-04 BR-G-05 "
        "BR-G-06 BR-G-07 BR-G-08 BR-G-09 BR-G-10 BR-IC-01 BR-IC-02 BR-IC-03 BR-IC-04 BR-IC-05 "
        "BR-IC-06 BR-IC-07 BR-IC-08 BR-IC-09 BR-IC-10 BR-IC-11 BR-IC-12 BR-O-01 BR-O-02 BR-O-03 "
        "BR-O-04 BR-O-05 BR-O-06 BR-O-07 BR-O-08 BR-O-09 BR-O-10 BR-O-11 BR-O-12 BR-O-13 BR-O-14 "
        "BR-S-01 BR-S-02 BR-S-03 BR-S-04 BR-S-05 BR-S-06 BR-S-07 BR-S-08 BR-S-09 BR-S-10 BR-Z-01 "
        "BR-Z-02 BR-Z-03 BR-Z-04 BR-Z-05 BR-Z-06 BR-Z-07 BR-Z-08 BR-Z-09 BR-Z-10"
    ),
    "extended": words(
        "BR-01 BR-02 BR-03 BR-04 BR-05 BR-06 BR-07 BR-08 BR-09 BR-10 BR-11 BR-12 BR-13 BR-14 "
        "BR-15 BR-16 BR-17 BR-18 BR-19 BR-20 BR-21 BR-25 BR-29 BR-30 BR-31 BR-32 BR-33 BR-36 "
        "BR-37 BR-41 BR-42 BR-43 BR-45 BR-46 BR-47 BR-48 BR-49 BR-50 BR-51 BR-52 BR-53 BR-55 "
        "BR-56 BR-57 BR-61 BR-62 BR-63 BR-64 BR-65 BR-AE-02 BR-AE-03 BR-AE-04 BR-AE-05 BR-AE-06 "
        "BR-AE-07 BR-AE-09 BR-AE-10 BR-AF-02 BR-AF-03 BR-AF-04 BR-AF-05 BR-AF-06 BR-AF-07 "
        "BR-AF-09 BR-AG-02 BR-AG-03 BR-AG-04 BR-AG-05 BR-AG-06 BR-AG-07 BR-AG-09 BR-B-01 BR-B-02 "
        "BR-CO-03 BR-CO-05 BR-CO-07 BR-CO-09 BR-CO-14 BR-CO-18 BR-CO-19 BR-CO-20 BR-CO-21 "
        "BR-CO-23 BR-CO-25 BR-CO-26 BR-DEC-01 BR-DEC-02 BR-DEC-05 BR-DEC-06 BR-DEC-09 BR-DEC-10 "
        "BR-DEC-11 BR-DEC-12 BR-DEC-13 BR-DEC-14 BR-DEC-15 BR-DEC-16 BR-DEC-17 BR-DEC-18 "
        "BR-DEC-19 BR-DEC-20 BR-DEC-23 BR-DEC-24 BR-DEC-25 BR-DEC-27 BR-DEC-28 BR-E-02 BR-E-03 "
        "BR-E-04 BR-E-05 BR-E-06 BR-E-07 BR-E-09 BR-E-10 BR-G-02 BR-G-03 BR-G-04 BR-G-05 BR-G-06 "
        "BR-G-07 BR-G-09 BR-G-10 BR-IC-02 BR-IC-03 BR-IC-04 BR-IC-05 BR-IC-06 BR-IC-07 BR-IC-09 "
        "BR-IC-10 BR-IC-11 BR-IC-12 BR-O-05 BR-O-06 BR-O-07 BR-O-09 BR-O-10 BR-S-02 BR-S-03 "
        "BR-S-04 BR-S-05 BR-S-06 BR-S-07 BR-Z-02 BR-Z-03 BR-Z-04 BR-Z-05 BR-Z-06 BR-Z-07 BR-Z-09"
    ),
    "basicwl": words(
        "BR-01 BR-02 BR-03 BR-04 BR-05 BR-06 BR-07 BR-08 BR-09 BR-10 BR-11 BR-12 BR-13 BR-14 "
        "BR-15 BR-17 BR-18 BR-19 BR-20 BR-29 BR-31 BR-32 BR-33 BR-36 BR-37 BR-38 BR-45 BR-46 "
        "BR-47 BR-48 BR-49 BR-50 BR-53 BR-55 BR-56 BR-57 BR-61 BR-62 BR-63 BR-AE-03 BR-AE-04 "
        "BR-AE-06 BR-AE-07 BR-AE-09 BR-AE-10 BR-AF-03 BR-AF-04 BR-AF-06 BR-AF-07 BR-AF-09 "
        "BR-AF-10 BR-AG-03 BR-AG-04 BR-AG-06 BR-AG-07 BR-AG-09 BR-AG-10 BR-CO-03 BR-CO-05 "
        "BR-CO-06 BR-CO-09 BR-CO-11 BR-CO-12 BR-CO-13 BR-CO-14 BR-CO-15 BR-CO-16 BR-CO-17 "
        "BR-CO-18 BR-CO-19 BR-CO-21 BR-CO-22 BR-CO-26 BR-DEC-01 BR-DEC-02 BR-DEC-05 BR-DEC-06 "
        "BR-DEC-09 BR-DEC-10 BR-DEC-11 BR-DEC-12 BR-DEC-13 BR-DEC-14 BR-DEC-15 BR-DEC-16 "
        "BR-DEC-17 BR-DEC-18 BR-DEC-19 BR-DEC-20 BR-E-03 BR-E-04 BR-E-06 BR-E-07 BR-E-09 BR-E-10 "
        "BR-G-03 BR-G-04 BR-G-06 BR-G-07 BR-G-09 BR-G-10 BR-IC-03 BR-IC-04 BR-IC-06 BR-IC-07 "
        "BR-IC-09 BR-IC-10 BR-IC-11 BR-IC-12 BR-O-03 BR-O-04 BR-O-06 BR-O-07 BR-O-09 BR-O-10 "
        "BR-O-11 BR-O-13 BR-O-14 BR-S-03 BR-S-04 BR-S-06 BR-S-07 BR-S-09 BR-S-10 BR-Z-03 BR-Z-04 "
        "BR-Z-06 BR-Z-07 BR-Z-09 BR-Z-10"
    ),
    "minimum": words(
        "BR-01 BR-02 BR-03 BR-04 BR-05 BR-06 BR-07 BR-08 BR-09 BR-13 BR-14 BR-15 BR-CO-09 "
        "BR-CO-26 BR-DEC-12 BR-DEC-13 BR-DEC-14 BR-DEC-18 BR-E-02 BR-E-03 BR-E-04 BR-E-05 BR-E-06 "
        "BR-E-07 BR-E-10 BR-G-02 BR-G-03 BR-G-04 BR-G-05 BR-G-06 BR-G-07 BR-G-08 BR-G-09 BR-G-10 "
        "BR-IC-02 BR-IC-03 BR-IC-04 BR-IC-05 BR-IC-06 BR-IC-07 BR-IC-08 BR-IC-09 BR-IC-10 "
        "BR-IC-11 BR-IC-12 BR-O-03 BR-O-04 BR-O-06 BR-O-08 BR-O-09 BR-O-10 BR-O-11 BR-O-12 "
        "BR-O-13 BR-O-14"
    ),
}


def en16931_applies(rule_id: str) -> Callable[[object], bool]:
    """Applicability of a CEN rule: EN 16931 profiles, or Factur-X profiles that contain it."""

    profiles = EN16931_PROFILES.union(
        profile for profile, rules in FACTURX_PROFILE_RULES.items() if rule_id in rules
    )
    return _profile_in(profiles)


@functools.cache
def _profile_in(profiles: frozenset[str]) -> Callable[[object], bool]:
    """One applicability function per set of profiles, shared by all rules with that set (so
    that `run_layer` asks it once per document)."""

    def applies(ctx) -> bool:
        return ctx.profile in profiles

    return applies


def cen_only(ctx) -> bool:
    """CEN rules that Factur-X replaces by its own code list checks (the BR-CL family)."""
    return ctx.profile in EN16931_PROFILES


def is_xrechnung(ctx) -> bool:
    return ctx.profile == "xrechnung"


def is_xrechnung_extension(ctx) -> bool:
    cid = ctx.customization_id or ""
    if not cid and ctx.invoice is not None:
        cid = ctx.invoice.customization_id or ""
    if not cid and ctx.root is not None:
        found = ctx.xpath(
            "cbc:CustomizationID/text() | rsm:ExchangedDocumentContext"
            "/ram:GuidelineSpecifiedDocumentContextParameter/ram:ID/text()"
        )
        cid = str(found[0]).strip() if found else ""
    return ctx.profile == "xrechnung" and "#conformant#urn:xeinkauf.de:kosit:extension:" in cid


def is_peppol(ctx) -> bool:
    return ctx.profile == "peppol"


# ---------------------------------------------------------------- arithmetic


def arithmetic_safe(check):
    """Wrap a rule check: absurd numbers (E notation with huge exponents, which the schema
    rejects anyway) must not make Decimal arithmetic raise and the layer "not checked"."""

    @functools.wraps(check)
    def wrapper(ctx):
        try:
            return list(check(ctx))
        except ArithmeticError:
            return []

    return wrapper


CENT = Decimal("0.01")


def round2(value: Decimal) -> Decimal:
    """Round half up to two decimals, as the CEN Schematron does (round(x * 100) div 100).

    Runs with a wide precision so that absurdly large amounts in a broken invoice are
    compared instead of raising."""
    if value.adjusted() > 100:
        return value  # not an amount (only E notation gets here, which the schema rejects)
    with localcontext() as context:
        context.prec = 1000
        context.Emax = MAX_EMAX
        context.Emin = MIN_EMIN
        return value.quantize(CENT, rounding=ROUND_HALF_UP)


def xpath_round2(value: Decimal) -> Decimal:
    """XPath round(): half towards positive infinity, to two decimals."""
    scaled = value * 100
    floor = scaled.to_integral_value(rounding="ROUND_FLOOR")
    result = floor + 1 if scaled - floor >= Decimal("0.5") else floor
    return result / 100


def num(value: Decimal | None) -> Decimal:
    return value if value is not None else Decimal(0)


def to_decimal(text: str | None) -> Decimal | None:
    if text is None:
        return None
    try:
        value = Decimal(text.strip())
    except (InvalidOperation, AttributeError):
        return None
    return value if value.is_finite() else None


def has_text(value) -> bool:
    """A value is present when it is not None and, for text, not only whitespace."""
    if value is None:
        return False
    if isinstance(value, str):
        return bool(value.strip())
    return True


def normalize_space(text: str | None) -> str:
    """Whitespace runs as one space, none at the ends (`str.split` and the regex `\\s` agree
    on what whitespace is: `str.isspace`)."""
    return " ".join((text or "").split())


def text_of(ctx, expression: str, node=None) -> list[str]:
    """The string values of the nodes an XPath selects."""
    out = []
    for item in ctx.xpath(expression, node):
        out.append(item if isinstance(item, str) else "".join(item.itertext()))
    return out


def first_path(ctx, expression: str, node=None) -> str | None:
    nodes = ctx.xpath(expression, node)
    for item in nodes:
        if not isinstance(item, str):
            return ctx.path_of(item)
    return None


def cen_rule(rule_id: str, *, field: str, de: str, en: str):
    """Register an EN 16931 business rule (fatal, applicable as `en16931_applies` says); the
    check runs under `arithmetic_safe` so absurd numbers cannot crash it."""
    register = rule(
        rule_id,
        layer=Layer.EN16931,
        severity=Severity.FATAL,
        field=field,
        de=de,
        en=en,
        applies=en16931_applies(rule_id),
    )

    def decorate(check):
        register(arithmetic_safe(check))
        return check

    return decorate
