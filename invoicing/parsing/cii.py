"""UN/CEFACT CII D16B CrossIndustryInvoice -> `invoicing.model.Invoice`
(EN 16931 CII syntax binding, also Factur-X / ZUGFeRD 2 and XRechnung CII)."""

from __future__ import annotations

from invoicing import model as m
from invoicing.parsing import Reader, base64_of, element_paths, find, findall, text_of

_DATE = "udt:DateTimeString"


def _identifier(tree, el, scheme_attr: str = "schemeID") -> m.Identifier | None:
    if el is None:
        return None
    return m.Identifier(
        value=text_of(el),
        scheme=el.get(scheme_attr),
        scheme_version=el.get("listVersionID") if scheme_attr == "listID" else None,
        paths=element_paths(tree, el),
    )


def _date(r: Reader, name: str, el) -> None:
    """A udt:DateTimeString / qdt:DateTimeString / udt:DateString child (format 102)."""
    if el is None:
        return
    value = el if len(el) == 0 else el[0]
    r.date(name, value, value.get("format"))


def _address(tree, el) -> m.Address | None:
    if el is None:
        return None
    r = Reader(tree, el)
    r.text("line1", find(el, "ram:LineOne"))
    r.text("line2", find(el, "ram:LineTwo"))
    r.text("line3", find(el, "ram:LineThree"))
    r.text("city", find(el, "ram:CityName"))
    r.text("post_code", find(el, "ram:PostcodeCode"))
    r.text("subdivision", find(el, "ram:CountrySubDivisionName"))
    r.text("country_code", find(el, "ram:CountryID"))
    return r.build(m.Address)


def _contact(tree, el) -> m.Contact | None:
    if el is None:
        return None
    r = Reader(tree, el)
    name = find(el, "ram:PersonName")
    r.text("name", name if name is not None else find(el, "ram:DepartmentName"))
    r.text("phone", find(el, "ram:TelephoneUniversalCommunication/ram:CompleteNumber"))
    r.text("email", find(el, "ram:EmailURIUniversalCommunication/ram:URIID"))
    return r.build(m.Contact)


def _party_identifiers(tree, party) -> tuple[m.Identifier, ...]:
    ids = [_identifier(tree, el) for el in findall(party, "ram:ID")]
    ids += [_identifier(tree, el) for el in findall(party, "ram:GlobalID")]
    return tuple(ids)


def _tax_registration(party, scheme: str):
    for el in findall(party, "ram:SpecifiedTaxRegistration/ram:ID"):
        if (el.get("schemeID") or "").strip() == scheme:
            return el
    return None


def _party(tree, party) -> m.Party | None:
    if party is None:
        return None
    r = Reader(tree, party)
    r.text("name", find(party, "ram:Name"))
    r.text("trading_name", find(party, "ram:SpecifiedLegalOrganization/ram:TradingBusinessName"))
    r.value("identifiers", None, _party_identifiers(tree, party))
    legal = find(party, "ram:SpecifiedLegalOrganization/ram:ID")
    r.value("legal_registration_id", legal, _identifier(tree, legal))
    r.text("vat_id", _tax_registration(party, "VA"))
    r.text("tax_registration_id", _tax_registration(party, "FC"))
    r.text("additional_legal_info", find(party, "ram:Description"))
    endpoint = find(party, "ram:URIUniversalCommunication/ram:URIID")
    r.value("electronic_address", endpoint, _identifier(tree, endpoint))
    address = find(party, "ram:PostalTradeAddress")
    r.value("address", address, _address(tree, address))
    contact = find(party, "ram:DefinedTradeContact")
    r.value("contact", contact, _contact(tree, contact))
    return r.build(m.Party)


def _allowance_charge(tree, el) -> m.AllowanceCharge:
    r = Reader(tree, el)
    indicator = find(el, "ram:ChargeIndicator/udt:Indicator")
    r.value("is_charge", None, text_of(indicator) == "true")
    r.decimal("amount", find(el, "ram:ActualAmount"))
    r.decimal("base_amount", find(el, "ram:BasisAmount"))
    r.decimal("percentage", find(el, "ram:CalculationPercent"))
    r.text("vat_category", find(el, "ram:CategoryTradeTax/ram:CategoryCode"))
    r.decimal("vat_rate", find(el, "ram:CategoryTradeTax/ram:RateApplicablePercent"))
    r.text("reason", find(el, "ram:Reason"))
    r.text("reason_code", find(el, "ram:ReasonCode"))
    return r.build(m.AllowanceCharge)


