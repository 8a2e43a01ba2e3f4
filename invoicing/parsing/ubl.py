"""UBL 2.1 Invoice / CreditNote -> `invoicing.model.Invoice` (EN 16931 UBL syntax binding)."""

from __future__ import annotations

from invoicing import model as m
from invoicing.parsing import Reader, base64_of, element_paths, find, findall, text_of
from invoicing.syntax import UBL_CREDIT_NOTE

VAT = "VAT"


def _identifier(tree, el, scheme_attr: str = "schemeID") -> m.Identifier | None:
    if el is None:
        return None
    return m.Identifier(
        value=text_of(el),
        scheme=el.get(scheme_attr),
        scheme_version=el.get("listVersionID") if scheme_attr == "listID" else None,
        paths=element_paths(tree, el),
    )


def _address(tree, el) -> m.Address | None:
    if el is None:
        return None
    r = Reader(tree, el)
    r.text("line1", find(el, "cbc:StreetName"))
    r.text("line2", find(el, "cbc:AdditionalStreetName"))
    r.text("line3", find(el, "cac:AddressLine/cbc:Line"))
    r.text("city", find(el, "cbc:CityName"))
    r.text("post_code", find(el, "cbc:PostalZone"))
    r.text("subdivision", find(el, "cbc:CountrySubentity"))
    r.text("country_code", find(el, "cac:Country/cbc:IdentificationCode"))
    return r.build(m.Address)


def _contact(tree, el) -> m.Contact | None:
    if el is None:
        return None
    r = Reader(tree, el)
    r.text("name", find(el, "cbc:Name"))
    r.text("phone", find(el, "cbc:Telephone"))
    r.text("email", find(el, "cbc:ElectronicMail"))
    return r.build(m.Contact)


def _party_identifiers(tree, party) -> tuple[m.Identifier, ...]:
    return tuple(
        _identifier(tree, el)
        for el in findall(party, "cac:PartyIdentification/cbc:ID")
        if (el.get("schemeID") or "").upper() != "SEPA"
    )


def _tax_schemes(party):
    vat = other = None
    for scheme in findall(party, "cac:PartyTaxScheme"):
        company = find(scheme, "cbc:CompanyID")
        if text_of(find(scheme, "cac:TaxScheme/cbc:ID")) == VAT:
            vat = vat if vat is not None else company
        else:
            other = other if other is not None else company
    return vat, other


def _party(tree, party) -> m.Party | None:
    if party is None:
        return None
    r = Reader(tree, party)
    r.text("name", find(party, "cac:PartyLegalEntity/cbc:RegistrationName"))
    r.text("trading_name", find(party, "cac:PartyName/cbc:Name"))
    r.value("identifiers", None, _party_identifiers(tree, party))
    legal = find(party, "cac:PartyLegalEntity/cbc:CompanyID")
    r.value("legal_registration_id", legal, _identifier(tree, legal))
    vat, other = _tax_schemes(party)
    r.text("vat_id", vat)
    r.text("tax_registration_id", other)
    r.text("additional_legal_info", find(party, "cac:PartyLegalEntity/cbc:CompanyLegalForm"))
    endpoint = find(party, "cbc:EndpointID")
    r.value("electronic_address", endpoint, _identifier(tree, endpoint))
    address = find(party, "cac:PostalAddress")
    r.value("address", address, _address(tree, address))
    contact = find(party, "cac:Contact")
    r.value("contact", contact, _contact(tree, contact))
    return r.build(m.Party)


def _allowance_charge(tree, el) -> m.AllowanceCharge:
    r = Reader(tree, el)
    r.value("is_charge", None, text_of(find(el, "cbc:ChargeIndicator")) == "true")
    r.decimal("amount", find(el, "cbc:Amount"))
    r.decimal("base_amount", find(el, "cbc:BaseAmount"))
    r.decimal("percentage", find(el, "cbc:MultiplierFactorNumeric"))
    r.text("vat_category", find(el, "cac:TaxCategory/cbc:ID"))
    r.decimal("vat_rate", find(el, "cac:TaxCategory/cbc:Percent"))
    r.text("reason", find(el, "cbc:AllowanceChargeReason"))
    r.text("reason_code", find(el, "cbc:AllowanceChargeReasonCode"))
    return r.build(m.AllowanceCharge)


