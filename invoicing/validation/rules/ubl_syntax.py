"""UBL syntax binding rules of the CEN EN 16931 Schematron (UBL-CR-*, UBL-SR-*, UBL-DT-*).

* UBL-CR-* ("a UBL invoice should not include ..."): warnings, table-driven from
  `data/ubl_not_used.tsv` (plus the few with a condition, written out below; UBL-CR-666 and
  UBL-CR-673 are fatal). The KoSIT XRechnung scenario raises UBL-CR-646 to an error; that
  override lives in the scenario table, here the rule has its CEN level.
* UBL-SR-* (cardinality restrictions of the binding): fatal.
* UBL-DT-* (data type restrictions): UBL-DT-01/06/07 fatal, the attribute ones warnings
  (those are in the table as well).

All rules run on the XML tree, for every profile the CEN Schematron applies to.
"""

from lxml import etree

from invoicing.validation.findings import Layer, Severity
from invoicing.validation.registry import Violation, rule
from invoicing.validation.rules.syntax_tables import Row, applies_cen, load_rows, register_table

ROOT = "/ubl:Invoice | /cn:CreditNote"

# UBL-CR rules whose test carries a condition (XPath 1 here, written out by hand).
CONDITIONAL_CR_ROWS = [
    Row("UBL-CR-420", "warning", "M12", 1006, ROOT, "cac:PaymentMeans/cac:CardAccount/cbc:CV2ID"),
    Row(
        "UBL-CR-665",
        "warning",
        "M12",
        1006,
        ROOT,
        "//cac:AdditionalDocumentReference[cbc:DocumentTypeCode != '130' or "
        "not(cbc:DocumentTypeCode)]/cbc:ID/@schemeID",
    ),
    Row(
        "UBL-CR-666",
        "fatal",
        "M12",
        1006,
        ROOT,
        "//cac:AdditionalDocumentReference[cbc:DocumentTypeCode = '130']/cac:Attachment",
    ),
    Row(
        "UBL-CR-673",
        "fatal",
        "M12",
        1006,
        ROOT,
        "//cac:AdditionalDocumentReference[cbc:DocumentTypeCode = '130']/cbc:DocumentDescription",
    ),
]

register_table(load_rows("ubl_not_used.tsv") + CONDITIONAL_CR_ROWS, syntax="ubl")


def _ubl_rule(rule_id: str, *, de: str, en: str, field: str | None = None, severity=None):
    return rule(
        rule_id,
        layer=Layer.SYNTAX_BINDING,
        severity=severity or Severity.ERROR,
        field=field,
        de=de,
        en=en,
        syntaxes=("ubl",),
        applies=applies_cen,
    )


def _text(node) -> str:
    return (node.text or "").strip() if isinstance(node, etree._Element) else str(node)


def _is_credit_note(ctx) -> bool:
    return etree.QName(ctx.root).localname == "CreditNote"


def _lines(ctx) -> list:
    return ctx.xpath("//cac:InvoiceLine | //cac:CreditNoteLine")


# ---------------------------------------------------------------------------------------------
# UBL-CR-002 and UBL-CR-412: the two "should not" rules with an exception


@_ubl_rule(
    "UBL-CR-002",
    severity=Severity.WARNING,
    de="Die UBL-Version (cbc:UBLVersionID) sollte fehlen oder „2.1“ lauten.",
    en="A UBL invoice should not include the UBLVersionID or it should be 2.1.",
)
def ubl_version(ctx):
    for node in ctx.xpath("cbc:UBLVersionID"):
        if _text(node) != "2.1":
            yield ctx.path_of(node)
            return


@_ubl_rule(
    "UBL-CR-412",
    severity=Severity.WARNING,
    de="Das Fälligkeitsdatum gehört in einer Rechnung nicht in die Zahlungsanweisung "
    "(cac:PaymentMeans/cbc:PaymentDueDate), sondern nach cbc:DueDate.",
    en="A UBL invoice should not include the PaymentMeans PaymentDueDate.",
)
def payment_means_due_date(ctx):
    if _is_credit_note(ctx):
        return
    nodes = ctx.xpath("cac:PaymentMeans/cbc:PaymentDueDate")
    if nodes:
        yield ctx.path_of(nodes[0])


# ---------------------------------------------------------------------------------------------
# UBL-SR-*: cardinality restrictions. (id, context, counted path, maximum, field, German name)