def _split_allowances(tree, parent):
    allowances, charges = [], []
    for el in findall(parent, "ram:SpecifiedTradeAllowanceCharge"):
        entry = _allowance_charge(tree, el)
        (charges if entry.is_charge else allowances).append(entry)
    return tuple(allowances), tuple(charges)


def _period(tree, el) -> m.Period | None:
    if el is None:
        return None
    r = Reader(tree, el)
    _date(r, "start", find(el, "ram:StartDateTime"))
    _date(r, "end", find(el, "ram:EndDateTime"))
    return r.build(m.Period)


def _referenced(parent, path: str, type_code: str):
    for ref in findall(parent, path):
        if text_of(find(ref, "ram:TypeCode")) == type_code:
            return ref
    return None


def _line(tree, el) -> tuple[m.Line, str | None, str | None]:
    r = Reader(tree, el)
    doc = find(el, "ram:AssociatedDocumentLineDocument")
    line_id = text_of(find(doc, "ram:LineID"))
    r.text("id", find(doc, "ram:LineID"))
    r.text("note", find(doc, "ram:IncludedNote/ram:Content"))
    parent_id = text_of(find(doc, "ram:ParentLineID"))
    product = find(el, "ram:SpecifiedTradeProduct")
    agreement = find(el, "ram:SpecifiedLineTradeAgreement")
    settlement = find(el, "ram:SpecifiedLineTradeSettlement")
    quantity = find(el, "ram:SpecifiedLineTradeDelivery/ram:BilledQuantity")
    r.decimal("quantity", quantity)
    if quantity is not None and quantity.get("unitCode") is not None:
        r.value("unit", quantity, quantity.get("unitCode").strip())
    r.decimal(
        "net_amount",
        find(settlement, "ram:SpecifiedTradeSettlementLineMonetarySummation/ram:LineTotalAmount"),
    )
    r.text("order_line_reference", find(agreement, "ram:BuyerOrderReferencedDocument/ram:LineID"))
    r.text(
        "accounting_reference",
        find(settlement, "ram:ReceivableSpecifiedTradeAccountingAccount/ram:ID"),
    )
    obj = _referenced(settlement, "ram:AdditionalReferencedDocument", "130")
    if obj is not None:
        oid = find(obj, "ram:IssuerAssignedID")
        if oid is not None:
            identifier = _identifier(tree, oid)
            scheme = text_of(find(obj, "ram:ReferenceTypeCode"))
            if scheme:
                identifier = m.Identifier(
                    value=identifier.value, scheme=scheme, paths=identifier.paths
                )
            r.value("object_identifier", oid, identifier)
    period = find(settlement, "ram:BillingSpecifiedPeriod")
    r.value("period", period, _period(tree, period))
    allowances, charges = _split_allowances(tree, settlement)
    r.value("allowances", None, allowances)
    r.value("charges", None, charges)
    net = find(agreement, "ram:NetPriceProductTradePrice")
    gross = find(agreement, "ram:GrossPriceProductTradePrice")
    if net is not None or gross is not None:
        p = Reader(tree, net if net is not None else gross)
        p.decimal("net_price", find(net, "ram:ChargeAmount"))
        p.decimal("gross_price", find(gross, "ram:ChargeAmount"))
        p.decimal("discount", find(gross, "ram:AppliedTradeAllowanceCharge/ram:ActualAmount"))
        base = find(net, "ram:BasisQuantity")
        if base is None:
            base = find(gross, "ram:BasisQuantity")
        p.decimal("base_quantity", base)
        if base is not None and base.get("unitCode") is not None:
            p.value("base_quantity_unit", base, base.get("unitCode").strip())
        r.value("price", net if net is not None else gross, p.build(m.Price))
    tax = find(settlement, "ram:ApplicableTradeTax")
    r.text("vat_category", find(tax, "ram:CategoryCode"))
    r.decimal("vat_rate", find(tax, "ram:RateApplicablePercent"))
    if product is not None:
        i = Reader(tree, product)
        i.text("name", find(product, "ram:Name"))
        i.text("description", find(product, "ram:Description"))
        i.text("sellers_id", find(product, "ram:SellerAssignedID"))
        i.text("buyers_id", find(product, "ram:BuyerAssignedID"))
        standard = find(product, "ram:GlobalID")
        i.value("standard_id", standard, _identifier(tree, standard))
        i.value(
            "classifications",
            None,
            tuple(
                _identifier(tree, c, "listID")
                for c in findall(product, "ram:DesignatedProductClassification/ram:ClassCode")
            ),
        )
        i.text("origin_country", find(product, "ram:OriginTradeCountry/ram:ID"))
        attributes = []
        for prop in findall(product, "ram:ApplicableProductCharacteristic"):
            a = Reader(tree, prop)
            a.text("name", find(prop, "ram:Description"))
            a.text("value", find(prop, "ram:Value"))
            attributes.append(a.build(m.ItemAttribute))
        i.value("attributes", None, tuple(attributes))
        r.value("item", product, i.build(m.Item))
    return r, line_id, parent_id