def _split_allowances(tree, parent):
    allowances, charges = [], []
    for el in findall(parent, "cac:AllowanceCharge"):
        entry = _allowance_charge(tree, el)
        (charges if entry.is_charge else allowances).append(entry)
    return tuple(allowances), tuple(charges)


def _period(tree, el) -> m.Period | None:
    if el is None:
        return None
    r = Reader(tree, el)
    r.date("start", find(el, "cbc:StartDate"))
    r.date("end", find(el, "cbc:EndDate"))
    return r.build(m.Period)


def _document_reference(parent, path: str, type_code: str):
    for ref in findall(parent, path):
        if text_of(find(ref, "cbc:DocumentTypeCode")) == type_code:
            return ref
    return None


def _payment(tree, el, creditor_id, creditor_el, due_date_el) -> m.PaymentInstructions:
    r = Reader(tree, el)
    code = find(el, "cbc:PaymentMeansCode")
    r.text("means_code", code)
    if code is not None and code.get("name") is not None:
        r.value("means_text", code, code.get("name").strip())
    r.text("remittance_information", find(el, "cbc:PaymentID"))
    transfers = []
    for account in findall(el, "cac:PayeeFinancialAccount"):
        t = Reader(tree, account)
        t.text("account_id", find(account, "cbc:ID"))
        t.text("account_name", find(account, "cbc:Name"))
        t.text("provider_id", find(account, "cac:FinancialInstitutionBranch/cbc:ID"))
        transfers.append(t.build(m.CreditTransfer))
    r.value("credit_transfers", None, tuple(transfers))
    card = find(el, "cac:CardAccount")
    if card is not None:
        c = Reader(tree, card)
        c.text("primary_account_number", find(card, "cbc:PrimaryAccountNumberID"))
        c.text("holder_name", find(card, "cbc:HolderName"))
        r.value("card", card, c.build(m.PaymentCard))
    mandate = find(el, "cac:PaymentMandate")
    if mandate is not None or creditor_el is not None:
        d = Reader(tree, mandate if mandate is not None else None)
        d.text("mandate_reference", find(mandate, "cbc:ID"))
        d.text("debited_account_id", find(mandate, "cac:PayerFinancialAccount/cbc:ID"))
        d.text("creditor_id", creditor_el)
        r.value("direct_debit", mandate, d.build(m.DirectDebit))
    return r.build(m.PaymentInstructions)


def _sepa_creditor(*parties):
    for party in parties:
        for el in findall(party, "cac:PartyIdentification/cbc:ID"):
            if (el.get("schemeID") or "").upper() == "SEPA":
                return el
    return None