_ROOT_MAXIMA = [
    ("UBL-SR-01", "cac:ContractDocumentReference/cbc:ID", "BT-12", "Vertragsnummer"),
    ("UBL-SR-02", "cac:ReceiptDocumentReference/cbc:ID", "BT-15", "Wareneingangsmeldung"),
    ("UBL-SR-03", "cac:DespatchDocumentReference/cbc:ID", "BT-16", "Versandanzeige"),
    (
        "UBL-SR-04",
        "cac:AdditionalDocumentReference[cbc:DocumentTypeCode='130']/cbc:ID",
        "BT-18",
        "Objektkennung",
    ),
    ("UBL-SR-05", "cac:PaymentTerms/cbc:Note", "BT-20", "Zahlungsbedingungen"),
    ("UBL-SR-08", "cac:InvoicePeriod", "BG-14", "Rechnungszeitraum"),
    (
        "UBL-SR-09",
        "cac:AccountingSupplierParty/cac:Party/cac:PartyLegalEntity/cbc:RegistrationName",
        "BT-27",
        "Name des Verkäufers",
    ),
    (
        "UBL-SR-10",
        "cac:AccountingSupplierParty/cac:Party/cac:PartyName/cbc:Name",
        "BT-28",
        "Handelsname des Verkäufers",
    ),
    (
        "UBL-SR-11",
        "cac:AccountingSupplierParty/cac:Party/cac:PartyLegalEntity/cbc:CompanyID",
        "BT-30",
        "Registernummer des Verkäufers",
    ),
    (
        "UBL-SR-14",
        "cac:AccountingSupplierParty/cac:Party/cac:PartyLegalEntity/cbc:CompanyLegalForm",
        "BT-33",
        "weitere rechtliche Information des Verkäufers",
    ),
    (
        "UBL-SR-15",
        "cac:AccountingCustomerParty/cac:Party/cac:PartyLegalEntity/cbc:RegistrationName",
        "BT-44",
        "Name des Käufers",
    ),
    (
        "UBL-SR-16",
        "cac:AccountingCustomerParty/cac:Party/cac:PartyIdentification/cbc:ID",
        "BT-46",
        "Kennung des Käufers",
    ),
    (
        "UBL-SR-17",
        "cac:AccountingCustomerParty/cac:Party/cac:PartyLegalEntity/cbc:CompanyID",
        "BT-47",
        "Registernummer des Käufers",
    ),
    ("UBL-SR-24", "cac:Delivery", "BG-13", "Lieferinformation"),
    ("UBL-SR-39", "cac:ProjectReference/cbc:ID", "BT-11", "Projektnummer"),
    (
        "UBL-SR-40",
        "cac:AccountingCustomerParty/cac:Party/cac:PartyName/cbc:Name",
        "BT-45",
        "Handelsname des Käufers",
    ),
    ("UBL-SR-45", "cac:PaymentMeans/cbc:PaymentDueDate", "BT-9", "Fälligkeitsdatum"),
    ("UBL-SR-46", "cac:PaymentMeans/cbc:PaymentMeansCode/@name", "BT-82", "Zahlungsart-Text"),
    ("UBL-SR-49", "cac:InvoicePeriod/cbc:DescriptionCode", "BT-8", "Code des Steuerzeitpunkts"),
    ("UBL-SR-54", "cac:PaymentMeans/cac:CardAccount", "BG-18", "Zahlungskarte"),
    ("UBL-SR-55", "cac:PaymentMeans/cac:PaymentMandate", "BG-19", "Lastschriftmandat"),
    (
        "UBL-SR-56",
        "cac:OriginatorDocumentReference/cbc:ID",
        "BT-17",
        "Ausschreibungs- oder Losreferenz",
    ),
]

_LINE_MAXIMA = [
    ("UBL-SR-34", "cbc:Note", "BT-127", "Positionsnotiz"),
    ("UBL-SR-35", "cac:OrderLineReference/cbc:LineID", "BT-132", "Bestellpositionsnummer"),
    ("UBL-SR-36", "cac:InvoicePeriod", "BG-26", "Abrechnungszeitraum der Position"),
    ("UBL-SR-37", "cac:Price/cac:AllowanceCharge/cbc:Amount", "BT-147", "Preisnachlass"),
    ("UBL-SR-50", "cac:Item/cbc:Description", "BT-154", "Artikelbeschreibung"),
    ("UBL-SR-52", "cac:DocumentReference", "BT-128", "Objektkennung der Position"),
]