def _lines(tree, transaction) -> tuple[m.Line, ...]:
    """Lines in document order; XRechnung sub lines (ParentLineID) nested under their parent."""
    readers = [
        _line(tree, el) for el in findall(transaction, "ram:IncludedSupplyChainTradeLineItem")
    ]
    known = {line_id for _, line_id, _ in readers if line_id}
    children: dict[str, list] = {}
    top = []
    for entry in readers:
        _, line_id, parent_id = entry
        if parent_id and parent_id in known and parent_id != line_id:
            children.setdefault(parent_id, []).append(entry)
        else:
            top.append(entry)

    def build(entry, seen: frozenset) -> m.Line:
        reader, line_id, _ = entry
        if line_id and line_id not in seen:
            subs = children.get(line_id, [])
            reader.value("sub_lines", None, tuple(build(s, seen | {line_id}) for s in subs))
        return reader.build(m.Line)

    return tuple(build(entry, frozenset()) for entry in top)


def _payment(tree, el, settlement, creditor_el, mandate_el) -> m.PaymentInstructions:
    r = Reader(tree, el)
    r.text("means_code", find(el, "ram:TypeCode"))
    r.text("means_text", find(el, "ram:Information"))
    r.text("remittance_information", find(settlement, "ram:PaymentReference"))
    accounts = findall(el, "ram:PayeePartyCreditorFinancialAccount")
    transfers = []
    for account in accounts:
        t = Reader(tree, account)
        iban = find(account, "ram:IBANID")
        t.text("account_id", iban if iban is not None else find(account, "ram:ProprietaryID"))
        t.text("account_name", find(account, "ram:AccountName"))
        t.text("provider_id", find(el, "ram:PayeeSpecifiedCreditorFinancialInstitution/ram:BICID"))
        transfers.append(t.build(m.CreditTransfer))
    r.value("credit_transfers", None, tuple(transfers))
    card = find(el, "ram:ApplicableTradeSettlementFinancialCard")
    if card is not None:
        c = Reader(tree, card)
        c.text("primary_account_number", find(card, "ram:ID"))
        c.text("holder_name", find(card, "ram:CardholderName"))
        r.value("card", card, c.build(m.PaymentCard))
    debtor = find(el, "ram:PayerPartyDebtorFinancialAccount/ram:IBANID")
    if debtor is not None or mandate_el is not None or creditor_el is not None:
        d = Reader(tree)
        d.text("mandate_reference", mandate_el)
        d.text("creditor_id", creditor_el)
        d.text("debited_account_id", debtor)
        r.value("direct_debit", None, d.build(m.DirectDebit))
    return r.build(m.PaymentInstructions)


