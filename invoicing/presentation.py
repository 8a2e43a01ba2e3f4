"""The German presentation of a received e-invoice (in the spirit of the KoSIT visualisation).

`present(result)` turns a `ValidationResult` into an `InvoicePresentation`: a summary (verdict
sentence and the error/warning messages in plain German) and the invoice in sections, each
field with a German label carrying its business term ("Rechnungsnummer (BT-1)"), a display
value formatted the German way ("1.234,56 EUR", "24.12.2026", "Rechnung (380)") and the
findings that concern it. The HTML partial `invoicing/_invoice.html` and the archive PDF
(`invoicing.archive_pdf`) both render this structure. Pure Python, no Django.

Where a finding is shown (every finding of the result exactly once):

1. at the field whose business term equals `finding.field` (BT or BG); when several fields
   carry that term (BT-131 of every line) the one whose source path (or group path) is the
   longest prefix of `finding.path`; when the path does not decide, at the section;
2. else at a group of fields (block, line) or section carrying that term;
3. else at the field whose source path (model `paths`) equals or is a prefix of
   `finding.path` (longest wins), else at the block/line/section whose element contains it;
4. else in `other` ("Weitere Hinweise").

Paths are compared after normalising: the root step becomes `*` and `[1]` is dropped, so
`/ubl:Invoice/cac:InvoiceLine/cbc:ID` and `/*/cac:InvoiceLine[1]/cbc:ID` are the same place.

German texts produced here are plain strings collected in `GERMAN` (labels by business term,
section titles, sentences), so a Django layer can wrap them for translation in one place.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from invoicing import model as m
from invoicing.model import decimals
from invoicing.validation.findings import Finding, Severity

# ---------------------------------------------------------------------------- German texts

GERMAN: dict[str, str] = {
    # header / process
    "BT-1": "Rechnungsnummer",
    "BT-2": "Rechnungsdatum",
    "BT-3": "Rechnungsart",
    "BT-5": "Währung",
    "BT-6": "Steuerwährung",
    "BT-7": "Steuerfälligkeitsdatum",
    "BT-8": "Code für das Steuerfälligkeitsdatum",
    "BT-9": "Fälligkeitsdatum",
    "BT-10": "Leitweg-ID / Käuferreferenz",
    "BT-11": "Projektnummer",
    "BT-12": "Vertragsnummer",
    "BT-13": "Bestellnummer",
    "BT-14": "Auftragsnummer",
    "BT-15": "Wareneingangsmeldung",
    "BT-16": "Versandanzeige",
    "BT-17": "Ausschreibung / Los",
    "BT-18": "Objektkennung",
    "BT-19": "Buchungsreferenz des Käufers",
    "BT-20": "Zahlungsbedingungen",
    "BT-22": "Bemerkung",
    "BT-23": "Geschäftsprozess",
    "BT-24": "Spezifikation",
    "BG-3": "Vorausgehende Rechnung",
    "BG-14": "Abrechnungszeitraum",
    # seller
    "BT-27": "Name",
    "BT-28": "Handelsname",
    "BT-29": "Kennung",
    "BT-30": "Registernummer",
    "BT-31": "Umsatzsteuer-ID",
    "BT-32": "Steuernummer",
    "BT-33": "Weitere rechtliche Informationen",
    "BT-34": "Elektronische Adresse",
    "BT-35": "Straße / Zeile 1",
    "BT-36": "Zeile 2",
    "BT-162": "Zeile 3",
    "BT-37": "Ort",
    "BT-38": "Postleitzahl",
    "BT-39": "Bundesland / Region",
    "BT-40": "Land",
    "BT-41": "Kontaktstelle",
    "BT-42": "Telefon",
    "BT-43": "E-Mail",
    # buyer
    "BT-44": "Name",
    "BT-45": "Handelsname",
    "BT-46": "Kennung",
    "BT-47": "Registernummer",
    "BT-48": "Umsatzsteuer-ID",
    "BT-49": "Elektronische Adresse",
    "BT-50": "Straße / Zeile 1",
    "BT-51": "Zeile 2",
    "BT-163": "Zeile 3",
    "BT-52": "Ort",
    "BT-53": "Postleitzahl",
    "BT-54": "Bundesland / Region",
    "BT-55": "Land",
    "BT-56": "Kontaktstelle",
    "BT-57": "Telefon",
    "BT-58": "E-Mail",
    # payee, tax representative
    "BT-59": "Name",
    "BT-60": "Kennung",
    "BT-61": "Registernummer",
    "BT-62": "Name",
    "BT-63": "Umsatzsteuer-ID",
    "BT-64": "Straße / Zeile 1",
    "BT-65": "Zeile 2",
    "BT-164": "Zeile 3",
    "BT-66": "Ort",
    "BT-67": "Postleitzahl",
    "BT-68": "Bundesland / Region",
    "BT-69": "Land",
    # delivery
    "BT-70": "Name des Empfängers",
    "BT-71": "Lieferort",
    "BT-72": "Lieferdatum",
    "BT-75": "Straße / Zeile 1",
    "BT-76": "Zeile 2",
    "BT-165": "Zeile 3",
    "BT-77": "Ort",
    "BT-78": "Postleitzahl",
    "BT-79": "Bundesland / Region",
    "BT-80": "Land",
    # payment
    "BT-81": "Zahlungsart",
    "BT-82": "Zahlungsart (Text)",
    "BT-83": "Verwendungszweck",
    "BT-84": "IBAN / Kontonummer",
    "BT-85": "Kontoinhaber",
    "BT-86": "BIC",
    "BT-87": "Kartennummer",
    "BT-88": "Karteninhaber",
    "BT-89": "Mandatsreferenz",
    "BT-90": "Gläubiger-ID",
    "BT-91": "Belastetes Konto (IBAN)",
    "label.skonto": "Skonto",
    # document allowances / charges
    "BT-92": "Betrag",
    "BT-93": "Basisbetrag",
    "BT-94": "Prozentsatz",
    "BT-95": "Umsatzsteuerkategorie",
    "BT-96": "Umsatzsteuersatz",
    "BT-97": "Grund",
    "BT-98": "Code des Grundes",
    "BT-99": "Betrag",
    "BT-100": "Basisbetrag",
    "BT-101": "Prozentsatz",
    "BT-102": "Umsatzsteuerkategorie",
    "BT-103": "Umsatzsteuersatz",
    "BT-104": "Grund",
    "BT-105": "Code des Grundes",
    # totals
    "BT-106": "Summe der Positionen (netto)",
    "BT-107": "Summe der Nachlässe",
    "BT-108": "Summe der Zuschläge",
    "BT-109": "Gesamtbetrag ohne Umsatzsteuer",
    "BT-110": "Umsatzsteuer gesamt",
    "BT-111": "Umsatzsteuer gesamt in Steuerwährung",
    "BT-112": "Gesamtbetrag mit Umsatzsteuer",
    "BT-113": "Bereits gezahlt",
    "BT-114": "Rundungsbetrag",
    "BT-115": "Fälliger Betrag",
    # VAT breakdown
    "BT-116": "Bemessungsgrundlage",
    "BT-117": "Steuerbetrag",
    "BT-118": "Umsatzsteuerkategorie",
    "BT-119": "Umsatzsteuersatz",
    "BT-120": "Befreiungsgrund",
    "BT-121": "Code des Befreiungsgrundes",
    # attachments
    "BT-122": "Referenz",
    "BT-123": "Beschreibung",
    "BT-124": "Externer Ort",
    "BT-125": "Angehängte Datei",
    # lines
    "BT-126": "Pos.",
    "BT-127": "Bemerkung",
    "BT-128": "Objektkennung",
    "BT-129": "Menge",
    "BT-130": "Einheit",
    "BT-131": "Nettobetrag",
    "BT-132": "Bestellposition",
    "BT-133": "Buchungsreferenz",
    "BG-26": "Leistungszeitraum",
    "BG-27": "Nachlass",
    "BG-28": "Zuschlag",
    "BT-146": "Nettopreis",
    "BT-147": "Rabatt auf den Preis",
    "BT-148": "Bruttopreis",
    "BT-149": "Basismenge",
    "BT-151": "USt",
    "BT-153": "Bezeichnung",
    "BT-154": "Beschreibung",
    "BT-155": "Artikelnummer des Verkäufers",
    "BT-156": "Artikelnummer des Käufers",
    "BT-157": "Standardkennung",
    "BT-158": "Klassifikation",
    "BT-159": "Herkunftsland",
    "BG-32": "Merkmal",
    # sections and blocks
    "section.header": "Rechnungsdaten",
    "section.seller": "Verkäufer",
    "section.buyer": "Käufer",
    "section.payee": "Zahlungsempfänger",
    "section.tax_representative": "Steuervertreter des Verkäufers",
    "section.delivery": "Lieferung",
    "section.references": "Referenzen",
    "section.lines": "Positionen",
    "section.allowances": "Nachlässe und Zuschläge",
    "section.vat": "Umsatzsteueraufschlüsselung",
    "section.totals": "Summen",
    "section.payment_terms": "Zahlungsbedingungen",
    "section.payment": "Zahlungsanweisungen",
    "section.attachments": "Anlagen",
    "section.other": "Weitere Hinweise",
    "block.address": "Anschrift",
    "block.contact": "Kontakt",
    "block.notes": "Bemerkungen",
    "block.preceding": "Vorausgehende Rechnungen",
    "block.allowance": "Nachlass {n}",
    "block.charge": "Zuschlag {n}",
    "block.vat": "{category}",
    "block.payment": "Zahlungsweg {n}",
    "block.credit_transfer": "Überweisung an Konto {n}",
    "block.card": "Zahlungskarte",
    "block.direct_debit": "Lastschrift",
    "block.attachment": "Anlage {n}",
    # sentences and words
    "verdict.valid": "Die Rechnung ist gültig.",
    "verdict.invalid": "Die Rechnung ist ungültig: {count} Fehler.",
    "verdict.unchecked": "Die Rechnung wurde nicht geprüft: {reason}",
    "verdict.unchecked_plain": "Die Rechnung wurde nicht geprüft.",
    "counts.warnings.one": "1 Warnung",
    "counts.warnings.many": "{count} Warnungen",
    "title": "Rechnung {number} von {seller}",
    "title.no_seller": "Rechnung {number}",
    "title.no_number": "ohne Nummer",
    "format": "Format: {syntax}, Profil: {profile}",
    "skonto": "{percent} % Skonto bei Zahlung innerhalb von {days} Tagen",
    "skonto.base": " (Basisbetrag {amount})",
    "period": "{start} bis {end}",
    "period.from": "ab {start}",
    "period.until": "bis {end}",
    "preceding": "{number} vom {date}",
    "scheme": "Schema {scheme}",
    "percent_of": "{percent} % von {base}",
    "size": "{size} Bytes",
    "price_per": "{price} je {quantity}",
    "sub_line": "Unterposition",
}

SYNTAX_NAMES = {"ubl": "UBL 2.1", "cii": "UN/CEFACT CII", "pdf": "PDF mit eingebetteter XML"}
PROFILE_NAMES = {
    "xrechnung": "XRechnung",
    "en16931": "EN 16931",
    "peppol": "Peppol BIS Billing 3.0",
    "extended": "Factur-X/ZUGFeRD EXTENDED",
    "basic": "Factur-X/ZUGFeRD BASIC",
    "basicwl": "Factur-X/ZUGFeRD BASIC WL",
    "minimum": "Factur-X/ZUGFeRD MINIMUM",
    "other": "unbekannt",
}

# UNTDID 1001 (the codes invoices use)
DOCUMENT_TYPES = {
    "71": "Zahlungsaufforderung",
    "80": "Belastungsanzeige (Waren und Dienstleistungen)",
    "81": "Gutschriftsanzeige (Waren und Dienstleistungen)",
    "82": "Rechnung für Messdienstleistungen",
    "84": "Belastungsanzeige (Finanzkorrekturen)",
    "102": "Belastungsanzeige",
    "130": "Rechnungsdatenblatt",
    "202": "Direkte Zahlungsbewertung",
    "203": "Vorläufige Zahlungsbewertung",
    "204": "Zahlungsbewertung",
    "211": "Zwischenrechnung (Abschlag)",
    "261": "Selbst ausgestellte Gutschrift",
    "262": "Sammelgutschrift",
    "295": "Preisvorabrechnung",
    "296": "Gutschrift für Preisänderung",
    "308": "Delkredere-Gutschrift",
    "325": "Proformarechnung",
    "326": "Teilrechnung",
    "380": "Rechnung",
    "381": "Gutschrift",
    "383": "Belastungsanzeige",
    "384": "Korrigierte Rechnung",
    "385": "Sammelrechnung",
    "386": "Vorauszahlungsrechnung",
    "387": "Mietrechnung",
    "388": "Steuerrechnung",
    "389": "Selbst ausgestellte Rechnung (Gutschriftsverfahren)",
    "390": "Delkredere-Rechnung",
    "393": "Factoring-Rechnung",
    "394": "Leasingrechnung",
    "395": "Konsignationsrechnung",
    "396": "Factoring-Gutschrift",
    "420": "Optikerrechnung",
    "456": "Belastungsanzeige (Korrektur)",
    "457": "Storno einer Belastung",
    "458": "Storno einer Gutschrift",
    "527": "Selbst ausgestellte Belastungsanzeige",
    "532": "Gutschrift des Spediteurs",
    "553": "Forwarder's invoice discrepancy report",
    "575": "Versicherungsrechnung",
    "623": "Speditionsrechnung",
    "633": "Hafenkostenrechnung",
    "751": "Rechnungsinformation für Buchungszwecke",
    "780": "Frachtrechnung",
    "817": "Reparaturrechnung",
    "870": "Konsulatsrechnung",
    "875": "Bau-Abschlagsrechnung (Teilrechnung für Bauleistungen)",
    "876": "Bau-Teilschlussrechnung",
    "877": "Bau-Schlussrechnung",
    "935": "Zollrechnung",
}

# UNTDID 5305 as used by EN 16931
VAT_CATEGORIES = {
    "S": "Umsatzsteuer zum Normal- oder ermäßigten Satz",
    "Z": "Nullsatz",
    "E": "Steuerbefreit",
    "AE": "Umkehrung der Steuerschuldnerschaft (Reverse Charge)",
    "K": "Innergemeinschaftliche Lieferung, steuerfrei",
    "G": "Ausfuhr in ein Drittland, steuerfrei",
    "O": "Nicht steuerbar",
    "L": "Kanarische Inseln (IGIC)",
    "M": "Ceuta und Melilla (IPSI)",
}

# UNTDID 4461 (the usual ones)
PAYMENT_MEANS = {
    "1": "Nicht definiert",
    "10": "Barzahlung",
    "20": "Scheck",
    "30": "Überweisung",
    "31": "Auslandsüberweisung",
    "42": "Zahlung auf ein Bankkonto",
    "48": "Kartenzahlung",
    "49": "Lastschrift",
    "54": "Kreditkarte",
    "55": "Debitkarte",
    "57": "Dauerauftrag",
    "58": "SEPA-Überweisung",
    "59": "SEPA-Lastschrift",
    "68": "Online-Zahlungsdienst",
    "97": "Verrechnung",
    "ZZZ": "Sonstige (vereinbarte) Zahlungsart",
}

# UNTDID 2005 (UBL) and 2475 (CII) for BT-8
TAX_POINT_CODES = {
    "3": "Rechnungsdatum",
    "35": "Liefer- oder Leistungsdatum",
    "432": "Zahlungsdatum",
    "5": "Rechnungsdatum",
    "29": "Liefer- oder Leistungsdatum",
    "72": "Zahlungsdatum",
}

# UN/ECE Rec. 20/21 (the common ones)
UNITS = {
    "C62": "Stück",
    "H87": "Stück",
    "XPP": "Stück",
    "EA": "Stück",
    "SET": "Satz",
    "LS": "Pauschale",
    "HUR": "Stunde",
    "MIN": "Minute",
    "DAY": "Tag",
    "WEE": "Woche",
    "MON": "Monat",
    "ANN": "Jahr",
    "KGM": "Kilogramm",
    "GRM": "Gramm",
    "TNE": "Tonne",
    "MTR": "Meter",
    "KMT": "Kilometer",
    "MTK": "Quadratmeter",
    "MTQ": "Kubikmeter",
    "LTR": "Liter",
    "KWH": "Kilowattstunde",
    "P1": "Prozent",
    "XBX": "Kiste",
    "XPA": "Paket",
}

SKONTO = re.compile(
    r"#SKONTO#TAGE=(?P<days>\d+)#PROZENT=(?P<percent>-?\d+(?:\.\d+)?)#"
    r"(?:BASISBETRAG=(?P<base>-?\d+(?:\.\d+)?)#)?"
)
IBAN = re.compile(r"[A-Z]{2}\d{2}[A-Z0-9]{10,30}")

# ---------------------------------------------------------------------------- the result


@dataclass(frozen=True)
class FindingView:
    """One finding as shown: `message` is the German message with the business term in
    brackets; `level` is "error" (fatal or error), "warning" or "information"; `index` the
    position in `ValidationResult.findings`; `location` the label of where it is shown."""

    index: int
    rule: str
    level: str
    message: str
    field: str | None
    path: str | None
    location: str

    @property
    def anchor(self) -> str:
        return f"af-inv-finding-{self.index}"

    @property
    def is_error(self) -> bool:
        return self.level == "error"

    @property
    def is_warning(self) -> bool:
        return self.level == "warning"


@dataclass(frozen=True)
class FieldView:
    """One field: `label` "Rechnungsnummer (BT-1)", `value` the display text ("" = empty)."""

    terms: tuple[str, ...]
    label: str
    value: str
    path: str | None
    findings: tuple[FindingView, ...] = ()

    @property
    def term(self) -> str:
        return "/".join(self.terms[:2])

    @property
    def has_errors(self) -> bool:
        return any(f.is_error for f in self.findings)


@dataclass(frozen=True)
class Block:
    """A group of fields inside a section (address, contact, one VAT category, …)."""

    title: str
    term: str | None
    fields: tuple[FieldView, ...]
    findings: tuple[FindingView, ...] = ()


@dataclass(frozen=True)
class LineView:
    """One invoice line (BG-25) or XRechnung sub line (BG-DEX-01, `depth` > 0).

    `columns` are the table cells in the order of `InvoicePresentation.line_columns`,
    `details` the further non-empty fields, `findings` line findings not at a field."""

    depth: int
    term: str
    columns: tuple[FieldView, ...]
    details: tuple[FieldView, ...]
    findings: tuple[FindingView, ...] = ()

    @property
    def position(self) -> str:
        return self.columns[0].value if self.columns else ""


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    term: str | None
    blocks: tuple[Block, ...] = ()
    lines: tuple[LineView, ...] = ()
    findings: tuple[FindingView, ...] = ()


@dataclass(frozen=True)
class Summary:
    """`verdict` is "valid", "invalid" or "unchecked"; `sentence` the German verdict."""

    verdict: str
    sentence: str
    errors: tuple[FindingView, ...]
    warnings: tuple[FindingView, ...]
    infos: tuple[FindingView, ...]
    counts: str


@dataclass(frozen=True)
class InvoicePresentation:
    title: str
    number: str | None
    seller_name: str | None
    format_text: str
    filename: str | None
    summary: Summary
    sections: tuple[Section, ...]
    other: tuple[FindingView, ...]
    line_columns: tuple[str, ...] = ()
    other_title: str = GERMAN["section.other"]

    def shown_findings(self) -> Iterator[FindingView]:
        """Every finding as placed in the body (sections, lines, fields, `other`)."""
        for section in self.sections:
            yield from section.findings
            for block in section.blocks:
                yield from block.findings
                for item in block.fields:
                    yield from item.findings
            for line in section.lines:
                yield from line.findings
                for item in (*line.columns, *line.details):
                    yield from item.findings
        yield from self.other


# ---------------------------------------------------------------------------- formatting


def _german_number(text: str) -> str:
    return text.translate(str.maketrans({",": ".", ".": ","}))


def format_number(value: Decimal | None, places: int | None = None) -> str:
    """German number: thousands with ".", decimals with ","; `places` defaults to as written."""
    if value is None:
        return ""
    try:
        digits = decimals(value) if places is None else places
        return _german_number(f"{value:,.{digits}f}")
    except (InvalidOperation, ValueError):
        return str(value)


def format_amount(value: Decimal | None, currency: str | None = None) -> str:
    """`Decimal("1234.5")`, "EUR" -> "1.234,50 EUR" (at least 2 decimals, more as written)."""
    if value is None:
        return ""
    text = format_number(value, max(2, decimals(value)))
    return f"{text} {currency}" if currency else text


def format_percent(value: Decimal | None) -> str:
    """`Decimal("19.00")` -> "19 %", `Decimal("7.50")` -> "7,5 %"."""
    if value is None:
        return ""
    try:
        normal = value.normalize()
        if normal == normal.to_integral():
            normal = normal.quantize(Decimal(1))
    except InvalidOperation:
        return f"{value} %"
    return f"{format_number(normal)} %"


def format_date(value: m.Date | None) -> str:
    return value.strftime("%d.%m.%Y") if value is not None else ""


def format_code(code: str | None, table: dict[str, str]) -> str:
    """ "380" -> "Rechnung (380)"; unknown codes stay as written."""
    if not code:
        return ""
    meaning = table.get(code.strip().upper()) or table.get(code.strip())
    return f"{meaning} ({code})" if meaning else code


def format_iban(value: str | None) -> str:
    """An IBAN in groups of four ("DE02 1203 0000 0000 2020 51"); other accounts unchanged."""
    if not value:
        return ""
    compact = re.sub(r"\s+", "", value).upper()
    if IBAN.fullmatch(compact):
        return " ".join(compact[i : i + 4] for i in range(0, len(compact), 4))
    return value


def format_identifier(ident: m.Identifier | None) -> str:
    if ident is None or not ident.value:
        return ""
    if ident.scheme:
        return f"{ident.value} ({GERMAN['scheme'].format(scheme=ident.scheme)})"
    return ident.value


def format_period(period: m.Period | None) -> str:
    if period is None:
        return ""
    start, end = format_date(period.start), format_date(period.end)
    if start and end:
        return GERMAN["period"].format(start=start, end=end)
    if start:
        return GERMAN["period.from"].format(start=start)
    if end:
        return GERMAN["period.until"].format(end=end)
    return ""


def skonto_text(terms: str | None, currency: str | None = None) -> str:
    """The XRechnung Skonto codes of BT-20 in plain German (one sentence per code)."""
    if not terms:
        return ""
    sentences = []
    for match in SKONTO.finditer(terms):
        text = GERMAN["skonto"].format(
            percent=format_number(Decimal(match["percent"]), 2), days=match["days"]
        )
        if match["base"]:
            text += GERMAN["skonto.base"].format(
                amount=format_amount(Decimal(match["base"]), currency)
            )
        sentences.append(text + ".")
    return "\n".join(sentences)


def _terms_text(terms: str | None) -> str:
    """BT-20 without the Skonto codes (those are shown as sentences)."""
    if not terms:
        return ""
    lines = [SKONTO.sub("", line).strip() for line in terms.splitlines()]
    return "\n".join(line for line in lines if line).strip()


def _join(*parts: str | None, sep: str = " ") -> str:
    return sep.join(p for p in parts if p)


def _label(term: str, key: str | None = None) -> str:
    return f"{GERMAN[key or term]} ({term})"


# ---------------------------------------------------------------------------- paths


def normalise_path(path: str | None) -> str | None:
    """Root step -> "*", "[1]" dropped, trailing "/" removed (see module docstring)."""
    if not path:
        return None
    steps = path.strip().split("/")
    if len(steps) < 2 or steps[0] != "":
        return path.strip()
    steps[1] = "*"
    return "/".join(s[:-3] if s.endswith("[1]") else s for s in steps).rstrip("/") or None


def _within(path: str | None, prefix: str | None) -> int:
    """Length of `prefix` when it equals `path` or is an ancestor step of it, else -1."""
    if not path or not prefix or prefix == "/*":
        return -1
    if path == prefix or path.startswith(prefix + "/"):
        return len(prefix)
    return -1


# ---------------------------------------------------------------------------- builders


@dataclass(eq=False)
class _Target:
    """A place a finding can be attached to (field, block, line or section)."""

    terms: tuple[str, ...]
    label: str
    path: str | None = None  # normalised source path of a field
    scope: str | None = None  # normalised path of the enclosing group
    section: _Section | None = None
    found: list[int] = field(default_factory=list)


@dataclass(eq=False)
class _Slot(_Target):
    value: str = ""
    raw_path: str | None = None


@dataclass(eq=False)
class _Block(_Target):
    title: str = ""
    slots: list[_Slot] = field(default_factory=list)


@dataclass(eq=False)
class _Line(_Target):
    depth: int = 0
    columns: list[_Slot] = field(default_factory=list)
    details: list[_Slot] = field(default_factory=list)


@dataclass(eq=False)
class _Section(_Target):
    key: str = ""
    term: str | None = None
    blocks: list[_Block] = field(default_factory=list)
    lines: list[_Line] = field(default_factory=list)


def _path(obj: m.Located | None, name: str | None = None) -> str | None:
    if obj is None:
        return None
    return obj.paths.get(name) if name is not None else obj.paths.get(".")


class _Builder:
    def __init__(self, invoice: m.Invoice) -> None:
        self.invoice = invoice
        self.currency = invoice.currency
        self.sections: list[_Section] = []
        self.section: _Section | None = None
        self.block: _Block | None = None

    # ---- primitives

    def start(self, key: str, term: str | None, extra_terms: Iterable[str] = ()) -> _Section:
        terms = ((term,) if term else ()) + tuple(extra_terms)
        self.section = _Section(
            terms=terms,
            label=GERMAN[f"section.{key}"],
            key=key,
            term=term,
            scope=normalise_path(self.invoice.paths.get(key)),
        )
        self.section.section = self.section
        self.sections.append(self.section)
        self.block = None
        return self.section

    def open_block(
        self, title: str = "", term: str | None = None, obj: m.Located | None = None
    ) -> _Block:
        assert self.section is not None
        self.block = _Block(
            terms=(term,) if term else (),
            label=_join(self.section.label, title, sep=" › "),
            scope=normalise_path(_path(obj)),
            section=self.section,
            title=title,
        )
        self.section.blocks.append(self.block)
        return self.block

    def slot(
        self,
        terms: str | tuple[str, ...],
        value: str | None,
        obj: m.Located | None,
        name: str | None,
        *,
        label: str | None = None,
        into: list[_Slot] | None = None,
        scope: m.Located | None = None,
    ) -> _Slot:
        terms = (terms,) if isinstance(terms, str) else terms
        raw = _path(obj, name) if name is not None else _path(obj)
        assert self.section is not None
        slot = _Slot(
            terms=terms,
            label=label or _label(terms[0]),
            value=value or "",
            path=normalise_path(raw),
            raw_path=raw,
            scope=normalise_path(_path(scope if scope is not None else obj)),
            section=self.section,
        )
        if into is None:
            assert self.block is not None
            into = self.block.slots
        into.append(slot)
        return slot

    def money(self, value: Decimal | None, currency: str | None = None) -> str:
        return format_amount(value, currency or self.currency)

    def address(self, address: m.Address | None, terms: tuple[str, ...], block: str) -> None:
        self.open_block(GERMAN["block.address"], block, address)
        a = address or m.Address()
        names = ("line1", "line2", "line3", "post_code", "city", "subdivision", "country_code")
        for term, name in zip(terms, names, strict=True):
            self.slot(term, getattr(a, name), address, name)

    # ---- sections

    def header(self) -> None:
        inv = self.invoice
        self.start("header", None, ("BG-1", "BG-2", "BT-21", "BT-22"))
        self.open_block()
        self.slot("BT-1", inv.number, inv, "number")
        self.slot("BT-2", format_date(inv.issue_date), inv, "issue_date")
        self.slot("BT-3", format_code(inv.type_code, DOCUMENT_TYPES), inv, "type_code")
        self.slot("BT-10", inv.buyer_reference, inv, "buyer_reference")
        self.slot("BT-5", inv.currency, inv, "currency")
        self.slot("BT-6", inv.tax_currency, inv, "tax_currency")
        self.slot("BT-7", format_date(inv.tax_point_date), inv, "tax_point_date")
        self.slot(
            "BT-8",
            format_code(inv.tax_point_date_code, TAX_POINT_CODES),
            inv,
            "tax_point_date_code",
        )
        period = inv.invoicing_period
        self.slot(
            ("BG-14", "BT-73", "BT-74"),
            format_period(period),
            period,
            None,
            label=_label("BG-14"),
        )
        self.slot("BT-23", inv.process_id, inv, "process_id")
        self.slot("BT-24", inv.customization_id, inv, "customization_id")
        if inv.notes:
            self.open_block(GERMAN["block.notes"], "BG-1")
            for note in inv.notes:
                text = _join(f"[{note.subject_code}]" if note.subject_code else None, note.text)
                self.slot(("BT-22", "BT-21", "BG-1"), text, note, None)

    def party(self, key: str, party: m.Party | None, seller: bool) -> None:
        p = party or m.Party()
        if seller:
            group, addr, contact = "BG-4", "BG-5", "BG-6"
            t = ("BT-27", "BT-28", "BT-29", "BT-30", "BT-31", "BT-32", "BT-33", "BT-34")
            addr_terms = ("BT-35", "BT-36", "BT-162", "BT-38", "BT-37", "BT-39", "BT-40")
            contact_terms = ("BT-41", "BT-42", "BT-43")
        else:
            group, addr, contact = "BG-7", "BG-8", "BG-9"
            t = ("BT-44", "BT-45", "BT-46", "BT-47", "BT-48", None, None, "BT-49")
            addr_terms = ("BT-50", "BT-51", "BT-163", "BT-53", "BT-52", "BT-54", "BT-55")
            contact_terms = ("BT-56", "BT-57", "BT-58")
        self.start(key, group)
        self.open_block("", None, party)
        self.slot(t[0], p.name, party, "name")
        self.slot(t[1], p.trading_name, party, "trading_name")
        ids = "; ".join(format_identifier(i) for i in p.identifiers if i.value)
        first_id = p.identifiers[0] if p.identifiers else None
        self.slot(t[2], ids, first_id, None, scope=party)
        self.slot(t[3], format_identifier(p.legal_registration_id), party, "legal_registration_id")
        self.slot(t[4], p.vat_id, party, "vat_id")
        if t[5]:
            self.slot(t[5], p.tax_registration_id, party, "tax_registration_id")
        if t[6]:
            self.slot(t[6], p.additional_legal_info, party, "additional_legal_info")
        self.slot(t[7], format_identifier(p.electronic_address), party, "electronic_address")
        self.address(p.address, addr_terms, addr)
        self.open_block(GERMAN["block.contact"], contact, p.contact)
        c = p.contact or m.Contact()
        for term, name in zip(contact_terms, ("name", "phone", "email"), strict=True):
            self.slot(term, getattr(c, name), p.contact, name)

    def payee(self) -> None:
        payee = self.invoice.payee
        p = payee or m.Payee()
        self.start("payee", "BG-10")
        self.open_block("", None, payee)
        self.slot("BT-59", p.name, payee, "name")
        ids = "; ".join(format_identifier(i) for i in p.identifiers if i.value)
        self.slot("BT-60", ids, p.identifiers[0] if p.identifiers else None, None, scope=payee)
        self.slot(
            "BT-61", format_identifier(p.legal_registration_id), payee, "legal_registration_id"
        )

    def tax_representative(self) -> None:
        rep = self.invoice.tax_representative
        r = rep or m.TaxRepresentative()
        self.start("tax_representative", "BG-11")
        self.open_block("", None, rep)
        self.slot("BT-62", r.name, rep, "name")
        self.slot("BT-63", r.vat_id, rep, "vat_id")
        terms = ("BT-64", "BT-65", "BT-164", "BT-67", "BT-66", "BT-68", "BT-69")
        self.address(r.address, terms, "BG-12")

    def delivery(self) -> None:
        delivery = self.invoice.delivery
        d = delivery or m.Delivery()
        self.start("delivery", "BG-13")
        self.open_block("", None, delivery)
        self.slot("BT-70", d.party_name, delivery, "party_name")
        self.slot("BT-71", format_identifier(d.location_id), delivery, "location_id")
        self.slot("BT-72", format_date(d.actual_delivery_date), delivery, "actual_delivery_date")
        terms = ("BT-75", "BT-76", "BT-165", "BT-78", "BT-77", "BT-79", "BT-80")
        self.address(d.address, terms, "BG-15")

    def references(self) -> None:
        inv = self.invoice
        self.start("references", None, ("BG-3", "BT-25", "BT-26"))
        self.open_block()
        for term, name in (
            ("BT-11", "project_reference"),
            ("BT-12", "contract_reference"),
            ("BT-13", "purchase_order_reference"),
            ("BT-14", "sales_order_reference"),
            ("BT-15", "receiving_advice_reference"),
            ("BT-16", "despatch_advice_reference"),
            ("BT-17", "tender_or_lot_reference"),
            ("BT-19", "buyer_accounting_reference"),
        ):
            self.slot(term, getattr(inv, name), inv, name)
        obj = inv.invoiced_object_identifier
        self.slot("BT-18", format_identifier(obj), inv, "invoiced_object_identifier")
        if inv.preceding_invoices:
            self.open_block(GERMAN["block.preceding"], "BG-3")
            for prec in inv.preceding_invoices:
                text = prec.number or ""
                if prec.issue_date:
                    text = GERMAN["preceding"].format(
                        number=text, date=format_date(prec.issue_date)
                    )
                self.slot(("BG-3", "BT-25", "BT-26"), text, prec, None, label=_label("BG-3"))

    def lines(self) -> None:
        line_terms = [f"BT-{n}" for n in range(126, 162)]
        groups = ("BG-25", "BG-26", "BG-27", "BG-28", "BG-29", "BG-30", "BG-31", "BG-32")
        self.start("lines", None, (*groups, "BG-DEX-01", "BG-DEX-06", *line_terms))

        def walk(lines: tuple[m.Line, ...], depth: int) -> None:
            for line in lines:
                self.line(line, depth)
                walk(line.sub_lines, depth + 1)

        walk(self.invoice.lines, 0)

    def line(self, line: m.Line, depth: int) -> None:
        assert self.section is not None
        term = "BG-DEX-01" if depth else "BG-25"
        target = _Line(
            terms=(term,),
            label=f"{self.section.label} › {GERMAN['BT-126']} {line.id or '?'}",
            scope=normalise_path(_path(line)),
            section=self.section,
            depth=depth,
        )
        self.section.lines.append(target)
        cols, details = target.columns, target.details
        item = line.item or m.Item()
        price = line.price or m.Price()
        self.slot("BT-126", line.id, line, "id", into=cols)
        self.slot(("BT-153", "BG-31"), item.name, line.item, "name", into=cols, scope=line)
        self.slot("BT-129", format_number(line.quantity), line, "quantity", into=cols)
        self.slot("BT-130", format_code(line.unit, UNITS), line, "unit", into=cols)
        self.slot(
            ("BT-146", "BG-29"),
            self.money(price.net_price),
            line.price,
            "net_price",
            into=cols,
            scope=line,
        )
        self.slot("BT-131", self.money(line.net_amount), line, "net_amount", into=cols)
        vat = _join(line.vat_category, format_percent(line.vat_rate))
        vat_terms = ("BT-151", "BT-152", "BG-30") + (("BG-DEX-06",) if depth else ())
        vat_path = "vat_category" if "vat_category" in line.paths else "vat_rate"
        self.slot(vat_terms, vat, line, vat_path, into=cols, label="USt (BT-151/BT-152)")

        def add(terms, value, obj, name, label=None, scope=line):
            self.slot(terms, value, obj, name, into=details, label=label, scope=scope)

        add("BT-127", line.note, line, "note")
        add("BT-154", item.description, line.item, "description")
        add("BT-155", item.sellers_id, line.item, "sellers_id")
        add("BT-156", item.buyers_id, line.item, "buyers_id")
        add("BT-157", format_identifier(item.standard_id), line.item, "standard_id")
        classes = "; ".join(format_identifier(c) for c in item.classifications if c.value)
        first_class = item.classifications[0] if item.classifications else None
        add("BT-158", classes, first_class, None)
        add("BT-159", item.origin_country, line.item, "origin_country")
        for attribute in item.attributes:
            text = _join(attribute.name, attribute.value, sep=": ")
            add(("BG-32", "BT-160", "BT-161"), text, attribute, None, _label("BG-32"))
        add("BT-128", format_identifier(line.object_identifier), line, "object_identifier")
        add("BT-132", line.order_line_reference, line, "order_line_reference")
        add("BT-133", line.accounting_reference, line, "accounting_reference")
        add(("BG-26", "BT-134", "BT-135"), format_period(line.period), line.period, None)
        add("BT-148", self.money(price.gross_price), line.price, "gross_price")
        add("BT-147", self.money(price.discount), line.price, "discount")
        base = _join(
            format_number(price.base_quantity), format_code(price.base_quantity_unit, UNITS)
        )
        add(("BT-149", "BT-150"), base, line.price, "base_quantity")
        for charge_list, group, terms in (
            (line.allowances, "BG-27", ("BT-136", "BT-137", "BT-138", "BT-139", "BT-140")),
            (line.charges, "BG-28", ("BT-141", "BT-142", "BT-143", "BT-144", "BT-145")),
        ):
            for ac in charge_list:
                add((group, *terms), self.allowance_text(ac), ac, None, _label(group))

    def allowance_text(self, ac: m.AllowanceCharge) -> str:
        amount = self.money(ac.amount)
        if ac.percentage is not None:
            pct = GERMAN["percent_of"].format(
                percent=format_percent(ac.percentage)[:-2], base=self.money(ac.base_amount)
            )
            amount = f"{amount} ({pct})" if amount else pct
        reason = _join(ac.reason, f"({ac.reason_code})" if ac.reason_code else None)
        return _join(amount, reason, sep=" – ")

    def allowances(self) -> None:
        self.start("allowances", None, ("BG-20", "BG-21", *(f"BT-{n}" for n in range(92, 106))))
        for items, group, key, first in (
            (self.invoice.allowances, "BG-20", "block.allowance", 92),
            (self.invoice.charges, "BG-21", "block.charge", 99),
        ):
            for n, ac in enumerate(items, 1):
                self.open_block(f"{GERMAN[key].format(n=n)} ({group})", group, ac)
                t = [f"BT-{first + i}" for i in range(7)]
                self.slot(t[0], self.money(ac.amount), ac, "amount")
                self.slot(t[1], self.money(ac.base_amount), ac, "base_amount")
                self.slot(t[2], format_percent(ac.percentage), ac, "percentage")
                self.slot(t[3], format_code(ac.vat_category, VAT_CATEGORIES), ac, "vat_category")
                self.slot(t[4], format_percent(ac.vat_rate), ac, "vat_rate")
                self.slot(t[5], ac.reason, ac, "reason")
                self.slot(t[6], ac.reason_code, ac, "reason_code")

    def vat(self) -> None:
        self.start("vat", "BG-23", tuple(f"BT-{n}" for n in range(116, 122)))
        for vb in self.invoice.vat_breakdown:
            category = VAT_CATEGORIES.get((vb.category or "").upper(), vb.category or "?")
            title = _join(category, format_percent(vb.rate), sep=", ")
            self.open_block(f"{title} (BG-23)", "BG-23", vb)
            self.slot("BT-118", format_code(vb.category, VAT_CATEGORIES), vb, "category")
            self.slot("BT-119", format_percent(vb.rate), vb, "rate")
            self.slot("BT-116", self.money(vb.taxable_amount), vb, "taxable_amount")
            self.slot("BT-117", self.money(vb.tax_amount), vb, "tax_amount")
            self.slot("BT-120", vb.exemption_reason, vb, "exemption_reason")
            self.slot("BT-121", vb.exemption_reason_code, vb, "exemption_reason_code")

    def totals(self) -> None:
        totals = self.invoice.totals
        t = totals or m.Totals()
        self.start("totals", "BG-22")
        self.open_block("", None, totals)
        for term, name in (
            ("BT-106", "line_net_total"),
            ("BT-107", "allowance_total"),
            ("BT-108", "charge_total"),
            ("BT-109", "tax_exclusive"),
            ("BT-110", "vat_total"),
            ("BT-112", "tax_inclusive"),
            ("BT-113", "prepaid"),
            ("BT-114", "rounding"),
            ("BT-115", "payable"),
        ):
            self.slot(term, self.money(getattr(t, name)), totals, name)
        tax_currency = self.invoice.tax_currency
        self.slot(
            "BT-111",
            format_amount(t.vat_total_tax_currency, tax_currency),
            totals,
            "vat_total_tax_currency",
        )

    def payment_terms(self) -> None:
        inv = self.invoice
        self.start("payment_terms", None)
        self.open_block()
        self.slot("BT-9", format_date(inv.due_date), inv, "due_date")
        self.slot("BT-20", _terms_text(inv.payment_terms), inv, "payment_terms")
        self.slot(
            (),
            skonto_text(inv.payment_terms, self.currency),
            inv,
            "payment_terms",
            label=f"{GERMAN['label.skonto']} (BT-20)",
        )

    def payment(self) -> None:
        self.start("payment", "BG-16", tuple(f"BT-{n}" for n in range(81, 92)))
        many = len(self.invoice.payment_instructions) > 1
        for n, pi in enumerate(self.invoice.payment_instructions, 1):
            title = GERMAN["block.payment"].format(n=n) if many else ""
            self.open_block(f"{title} (BG-16)" if title else "", "BG-16", pi)
            self.slot("BT-81", format_code(pi.means_code, PAYMENT_MEANS), pi, "means_code")
            self.slot("BT-82", pi.means_text, pi, "means_text")
            self.slot("BT-83", pi.remittance_information, pi, "remittance_information")
            for k, ct in enumerate(pi.credit_transfers, 1):
                title = GERMAN["block.credit_transfer"].format(n=k)
                if len(pi.credit_transfers) == 1:
                    title = title.rsplit(" ", 1)[0]
                self.open_block(f"{title} (BG-17)", "BG-17", ct)
                self.slot("BT-84", format_iban(ct.account_id), ct, "account_id")
                self.slot("BT-85", ct.account_name, ct, "account_name")
                self.slot("BT-86", ct.provider_id, ct, "provider_id")
            if pi.card is not None:
                self.open_block(f"{GERMAN['block.card']} (BG-18)", "BG-18", pi.card)
                self.slot(
                    "BT-87", pi.card.primary_account_number, pi.card, "primary_account_number"
                )
                self.slot("BT-88", pi.card.holder_name, pi.card, "holder_name")
            if pi.direct_debit is not None:
                dd = pi.direct_debit
                self.open_block(f"{GERMAN['block.direct_debit']} (BG-19)", "BG-19", dd)
                self.slot("BT-89", dd.mandate_reference, dd, "mandate_reference")
                self.slot("BT-90", dd.creditor_id, dd, "creditor_id")
                self.slot("BT-91", format_iban(dd.debited_account_id), dd, "debited_account_id")

    def attachments(self) -> None:
        self.start("attachments", "BG-24", ("BT-122", "BT-123", "BT-124", "BT-125"))
        for n, att in enumerate(self.invoice.attachments, 1):
            self.open_block(f"{GERMAN['block.attachment'].format(n=n)} (BG-24)", "BG-24", att)
            self.slot("BT-122", att.reference, att, "reference")
            self.slot("BT-123", att.description, att, "description")
            self.slot("BT-124", att.external_uri, att, "external_uri")
            details = _join(
                att.mime_code,
                GERMAN["size"].format(size=format_number(Decimal(len(att.content))))
                if att.content is not None
                else None,
                sep=", ",
            )
            text = _join(att.filename, f"({details})" if details else None)
            self.slot("BT-125", text, att, "content" if "content" in att.paths else "filename")

    def build(self) -> list[_Section]:
        self.header()
        self.party("seller", self.invoice.seller, seller=True)
        self.party("buyer", self.invoice.buyer, seller=False)
        self.payee()
        self.tax_representative()
        self.delivery()
        self.references()
        self.lines()
        self.allowances()
        self.vat()
        self.totals()
        self.payment_terms()
        self.payment()
        self.attachments()
        return self.sections


# ---------------------------------------------------------------------------- placing findings


def _targets(sections: list[_Section]) -> tuple[list[_Slot], list[_Target]]:
    """All fields, and all containers (blocks, lines, sections)."""
    slots: list[_Slot] = []
    containers: list[_Target] = []
    for section in sections:
        for block in section.blocks:
            slots.extend(block.slots)
            containers.append(block)
        for line in section.lines:
            slots.extend(line.columns)
            slots.extend(line.details)
            containers.append(line)
        containers.append(section)
    return slots, containers


def _best(candidates: list, path: str | None) -> _Target | None:
    """The candidate whose path or scope contains `path` most closely; None if undecided."""
    if len(candidates) == 1:
        return candidates[0]
    scored = [
        (max(_within(path, c.path), _within(path, c.scope)), i) for i, c in enumerate(candidates)
    ]
    best, index = max(scored, key=lambda s: (s[0], -s[1]))
    return candidates[index] if best >= 0 else None


def _place(finding: Finding, slots: list[_Slot], containers: list[_Target]) -> _Target | None:
    path = normalise_path(finding.path)
    term = finding.field
    if term:
        for group in (slots, [c for c in containers if not isinstance(c, _Section)]):
            candidates = [t for t in group if term in t.terms]
            if candidates:
                chosen = _best(candidates, path)
                return chosen if chosen is not None else candidates[0].section
        sections = [c for c in containers if isinstance(c, _Section) and term in c.terms]
        if sections:
            return sections[0]
    if path:
        matches = [(_within(path, s.path), -i, s) for i, s in enumerate(slots)]
        score, _, slot = max(matches, key=lambda x: (x[0], x[1]), default=(-1, 0, None))
        if score >= 0:
            return slot
        matches = [(_within(path, c.scope), -i, c) for i, c in enumerate(containers)]
        score, _, container = max(matches, key=lambda x: (x[0], x[1]), default=(-1, 0, None))
        if score >= 0:
            return container
    return None


def _message(finding: Finding) -> str:
    """The German message, with the business term in brackets when it does not name it."""
    text = (finding.message_de or finding.message_en or finding.rule).strip()
    term = finding.field
    if term and not re.search(rf"\b{re.escape(term)}\b(?![\d-])", text):
        if text.endswith("."):
            return f"{text[:-1]} ({term})."
        return f"{text} ({term})"
    return text


def _level(finding: Finding) -> str:
    if finding.severity.rejects:
        return "error"
    return "warning" if finding.severity is Severity.WARNING else "information"


# ---------------------------------------------------------------------------- present


def _title(invoice: m.Invoice | None, filename: str | None) -> str:
    number = invoice.number if invoice is not None else None
    seller = invoice.seller.name if invoice is not None and invoice.seller else None
    shown = number or (filename or "").rsplit("/", 1)[-1] or GERMAN["title.no_number"]
    if seller:
        return GERMAN["title"].format(number=shown, seller=seller)
    return GERMAN["title.no_seller"].format(number=shown)


def _summary(result, views: list[FindingView]) -> Summary:
    by_index = {v.index: v for v in views}
    position = {id(f): i for i, f in enumerate(result.findings)}

    def pick(findings) -> tuple[FindingView, ...]:
        return tuple(by_index[position[id(f)]] for f in findings if id(f) in position)

    errors = pick(result.errors)
    warnings = pick(result.warnings)
    infos = tuple(v for v in views if v.level == "information")
    if result.valid is True:
        verdict, sentence = "valid", GERMAN["verdict.valid"]
    elif result.valid is False:
        verdict = "invalid"
        sentence = GERMAN["verdict.invalid"].format(count=len(result.errors))
    else:
        verdict = "unchecked"
        reasons = [f for f in result.findings if f.rule in ("NOT-CHECKED", "FORMAT-UNSUPPORTED")]
        reason = (reasons[0].message_de.strip() if reasons else "") or ""
        if reason:
            reason = reason if reason.endswith((".", "!", "?")) else reason + "."
            sentence = GERMAN["verdict.unchecked"].format(reason=reason)
        else:
            sentence = GERMAN["verdict.unchecked_plain"]
    counts = ""
    if warnings:
        key = "counts.warnings.one" if len(warnings) == 1 else "counts.warnings.many"
        counts = GERMAN[key].format(count=len(warnings))
    return Summary(
        verdict=verdict,
        sentence=sentence,
        errors=errors,
        warnings=warnings,
        infos=infos,
        counts=counts,
    )


def _freeze_slot(slot: _Slot, views: dict[int, FindingView]) -> FieldView:
    return FieldView(
        terms=slot.terms,
        label=slot.label,
        value=slot.value,
        path=slot.raw_path,
        findings=tuple(views[i] for i in slot.found),
    )


def _shown(slot: _Slot) -> bool:
    return bool(slot.value) or bool(slot.found)


def _freeze(sections: list[_Section], views: dict[int, FindingView]) -> tuple[Section, ...]:
    result = []
    for section in sections:
        blocks = []
        for block in section.blocks:
            fields = tuple(_freeze_slot(s, views) for s in block.slots if _shown(s))
            if fields or block.found:
                blocks.append(
                    Block(
                        title=block.title,
                        term=block.terms[0] if block.terms else None,
                        fields=fields,
                        findings=tuple(views[i] for i in block.found),
                    )
                )
        lines = tuple(
            LineView(
                depth=line.depth,
                term=line.terms[0],
                columns=tuple(_freeze_slot(s, views) for s in line.columns),
                details=tuple(_freeze_slot(s, views) for s in line.details if _shown(s)),
                findings=tuple(views[i] for i in line.found),
            )
            for line in section.lines
        )
        if blocks or lines or section.found:
            result.append(
                Section(
                    key=section.key,
                    title=section.label,
                    term=section.term,
                    blocks=tuple(blocks),
                    lines=lines,
                    findings=tuple(views[i] for i in section.found),
                )
            )
    return tuple(result)


def line_columns() -> tuple[str, ...]:
    return (
        _label("BT-126"),
        _label("BT-153"),
        _label("BT-129"),
        _label("BT-130"),
        _label("BT-146"),
        _label("BT-131"),
        "USt (BT-151/BT-152)",
    )


def present(result) -> InvoicePresentation:
    """The German presentation of a `ValidationResult` (never raises for odd invoices)."""
    invoice: m.Invoice | None = result.invoice
    sections: list[_Section] = _Builder(invoice).build() if invoice is not None else []
    slots, containers = _targets(sections)

    placed: dict[int, _Target | None] = {}
    for index, finding in enumerate(result.findings):
        target = _place(finding, slots, containers)
        placed[index] = target
        if target is not None:
            target.found.append(index)

    views: dict[int, FindingView] = {}
    other = []
    for index, finding in enumerate(result.findings):
        target = placed[index]
        if target is None:
            location = GERMAN["section.other"]
        elif isinstance(target, _Slot):
            location = f"{target.section.label} › {target.label}" if target.section else ""
        else:
            location = target.label
        views[index] = FindingView(
            index=index,
            rule=finding.rule,
            level=_level(finding),
            message=_message(finding),
            field=finding.field,
            path=finding.path,
            location=location,
        )
        if target is None:
            other.append(views[index])

    invoice_number = invoice.number if invoice is not None else None
    seller = invoice.seller.name if invoice is not None and invoice.seller else None
    syntax = SYNTAX_NAMES.get(result.syntax or "", result.syntax or "?")
    if result.syntax == "pdf" and result.xml_syntax:
        syntax = f"{syntax} ({SYNTAX_NAMES.get(result.xml_syntax, result.xml_syntax)})"
    profile = PROFILE_NAMES.get(result.profile, result.profile)
    return InvoicePresentation(
        title=_title(invoice, result.filename),
        number=invoice_number,
        seller_name=seller,
        format_text=GERMAN["format"].format(syntax=syntax, profile=profile),
        filename=result.filename,
        summary=_summary(result, list(views.values())),
        sections=_freeze(sections, views),
        other=tuple(other),
        line_columns=line_columns() if invoice is not None and invoice.lines else (),
    )