# (id, context, counted path, field, German name)
_OTHER_MAXIMA = [
    ("UBL-SR-33", "//cac:AdditionalDocumentReference", "cbc:DocumentDescription", "BT-123",
     "Beschreibung des rechnungsbegründenden Dokuments"),
    ("UBL-SR-42", "/*/cac:AccountingSupplierParty/cac:Party", "cac:PartyTaxScheme", "BG-4",
     "Steuerregistrierung des Verkäufers (PartyTaxScheme), höchstens zweimal"),
    ("UBL-SR-25", "//cac:Delivery", "cac:DeliveryParty/cac:PartyName/cbc:Name", "BT-70",
     "Name des Warenempfängers"),
    ("UBL-SR-26", "//cac:PaymentMeans", "cbc:PaymentID", "BT-83", "Verwendungszweck"),
    ("UBL-SR-27", "//cac:PaymentMeans", "cbc:PaymentMeansCode", "BT-81", "Zahlungsart-Code"),
    ("UBL-SR-28", "//cac:PaymentMeans", "cac:PaymentMandate/cbc:ID", "BT-89", "Mandatsreferenz"),
    ("UBL-SR-06", "//cac:BillingReference", "cac:InvoiceDocumentReference", "BG-3",
     "Referenz auf eine vorausgegangene Rechnung je BillingReference"),
    ("UBL-SR-22", "//cac:TaxRepresentativeParty", "cac:PartyName/cbc:Name", "BT-62",
     "Name des Steuervertreters"),
    ("UBL-SR-23", "//cac:TaxRepresentativeParty", "cac:PartyTaxScheme/cbc:CompanyID", "BT-63",
     "Umsatzsteuer-ID des Steuervertreters"),
    ("UBL-SR-32", "//cac:TaxSubtotal", "cac:TaxCategory/cbc:TaxExemptionReason", "BT-120",
     "Befreiungsgrund"),
]  # fmt: skip

_MAX_DE = "Die Angabe „{name}“ darf höchstens {maximum}-mal vorkommen, kommt aber {count}-mal vor."
_MAX_EN = "{name_en} shall occur at most {maximum} time(s) but occurs {count} times."


def _register_maximum(rule_id, context, path, field, name, maximum=1):
    def check(ctx):
        for node in ctx.xpath(context):
            found = ctx.select(path, node)
            if len(found) > maximum:
                yield Violation(
                    path=ctx.path_of(found[maximum])
                    if isinstance(found[maximum], etree._Element)
                    else ctx.path_of(node),
                    values={
                        "name": name,
                        "name_en": path,
                        "maximum": maximum,
                        "count": len(found),
                    },
                )

    _ubl_rule(rule_id, field=field, de=_MAX_DE, en=_MAX_EN)(check)


for _id, _path, _field, _name in _ROOT_MAXIMA:
    _register_maximum(_id, "/*", _path, _field, _name)
for _id, _path, _field, _name in _LINE_MAXIMA:
    _register_maximum(_id, "//cac:InvoiceLine | //cac:CreditNoteLine", _path, _field, _name)
for _id, _context, _path, _field, _name in _OTHER_MAXIMA:
    _register_maximum(_id, _context, _path, _field, _name, 2 if _id == "UBL-SR-42" else 1)


def _vat_scheme(ctx, node) -> bool:
    return any(_text(i).upper() == "VAT" for i in ctx.select("cac:TaxScheme/cbc:ID", node))


def _register_tax_scheme_maximum(rule_id, party, want_vat, field, name):
    def check(ctx):
        found = [
            company
            for scheme in ctx.xpath(f"{party}/cac:Party/cac:PartyTaxScheme")
            if _vat_scheme(ctx, scheme) == want_vat
            for company in ctx.select("cbc:CompanyID", scheme)
        ]
        if len(found) > 1:
            yield Violation(
                path=ctx.path_of(found[1]),
                values={"name": name, "name_en": name, "maximum": 1, "count": len(found)},
            )

    _ubl_rule(rule_id, field=field, de=_MAX_DE, en=_MAX_EN)(check)


_register_tax_scheme_maximum(
    "UBL-SR-12", "cac:AccountingSupplierParty", True, "BT-31", "Umsatzsteuer-ID des Verkäufers"
)
_register_tax_scheme_maximum(
    "UBL-SR-13", "cac:AccountingSupplierParty", False, "BT-32", "Steuernummer des Verkäufers"
)
_register_tax_scheme_maximum(
    "UBL-SR-18", "cac:AccountingCustomerParty", True, "BT-48", "Umsatzsteuer-ID des Käufers"
)


