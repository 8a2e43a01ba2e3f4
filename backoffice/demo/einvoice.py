"""Demo e-invoices: small XRechnung 3.0 UBL invoices written from a few values.

Only for the demo data; the amounts are computed here with the EN 16931 rounding, so the
invoices pass the validation unless a caller leaves out something on purpose.
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from lxml import etree

UBL = "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"
CAC = "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
CBC = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"
XRECHNUNG = "urn:cen.eu:en16931:2017#compliant#urn:xeinkauf.de:kosit:xrechnung_3.0"
PEPPOL_PROCESS = "urn:fdc:peppol.eu:2017:poacc:billing:01:1.0"
CENT = Decimal("0.01")


@dataclass(frozen=True)
class Seller:
    name: str
    street: str
    city: str
    post_code: str
    vat_id: str
    iban: str
    email: str
    phone: str = "+49 2151 000000"


def _money(value: Decimal) -> str:
    return str(value.quantize(CENT, rounding=ROUND_HALF_UP))


def xrechnung_ubl(
    *,
    number: str,
    issue_date: str,
    due_date: str,
    seller: Seller,
    buyer_name: str,
    buyer_reference: str | None,
    lines: list[tuple[str, Decimal, Decimal]],
    vat_rate: Decimal = Decimal("19"),
    payment_terms: str = "Zahlbar innerhalb von 30 Tagen ohne Abzug.",
) -> bytes:
    """An XRechnung 3.0 invoice; `lines` are (item name, quantity, net unit price).
    `buyer_reference=None` leaves out the Leitweg-ID (BT-10), which makes it invalid."""
    root = etree.Element(f"{{{UBL}}}Invoice", nsmap={"ubl": UBL, "cac": CAC, "cbc": CBC})

    def add(parent, tag: str, text: str | None = None, **attributes):
        prefix, name = tag.split(":")
        element = etree.SubElement(parent, f"{{{CAC if prefix == 'cac' else CBC}}}{name}")
        if text is not None:
            element.text = text
        for key, value in attributes.items():
            element.set(key, value)
        return element

    nets = [(qty * price).quantize(CENT, rounding=ROUND_HALF_UP) for _, qty, price in lines]
    net_total = sum(nets, Decimal("0"))
    vat = (net_total * vat_rate / 100).quantize(CENT, rounding=ROUND_HALF_UP)
    gross = net_total + vat

    add(root, "cbc:CustomizationID", XRECHNUNG)
    add(root, "cbc:ProfileID", PEPPOL_PROCESS)
    add(root, "cbc:ID", number)
    add(root, "cbc:IssueDate", issue_date)
    add(root, "cbc:DueDate", due_date)
    add(root, "cbc:InvoiceTypeCode", "380")
    add(root, "cbc:DocumentCurrencyCode", "EUR")
    if buyer_reference is not None:
        add(root, "cbc:BuyerReference", buyer_reference)

    party = add(add(root, "cac:AccountingSupplierParty"), "cac:Party")
    add(party, "cbc:EndpointID", seller.email, schemeID="EM")
    add(add(party, "cac:PartyName"), "cbc:Name", seller.name)
    address = add(party, "cac:PostalAddress")
    add(address, "cbc:StreetName", seller.street)
    add(address, "cbc:CityName", seller.city)
    add(address, "cbc:PostalZone", seller.post_code)
    add(add(address, "cac:Country"), "cbc:IdentificationCode", "DE")
    tax = add(party, "cac:PartyTaxScheme")
    add(tax, "cbc:CompanyID", seller.vat_id)
    add(add(tax, "cac:TaxScheme"), "cbc:ID", "VAT")
    add(add(party, "cac:PartyLegalEntity"), "cbc:RegistrationName", seller.name)
    contact = add(party, "cac:Contact")
    add(contact, "cbc:Name", "Buchhaltung")
    add(contact, "cbc:Telephone", seller.phone)
    add(contact, "cbc:ElectronicMail", seller.email)

    buyer = add(add(root, "cac:AccountingCustomerParty"), "cac:Party")
    add(buyer, "cbc:EndpointID", "rechnungseingang@krefeld.example", schemeID="EM")
    address = add(buyer, "cac:PostalAddress")
    add(address, "cbc:StreetName", "Von-der-Leyen-Platz 1")
    add(address, "cbc:CityName", "Krefeld")
    add(address, "cbc:PostalZone", "47798")
    add(add(address, "cac:Country"), "cbc:IdentificationCode", "DE")
    add(add(buyer, "cac:PartyLegalEntity"), "cbc:RegistrationName", buyer_name)

    means = add(root, "cac:PaymentMeans")
    add(means, "cbc:PaymentMeansCode", "58")
    add(add(means, "cac:PayeeFinancialAccount"), "cbc:ID", seller.iban)
    add(add(root, "cac:PaymentTerms"), "cbc:Note", payment_terms)

    total = add(root, "cac:TaxTotal")
    add(total, "cbc:TaxAmount", _money(vat), currencyID="EUR")
    sub = add(total, "cac:TaxSubtotal")
    add(sub, "cbc:TaxableAmount", _money(net_total), currencyID="EUR")
    add(sub, "cbc:TaxAmount", _money(vat), currencyID="EUR")
    category = add(sub, "cac:TaxCategory")
    add(category, "cbc:ID", "S")
    add(category, "cbc:Percent", str(vat_rate))
    add(add(category, "cac:TaxScheme"), "cbc:ID", "VAT")

    sums = add(root, "cac:LegalMonetaryTotal")
    add(sums, "cbc:LineExtensionAmount", _money(net_total), currencyID="EUR")
    add(sums, "cbc:TaxExclusiveAmount", _money(net_total), currencyID="EUR")
    add(sums, "cbc:TaxInclusiveAmount", _money(gross), currencyID="EUR")
    add(sums, "cbc:PayableAmount", _money(gross), currencyID="EUR")

    for index, ((name, qty, price), net) in enumerate(zip(lines, nets, strict=True), start=1):
        line = add(root, "cac:InvoiceLine")
        add(line, "cbc:ID", str(index))
        add(line, "cbc:InvoicedQuantity", str(qty), unitCode="H87")
        add(line, "cbc:LineExtensionAmount", _money(net), currencyID="EUR")
        item = add(line, "cac:Item")
        add(item, "cbc:Name", name)
        line_category = add(item, "cac:ClassifiedTaxCategory")
        add(line_category, "cbc:ID", "S")
        add(line_category, "cbc:Percent", str(vat_rate))
        add(add(line_category, "cac:TaxScheme"), "cbc:ID", "VAT")
        add(add(line, "cac:Price"), "cbc:PriceAmount", _money(price), currencyID="EUR")
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