def _line(tree, el, credit: bool) -> m.Line:
    r = Reader(tree, el)
    r.text("id", find(el, "cbc:ID"))
    r.text("note", find(el, "cbc:Note"))
    obj = _document_reference(el, "cac:DocumentReference", "130")
    if obj is not None:
        oid = find(obj, "cbc:ID")
        r.value("object_identifier", oid, _identifier(tree, oid))
    quantity = find(el, "cbc:CreditedQuantity" if credit else "cbc:InvoicedQuantity")
    r.decimal("quantity", quantity)
    if quantity is not None and quantity.get("unitCode") is not None:
        r.value("unit", quantity, quantity.get("unitCode").strip())
    r.decimal("net_amount", find(el, "cbc:LineExtensionAmount"))
    r.text("order_line_reference", find(el, "cac:OrderLineReference/cbc:LineID"))
    r.text("accounting_reference", find(el, "cbc:AccountingCost"))
    period = find(el, "cac:InvoicePeriod")
    r.value("period", period, _period(tree, period))
    allowances, charges = _split_allowances(tree, el)
    r.value("allowances", None, allowances)
    r.value("charges", None, charges)
    price = find(el, "cac:Price")
    if price is not None:
        p = Reader(tree, price)
        p.decimal("net_price", find(price, "cbc:PriceAmount"))
        p.decimal("discount", find(price, "cac:AllowanceCharge/cbc:Amount"))
        p.decimal("gross_price", find(price, "cac:AllowanceCharge/cbc:BaseAmount"))
        base = find(price, "cbc:BaseQuantity")
        p.decimal("base_quantity", base)
        if base is not None and base.get("unitCode") is not None:
            p.value("base_quantity_unit", base, base.get("unitCode").strip())
        r.value("price", price, p.build(m.Price))
    item = find(el, "cac:Item")
    if item is not None:
        tax = find(item, "cac:ClassifiedTaxCategory")
        r.text("vat_category", find(tax, "cbc:ID"))
        r.decimal("vat_rate", find(tax, "cbc:Percent"))
        i = Reader(tree, item)
        i.text("name", find(item, "cbc:Name"))
        i.text("description", find(item, "cbc:Description"))
        i.text("sellers_id", find(item, "cac:SellersItemIdentification/cbc:ID"))
        i.text("buyers_id", find(item, "cac:BuyersItemIdentification/cbc:ID"))
        standard = find(item, "cac:StandardItemIdentification/cbc:ID")
        i.value("standard_id", standard, _identifier(tree, standard))
        i.value(
            "classifications",
            None,
            tuple(
                _identifier(tree, c, "listID")
                for c in findall(item, "cac:CommodityClassification/cbc:ItemClassificationCode")
            ),
        )
        i.text("origin_country", find(item, "cac:OriginCountry/cbc:IdentificationCode"))
        attributes = []
        for prop in findall(item, "cac:AdditionalItemProperty"):
            a = Reader(tree, prop)
            a.text("name", find(prop, "cbc:Name"))
            a.text("value", find(prop, "cbc:Value"))
            attributes.append(a.build(m.ItemAttribute))
        i.value("attributes", None, tuple(attributes))
        r.value("item", item, i.build(m.Item))
    sub = "cac:SubCreditNoteLine" if credit else "cac:SubInvoiceLine"
    r.value("sub_lines", None, tuple(_line(tree, s, credit) for s in findall(el, sub)))
    return r.build(m.Line)


