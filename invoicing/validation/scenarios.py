"""Which rule layers run for which profile, and the KoSIT scenario severity overrides.

The official validation of an incoming invoice depends on its specification identifier
(BT-24): XRechnung documents go through the KoSIT *validator-configuration-xrechnung*
scenarios (XML Schema + CEN EN 16931 Schematron + XRechnung Schematron, then the scenario's
`customLevel` overrides), plain EN 16931 and Peppol documents through the CEN rules (Peppol
adds its own), Factur-X / ZUGFeRD MINIMUM, BASIC WL, BASIC and EXTENDED through the Factur-X
profile Schematron.

Rules additionally decide themselves whether they apply (`applies=` in the registry), so the
layer table is deliberately generous: it only leaves out what can never apply.

The overrides below are the `customLevel` entries of the XRechnung 3.0 scenarios as applied
when the corpus manifest was produced (see the corpus README): BR-CL-21 / BR-CL-23 are
warnings, UBL-CR-646 (UBL Invoice) and CII-SR-452..454 (CII) are errors; the Extension
scenarios downgrade the code-list rules that the extension widens to information.
(Later KoSIT releases also raise CII-SR-465/466 to error and lower CII-SR-475/476 to
information; the corpus still reports those four as warnings, so they are not overridden.)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from types import MappingProxyType

from invoicing.validation.findings import Layer, Severity

W = Severity.WARNING
E = Severity.ERROR
INFO = Severity.INFORMATION

_NO_XRECHNUNG = tuple(layer for layer in Layer if layer is not Layer.XRECHNUNG)

#: Layers that run per profile (in `Layer` order).
LAYERS_BY_PROFILE: dict[str, tuple[Layer, ...]] = {
    "xrechnung": tuple(layer for layer in Layer if layer is not Layer.FACTURX),
    "en16931": _NO_XRECHNUNG,
    "peppol": _NO_XRECHNUNG,
    "extended": _NO_XRECHNUNG,
    "basic": _NO_XRECHNUNG,
    "basicwl": _NO_XRECHNUNG,
    "minimum": _NO_XRECHNUNG,
    "other": _NO_XRECHNUNG,
}

_XR_STANDARD = {"BR-CL-21": W, "BR-CL-23": W}
_XR_EXTENSION = {
    "BR-CL-10": INFO,
    "BR-CL-11": INFO,
    "BR-CL-21": INFO,
    "BR-CL-23": W,
    "BR-CL-24": INFO,
    "BR-CL-25": INFO,
    "BR-CL-26": INFO,
}
_CII_UPGRADES = {"CII-SR-452": E, "CII-SR-453": E, "CII-SR-454": E}


@dataclass(frozen=True)
class Scenario:
    """One KoSIT-like scenario: its name, the layers it runs and its severity overrides."""

    name: str
    layers: tuple[Layer, ...]
    overrides: MappingProxyType = field(default_factory=lambda: MappingProxyType({}))


#: (variant, syntax, document) -> overrides; variant is "standard", "extension" or "cvd",
#: document "invoice" or "creditnote" (CII has only "invoice").
XRECHNUNG_OVERRIDES: dict[tuple[str, str, str], dict[str, Severity]] = {
    ("standard", "ubl", "invoice"): {**_XR_STANDARD, "UBL-CR-646": E},
    ("standard", "ubl", "creditnote"): dict(_XR_STANDARD),
    ("standard", "cii", "invoice"): {**_XR_STANDARD, **_CII_UPGRADES},
    ("cvd", "ubl", "invoice"): {**_XR_STANDARD, "UBL-CR-646": E},
    ("cvd", "ubl", "creditnote"): {**_XR_STANDARD, "UBL-CR-646": E},
    ("cvd", "cii", "invoice"): {**_XR_STANDARD, **_CII_UPGRADES},
    ("extension", "ubl", "invoice"): {
        **_XR_EXTENSION,
        "BR-CO-16": INFO,
        "UBL-CR-470": INFO,
        "UBL-CR-646": INFO,
    },
    ("extension", "ubl", "creditnote"): {
        **_XR_EXTENSION,
        "BR-CO-16": INFO,
        "UBL-CR-470": INFO,
        "UBL-CR-646": INFO,
    },
    ("extension", "cii", "invoice"): {**_XR_EXTENSION, **_CII_UPGRADES},
}


def xrechnung_variant(customization_id: str) -> str:
    cid = customization_id.lower()
    if "#conformant#urn:xeinkauf.de:kosit:extension:" in cid:
        return "extension"
    if "xrechnung:cvd" in cid:
        return "cvd"
    return "standard"


def scenario_for(
    profile: str, syntax: str, customization_id: str = "", *, credit_note: bool = False
) -> Scenario:
    """The scenario that applies to a document of `profile` in `syntax` ("ubl"/"cii")."""
    layers = LAYERS_BY_PROFILE.get(profile, _NO_XRECHNUNG)
    if profile != "xrechnung":
        return Scenario(name=f"{profile} ({syntax})", layers=layers)
    variant = xrechnung_variant(customization_id)
    document = "creditnote" if credit_note and syntax == "ubl" else "invoice"
    overrides = XRECHNUNG_OVERRIDES.get((variant, syntax, document), _XR_STANDARD)
    return Scenario(
        name=f"XRechnung {variant} ({syntax} {document})",
        layers=layers,
        overrides=MappingProxyType(dict(overrides)),
    )