@_ubl_rule(
    "UBL-SR-29",
    field="BT-90",
    de="Die Gläubiger-Identifikationsnummer (BT-90, Kennung mit schemeID „SEPA“) darf "
    "höchstens einmal angegeben werden.",
    en="Bank creditor reference shall occur maximum once.",
)
def creditor_reference_once(ctx):
    found = [
        node
        for node in ctx.xpath("//cac:PartyIdentification/cbc:ID[@schemeID]")
        if node.get("schemeID", "").upper() == "SEPA"
    ]
    if len(found) > 1:
        yield ctx.path_of(found[1])


def _register_distinct(rule_id, path, field, de, en):
    def check(ctx):
        values = {_text(node) for node in ctx.xpath(path)}
        if len(values) > 1:
            yield Violation(path=None, values={"values": ", ".join(sorted(values))})

    _ubl_rule(rule_id, field=field, de=de, en=en)(check)


_register_distinct(
    "UBL-SR-44",
    "//cbc:PaymentID",
    "BT-83",
    "Die Rechnung darf nur einen Verwendungszweck (BT-83) haben; angegeben sind: {values}.",
    "An invoice may only have one unique PaymentID ({values}).",
)
_register_distinct(
    "UBL-SR-47",
    "//cbc:PaymentMeansCode",
    "BT-81",
    "Mehrere Zahlungsanweisungen müssen denselben Zahlungsart-Code (BT-81) haben; angegeben "
    "sind: {values}.",
    "When there are more than one payment means code, they shall be equal ({values}).",
)


@_ubl_rule(
    "UBL-SR-48",
    field="BG-30",
    de="Jede Rechnungsposition muss genau eine Umsatzsteuer-Kategorie "
    "(cac:Item/cac:ClassifiedTaxCategory) haben.",
    en="Invoice lines shall have one and only one classified tax category.",
)
def one_line_tax_category(ctx):
    for line in _lines(ctx):
        if len(ctx.select("cac:Item/cac:ClassifiedTaxCategory", line)) != 1:
            yield ctx.path_of(line)


@_ubl_rule(
    "UBL-SR-51",
    de="Eine Anschrift darf höchstens eine dritte Adresszeile (cac:AddressLine) haben.",
    en="An address can only have one third line.",
)
def one_third_address_line(ctx):
    for address in ctx.xpath("//cac:PostalAddress | //cac:Address"):
        lines = ctx.select("cac:AddressLine", address)
        if len(lines) > 1:
            yield ctx.path_of(lines[1])


@_ubl_rule(
    "UBL-SR-53",
    field="BT-31",
    de="Wenn eine Steuerregistrierung (cac:PartyTaxScheme) angegeben ist, müssen darin sowohl "
    "die Steuernummer bzw. Umsatzsteuer-ID (cbc:CompanyID) als auch das Steuerschema "
    "(cac:TaxScheme/cbc:ID) stehen.",
    en="CompanyID (VAT Identifier) must be stated when providing the PartyTaxScheme/TaxScheme/ID.",
)
def tax_scheme_complete(ctx):
    for scheme in ctx.xpath("//cac:PartyTaxScheme"):
        if not (ctx.select("cac:TaxScheme/cbc:ID", scheme) and ctx.select("cbc:CompanyID", scheme)):
            yield ctx.path_of(scheme)


@_ubl_rule(
    "UBL-SR-07",
    field="BT-25",
    de="Eine Referenz auf eine vorausgegangene Rechnung (cac:BillingReference) muss deren "
    "Rechnungsnummer (BT-25) enthalten.",
    en="If there is a preceding invoice reference, the preceding invoice number shall be present.",
)
def preceding_invoice_number(ctx):
    for reference in ctx.xpath("//cac:BillingReference"):
        if not ctx.select("cac:InvoiceDocumentReference/cbc:ID", reference):
            yield ctx.path_of(reference)


@_ubl_rule(
    "UBL-SR-43",
    field="BT-18",
    de="Ein Kennungsschema (schemeID) ist nur bei der Objektkennung zulässig (Dokumentart 130, "
    "bei Gutschriften auch 50).",
    en="Scheme identifier shall only be used for invoiced object (document type code 130 or 50).",
)
def scheme_only_for_invoiced_object(ctx):
    credit_note = _is_credit_note(ctx)
    for reference in ctx.xpath("//cac:AdditionalDocumentReference"):
        codes = [_text(node) for node in ctx.select("cbc:DocumentTypeCode", reference)]
        if "130" in codes or (credit_note and "50" in codes):
            continue
        if not ctx.select("cbc:ID/@schemeID", reference) and not codes:
            continue
        yield ctx.path_of(reference)