def parse(root) -> m.Invoice:
    tree = root.getroottree()
    r = Reader(tree, root)
    r.value("syntax", None, "cii")
    context = find(root, "rsm:ExchangedDocumentContext")
    r.text(
        "customization_id", find(context, "ram:GuidelineSpecifiedDocumentContextParameter/ram:ID")
    )
    r.text(
        "process_id", find(context, "ram:BusinessProcessSpecifiedDocumentContextParameter/ram:ID")
    )
    document = find(root, "rsm:ExchangedDocument")
    r.text("number", find(document, "ram:ID"))
    r.text("type_code", find(document, "ram:TypeCode"))
    _date(r, "issue_date", find(document, "ram:IssueDateTime"))
    notes = []
    for note in findall(document, "ram:IncludedNote"):
        n = Reader(tree, note)
        n.text("text", find(note, "ram:Content"))
        n.text("subject_code", find(note, "ram:SubjectCode"))
        notes.append(n.build(m.Note))
    r.value("notes", None, tuple(notes))

    transaction = find(root, "rsm:SupplyChainTradeTransaction")
    agreement = find(transaction, "ram:ApplicableHeaderTradeAgreement")
    delivery = find(transaction, "ram:ApplicableHeaderTradeDelivery")
    settlement = find(transaction, "ram:ApplicableHeaderTradeSettlement")

    r.text("buyer_reference", find(agreement, "ram:BuyerReference"))
    r.text("project_reference", find(agreement, "ram:SpecifiedProcuringProject/ram:ID"))
    r.text(
        "contract_reference", find(agreement, "ram:ContractReferencedDocument/ram:IssuerAssignedID")
    )
    r.text(
        "purchase_order_reference",
        find(agreement, "ram:BuyerOrderReferencedDocument/ram:IssuerAssignedID"),
    )
    r.text(
        "sales_order_reference",
        find(agreement, "ram:SellerOrderReferencedDocument/ram:IssuerAssignedID"),
    )
    r.text(
        "receiving_advice_reference",
        find(delivery, "ram:ReceivingAdviceReferencedDocument/ram:IssuerAssignedID"),
    )
    r.text(
        "despatch_advice_reference",
        find(delivery, "ram:DespatchAdviceReferencedDocument/ram:IssuerAssignedID"),
    )
    tender = _referenced(agreement, "ram:AdditionalReferencedDocument", "50")
    r.text("tender_or_lot_reference", find(tender, "ram:IssuerAssignedID"))
    obj = _referenced(agreement, "ram:AdditionalReferencedDocument", "130")
    oid = find(obj, "ram:IssuerAssignedID")
    if oid is not None:
        scheme = text_of(find(obj, "ram:ReferenceTypeCode"))
        r.value(
            "invoiced_object_identifier",
            oid,
            m.Identifier(value=text_of(oid), scheme=scheme, paths=element_paths(tree, oid)),
        )
    r.text(
        "buyer_accounting_reference",
        find(settlement, "ram:ReceivableSpecifiedTradeAccountingAccount/ram:ID"),
    )
    r.text("currency", find(settlement, "ram:InvoiceCurrencyCode"))
    r.text("tax_currency", find(settlement, "ram:TaxCurrencyCode"))

    terms = findall(settlement, "ram:SpecifiedTradePaymentTerms")
    descriptions = [d for t in terms for d in findall(t, "ram:Description")]
    if descriptions:
        r.value("payment_terms", descriptions[0], "\n".join(text_of(d) for d in descriptions))
    for term in terms:
        due = find(term, "ram:DueDateDateTime")
        if due is not None:
            _date(r, "due_date", due)
            break
    mandate = None
    for term in terms:
        mandate = find(term, "ram:DirectDebitMandateID")
        if mandate is not None:
            break

    for tax in findall(settlement, "ram:ApplicableTradeTax"):
        point = find(tax, "ram:TaxPointDate")
        if point is not None and "tax_point_date" not in r.paths:
            _date(r, "tax_point_date", point)
        code = find(tax, "ram:DueDateTypeCode")
        if code is not None and "tax_point_date_code" not in r.paths:
            r.text("tax_point_date_code", code)

    preceding = []
    for ref in findall(settlement, "ram:InvoiceReferencedDocument"):
        p = Reader(tree, ref)
        p.text("number", find(ref, "ram:IssuerAssignedID"))
        _date(p, "issue_date", find(ref, "ram:FormattedIssueDateTime"))
        preceding.append(p.build(m.PrecedingInvoice))
    r.value("preceding_invoices", None, tuple(preceding))

    seller = find(agreement, "ram:SellerTradeParty")
    r.value("seller", seller, _party(tree, seller))
    buyer = find(agreement, "ram:BuyerTradeParty")
    r.value("buyer", buyer, _party(tree, buyer))

    payee = find(settlement, "ram:PayeeTradeParty")
    if payee is not None:
        p = Reader(tree, payee)
        p.text("name", find(payee, "ram:Name"))
        p.value("identifiers", None, _party_identifiers(tree, payee))
        legal = find(payee, "ram:SpecifiedLegalOrganization/ram:ID")
        p.value("legal_registration_id", legal, _identifier(tree, legal))
        r.value("payee", payee, p.build(m.Payee))

    representative = find(agreement, "ram:SellerTaxRepresentativeTradeParty")
    if representative is not None:
        t = Reader(tree, representative)
        t.text("name", find(representative, "ram:Name"))
        t.text("vat_id", _tax_registration(representative, "VA"))
        address = find(representative, "ram:PostalTradeAddress")
        t.value("address", address, _address(tree, address))
        r.value("tax_representative", representative, t.build(m.TaxRepresentative))

    ship_to = find(delivery, "ram:ShipToTradeParty")
    event = find(delivery, "ram:ActualDeliverySupplyChainEvent/ram:OccurrenceDateTime")
    if ship_to is not None or event is not None:
        d = Reader(tree, delivery)
        d.text("party_name", find(ship_to, "ram:Name"))
        location = find(ship_to, "ram:ID")
        if location is None:
            location = find(ship_to, "ram:GlobalID")
        d.value("location_id", location, _identifier(tree, location))
        _date(d, "actual_delivery_date", event)
        address = find(ship_to, "ram:PostalTradeAddress")
        d.value("address", address, _address(tree, address))
        r.value("delivery", delivery, d.build(m.Delivery))

    period = find(settlement, "ram:BillingSpecifiedPeriod")
    r.value("invoicing_period", period, _period(tree, period))

    creditor = find(settlement, "ram:CreditorReferenceID")
    r.value(
        "payment_instructions",
        None,
        tuple(
            _payment(tree, el, settlement, creditor, mandate)
            for el in findall(settlement, "ram:SpecifiedTradeSettlementPaymentMeans")
        ),
    )

    allowances, charges = _split_allowances(tree, settlement)
    r.value("allowances", None, allowances)
    r.value("charges", None, charges)

    currency = text_of(find(settlement, "ram:InvoiceCurrencyCode"))
    tax_currency = text_of(find(settlement, "ram:TaxCurrencyCode"))
    summary = find(settlement, "ram:SpecifiedTradeSettlementHeaderMonetarySummation")
    t = Reader(tree, summary)
    t.decimal("line_net_total", find(summary, "ram:LineTotalAmount"))
    t.decimal("allowance_total", find(summary, "ram:AllowanceTotalAmount"))
    t.decimal("charge_total", find(summary, "ram:ChargeTotalAmount"))
    t.decimal("tax_exclusive", find(summary, "ram:TaxBasisTotalAmount"))
    t.decimal("tax_inclusive", find(summary, "ram:GrandTotalAmount"))
    t.decimal("prepaid", find(summary, "ram:TotalPrepaidAmount"))
    t.decimal("rounding", find(summary, "ram:RoundingAmount"))
    t.decimal("payable", find(summary, "ram:DuePayableAmount"))
    count = 0
    for amount in findall(summary, "ram:TaxTotalAmount"):
        unit = amount.get("currencyID")
        if unit == currency or (unit is None and count == 0):
            count += 1
            if "vat_total" not in t.values:
                t.decimal("vat_total", amount)
        elif tax_currency and unit == tax_currency:
            t.decimal("vat_total_tax_currency", amount)
    t.value("vat_total_count", None, count)
    r.value("totals", summary, t.build(m.Totals))

    breakdown = []
    for tax in findall(settlement, "ram:ApplicableTradeTax"):
        s = Reader(tree, tax)
        s.decimal("taxable_amount", find(tax, "ram:BasisAmount"))
        s.decimal("tax_amount", find(tax, "ram:CalculatedAmount"))
        s.text("category", find(tax, "ram:CategoryCode"))
        s.decimal("rate", find(tax, "ram:RateApplicablePercent"))
        s.text("exemption_reason", find(tax, "ram:ExemptionReason"))
        s.text("exemption_reason_code", find(tax, "ram:ExemptionReasonCode"))
        breakdown.append(s.build(m.VatBreakdown))
    r.value("vat_breakdown", None, tuple(breakdown))

    attachments = []
    for ref in findall(agreement, "ram:AdditionalReferencedDocument"):
        code = text_of(find(ref, "ram:TypeCode"))
        if code != "916":
            continue
        a = Reader(tree, ref)
        a.text("reference", find(ref, "ram:IssuerAssignedID"))
        a.text("type_code", find(ref, "ram:TypeCode"))
        a.text("description", find(ref, "ram:Name"))
        a.text("external_uri", find(ref, "ram:URIID"))
        binary = find(ref, "ram:AttachmentBinaryObject")
        if binary is not None:
            a.value("content", binary, base64_of(binary))
            a.value("mime_code", binary, binary.get("mimeCode"))
            a.value("filename", binary, binary.get("filename"))
        attachments.append(a.build(m.Attachment))
    r.value("attachments", None, tuple(attachments))

    r.value("lines", None, _lines(tree, transaction))
    return r.build(m.Invoice)