def parse(root) -> m.Invoice:
    tree = root.getroottree()
    credit = root.tag == UBL_CREDIT_NOTE
    r = Reader(tree, root)
    r.value("syntax", None, "ubl")
    r.value("is_credit_note", None, credit)
    r.text("customization_id", find(root, "cbc:CustomizationID"))
    r.text("process_id", find(root, "cbc:ProfileID"))
    r.text("number", find(root, "cbc:ID"))
    r.date("issue_date", find(root, "cbc:IssueDate"))
    r.text("type_code", find(root, "cbc:CreditNoteTypeCode" if credit else "cbc:InvoiceTypeCode"))
    currency_el = find(root, "cbc:DocumentCurrencyCode")
    tax_currency_el = find(root, "cbc:TaxCurrencyCode")
    r.text("currency", currency_el)
    r.text("tax_currency", tax_currency_el)
    r.date("tax_point_date", find(root, "cbc:TaxPointDate"))
    r.text("tax_point_date_code", find(root, "cac:InvoicePeriod/cbc:DescriptionCode"))
    due = find(root, "cbc:DueDate")
    if due is None:
        due = find(root, "cac:PaymentMeans/cbc:PaymentDueDate")
    r.date("due_date", due)
    r.text("buyer_reference", find(root, "cbc:BuyerReference"))
    if credit:
        project = _document_reference(root, "cac:AdditionalDocumentReference", "50")
        r.text("project_reference", find(project, "cbc:ID"))
    else:
        r.text("project_reference", find(root, "cac:ProjectReference/cbc:ID"))
    r.text("contract_reference", find(root, "cac:ContractDocumentReference/cbc:ID"))
    r.text("purchase_order_reference", find(root, "cac:OrderReference/cbc:ID"))
    r.text("sales_order_reference", find(root, "cac:OrderReference/cbc:SalesOrderID"))
    r.text("receiving_advice_reference", find(root, "cac:ReceiptDocumentReference/cbc:ID"))
    r.text("despatch_advice_reference", find(root, "cac:DespatchDocumentReference/cbc:ID"))
    r.text("tender_or_lot_reference", find(root, "cac:OriginatorDocumentReference/cbc:ID"))
    obj = _document_reference(root, "cac:AdditionalDocumentReference", "130")
    if obj is not None:
        oid = find(obj, "cbc:ID")
        r.value("invoiced_object_identifier", oid, _identifier(tree, oid))
    r.text("buyer_accounting_reference", find(root, "cbc:AccountingCost"))
    terms = findall(root, "cac:PaymentTerms/cbc:Note")
    if terms:
        r.value("payment_terms", terms[0], "\n".join(text_of(t) for t in terms))

    notes = []
    for note in findall(root, "cbc:Note"):
        raw = text_of(note)
        subject = None
        if raw.startswith("#") and raw.count("#") >= 2:
            subject, raw = raw[1:].split("#", 1)
        notes.append(m.Note(subject_code=subject, text=raw, paths=element_paths(tree, note)))
    r.value("notes", None, tuple(notes))

    preceding = []
    for ref in findall(root, "cac:BillingReference/cac:InvoiceDocumentReference"):
        p = Reader(tree, ref)
        p.text("number", find(ref, "cbc:ID"))
        p.date("issue_date", find(ref, "cbc:IssueDate"))
        preceding.append(p.build(m.PrecedingInvoice))
    r.value("preceding_invoices", None, tuple(preceding))

    seller_party = find(root, "cac:AccountingSupplierParty/cac:Party")
    r.value("seller", seller_party, _party(tree, seller_party))
    buyer_party = find(root, "cac:AccountingCustomerParty/cac:Party")
    r.value("buyer", buyer_party, _party(tree, buyer_party))

    payee = find(root, "cac:PayeeParty")
    if payee is not None:
        p = Reader(tree, payee)
        p.text("name", find(payee, "cac:PartyName/cbc:Name"))
        p.value("identifiers", None, _party_identifiers(tree, payee))
        legal = find(payee, "cac:PartyLegalEntity/cbc:CompanyID")
        p.value("legal_registration_id", legal, _identifier(tree, legal))
        r.value("payee", payee, p.build(m.Payee))

    representative = find(root, "cac:TaxRepresentativeParty")
    if representative is not None:
        t = Reader(tree, representative)
        t.text("name", find(representative, "cac:PartyName/cbc:Name"))
        vat, _ = _tax_schemes(representative)
        t.text("vat_id", vat)
        address = find(representative, "cac:PostalAddress")
        t.value("address", address, _address(tree, address))
        r.value("tax_representative", representative, t.build(m.TaxRepresentative))

    delivery = find(root, "cac:Delivery")
    if delivery is not None:
        d = Reader(tree, delivery)
        d.text("party_name", find(delivery, "cac:DeliveryParty/cac:PartyName/cbc:Name"))
        location = find(delivery, "cac:DeliveryLocation/cbc:ID")
        d.value("location_id", location, _identifier(tree, location))
        d.date("actual_delivery_date", find(delivery, "cbc:ActualDeliveryDate"))
        address = find(delivery, "cac:DeliveryLocation/cac:Address")
        d.value("address", address, _address(tree, address))
        r.value("delivery", delivery, d.build(m.Delivery))

    period = find(root, "cac:InvoicePeriod")
    r.value("invoicing_period", period, _period(tree, period))

    creditor = _sepa_creditor(seller_party, payee)
    r.value(
        "payment_instructions",
        None,
        tuple(_payment(tree, el, None, creditor, None) for el in findall(root, "cac:PaymentMeans")),
    )

    allowances, charges = _split_allowances(tree, root)
    r.value("allowances", None, allowances)
    r.value("charges", None, charges)

    currency = text_of(currency_el)
    tax_currency = text_of(tax_currency_el)
    totals = find(root, "cac:LegalMonetaryTotal")
    t = Reader(tree, totals)
    t.decimal("line_net_total", find(totals, "cbc:LineExtensionAmount"))
    t.decimal("allowance_total", find(totals, "cbc:AllowanceTotalAmount"))
    t.decimal("charge_total", find(totals, "cbc:ChargeTotalAmount"))
    t.decimal("tax_exclusive", find(totals, "cbc:TaxExclusiveAmount"))
    t.decimal("tax_inclusive", find(totals, "cbc:TaxInclusiveAmount"))
    t.decimal("prepaid", find(totals, "cbc:PrepaidAmount"))
    t.decimal("rounding", find(totals, "cbc:PayableRoundingAmount"))
    t.decimal("payable", find(totals, "cbc:PayableAmount"))
    breakdown = []
    count = 0
    for total in findall(root, "cac:TaxTotal"):
        amount = find(total, "cbc:TaxAmount")
        unit = amount.get("currencyID") if amount is not None else None
        if amount is not None and (unit == currency or (unit is None and not tax_currency)):
            count += 1
            if "vat_total" not in t.values:
                t.decimal("vat_total", amount)
        elif amount is not None and tax_currency and unit == tax_currency:
            t.decimal("vat_total_tax_currency", amount)
        for sub in findall(total, "cac:TaxSubtotal"):
            s = Reader(tree, sub)
            s.decimal("taxable_amount", find(sub, "cbc:TaxableAmount"))
            s.decimal("tax_amount", find(sub, "cbc:TaxAmount"))
            category = find(sub, "cac:TaxCategory")
            s.text("category", find(category, "cbc:ID"))
            s.decimal("rate", find(category, "cbc:Percent"))
            s.text("exemption_reason", find(category, "cbc:TaxExemptionReason"))
            s.text("exemption_reason_code", find(category, "cbc:TaxExemptionReasonCode"))
            breakdown.append(s.build(m.VatBreakdown))
    t.value("vat_total_count", None, count)
    r.value("totals", totals, t.build(m.Totals))
    r.value("vat_breakdown", None, tuple(breakdown))

    attachments = []
    for ref in findall(root, "cac:AdditionalDocumentReference"):
        code = text_of(find(ref, "cbc:DocumentTypeCode"))
        if code == "130" or (credit and code == "50"):
            continue
        a = Reader(tree, ref)
        a.text("reference", find(ref, "cbc:ID"))
        a.text("type_code", find(ref, "cbc:DocumentTypeCode"))
        a.text("description", find(ref, "cbc:DocumentDescription"))
        a.text("external_uri", find(ref, "cac:Attachment/cac:ExternalReference/cbc:URI"))
        binary = find(ref, "cac:Attachment/cbc:EmbeddedDocumentBinaryObject")
        if binary is not None:
            a.value("content", binary, base64_of(binary))
            a.value("mime_code", binary, binary.get("mimeCode"))
            a.value("filename", binary, binary.get("filename"))
        attachments.append(a.build(m.Attachment))
    r.value("attachments", None, tuple(attachments))

    line_path = "cac:CreditNoteLine" if credit else "cac:InvoiceLine"
    r.value("lines", None, tuple(_line(tree, el, credit) for el in findall(root, line_path)))
    return r.build(m.Invoice)