def _register_payee(rule_id, path, field, name, extra_filter=None):
    def check(ctx):
        seller_names = [
            _text(node)
            for node in ctx.xpath(
                "cac:AccountingSupplierParty/cac:Party/cac:PartyLegalEntity/cbc:RegistrationName"
            )
        ]
        for payee in ctx.xpath("//cac:PayeeParty"):
            found = ctx.select(path, payee)
            if extra_filter is not None:
                found = [node for node in found if extra_filter(node)]
            names = [_text(node) for node in ctx.select("cac:PartyName/cbc:Name", payee)]
            differs = any(name != seller for name in names for seller in seller_names)
            if len(found) > 1 or not differs:
                yield Violation(path=ctx.path_of(payee), values={"name": name})

    _ubl_rule(
        rule_id,
        field=field,
        de="Die Angabe „{name}“ darf beim abweichenden Zahlungsempfänger höchstens einmal "
        "vorkommen, und sein Name (BT-59) muss angegeben sein und sich vom Namen des Verkäufers "
        "unterscheiden.",
        en="{name} shall occur maximum once, if the Payee is different from the Seller.",
    )(check)


_register_payee("UBL-SR-19", "cac:PartyName/cbc:Name", "BT-59", "Name des Zahlungsempfängers")
_register_payee(
    "UBL-SR-20",
    "cac:PartyIdentification/cbc:ID",
    "BT-60",
    "Kennung des Zahlungsempfängers",
    extra_filter=lambda node: (
        node.get("schemeID", "").upper() != "SEPA" and node.get("schemeID") is not None
    ),
)
_register_payee(
    "UBL-SR-21",
    "cac:PartyLegalEntity/cbc:CompanyID",
    "BT-61",
    "Registernummer des Zahlungsempfängers",
)


def _register_allowance_reason(rule_id, with_indicator, name):
    def check(ctx):
        for charge in ctx.xpath("//cac:AllowanceCharge"):
            if bool(ctx.select("cbc:ChargeIndicator", charge)) != with_indicator:
                continue
            reasons = ctx.select("cbc:AllowanceChargeReason", charge)
            if len(reasons) > 1:
                yield Violation(
                    path=ctx.path_of(reasons[1]),
                    values={"name": name, "name_en": name, "maximum": 1, "count": len(reasons)},
                )

    _ubl_rule(rule_id, de=_MAX_DE, en=_MAX_EN)(check)


# The CEN contexts compare the ChargeIndicator node set with false()/true(): an allowance or
# charge *with* a ChargeIndicator element is tested by UBL-SR-31, one without by UBL-SR-30.
_register_allowance_reason("UBL-SR-30", False, "Grund des Nachlasses")
_register_allowance_reason("UBL-SR-31", True, "Grund des Nachlasses bzw. Zuschlags")


# ---------------------------------------------------------------------------------------------
# UBL-DT-01, -06, -07


@_ubl_rule(
    "UBL-DT-01",
    de="Der Betrag „{value}“ hat mehr als zwei Nachkommastellen; Beträge dürfen höchstens zwei "
    "Nachkommastellen haben.",
    en="Amounts shall be decimal up to two fraction digits ({value}).",
)
def amount_two_decimals(ctx):
    # the Clark tag "{namespace}local" ends with a suffix exactly when the local name does
    for tag, node in ctx.elements:
        if not tag.endswith("Amount") or tag.endswith("PriceAmount"):
            continue
        if ctx.select("ancestor::cac:Price/cac:AllowanceCharge", node):
            continue
        text = node.text or ""
        if len(text.partition(".")[2]) > 2:
            yield Violation(path=ctx.path_of(node), values={"value": text.strip()})


def _register_binary_attribute(rule_id, attribute, de, en):
    def check(ctx):
        for tag, node in ctx.elements:
            if tag.endswith("BinaryObject") and attribute not in node.attrib:
                yield ctx.path_of(node)

    _ubl_rule(rule_id, field="BT-125", de=de, en=en)(check)


_register_binary_attribute(
    "UBL-DT-06",
    "mimeCode",
    "Beim eingebetteten Dokument fehlt der MIME-Typ (Attribut mimeCode).",
    "Binary object elements shall contain the mime code attribute.",
)
_register_binary_attribute(
    "UBL-DT-07",
    "filename",
    "Beim eingebetteten Dokument fehlt der Dateiname (Attribut filename).",
    "Binary object elements shall contain the file name attribute.",
)
