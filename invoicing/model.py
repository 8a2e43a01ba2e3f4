"""The invoice as EN 16931 sees it, independent of the syntax (UBL 2.1 or CII D16B).

Every group of the semantic model is a frozen dataclass named after the standard; the
docstring of each field-group names the business terms (BT-..) and groups (BG-..).
All fields are keyword-only and optional: the parsers fill what the document contains,
absent values are `None` (single values) or `()` (repeated things are always tuples).

Value types
-----------
* Amounts, quantities, percentages and rates are `decimal.Decimal`, built from the source text
  unchanged, so the number of decimals written in the document is still there:
  `decimals(value)` (below) returns it (``Decimal("10.50")`` -> 2). Text that is not a number
  gives `None` (the schema rules report the format error).
* Dates are `datetime.date`; text that is not a valid date gives `None`.
* Codes and texts are `str` exactly as written (leading/trailing whitespace stripped).
* Identifiers that may carry a scheme (electronic address, party ids, classification) are
  `Identifier(value, scheme, scheme_version)`.

Where a value came from
-----------------------
Each dataclass has a `paths: Mapping[str, str]` mapping a field name to the XPath of the
source element (lxml `getpath`, the same form as `ValidationContext.path_of`, e.g.
``/*/cac:InvoiceLine[2]/cbc:LineExtensionAmount``), plus the key ``"."`` for the element of
the group itself; absent fields have no entry. The parsers hand in `SourcePaths`, which
computes a path only when it is read (few ever are). `obj.where("vat_id")` returns the field's
path, falling back to the group's path, so a rule can always report a location:

    if invoice.seller and not invoice.seller.vat_id:
        yield invoice.seller.where("vat_id")
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal

Date = datetime.date


def decimals(value: Decimal | None) -> int:
    """Number of decimals as written in the document (0 for None or whole numbers)."""
    if value is None:
        return 0
    exponent = value.as_tuple().exponent
    return -exponent if isinstance(exponent, int) and exponent < 0 else 0


class SourcePaths(Mapping[str, str]):
    """Field name -> source path of a parsed document, from the source elements: the path
    (`tree.getpath(element)`) is computed when it is first read. Keeps the elements, and so
    the parsed tree, alive."""

    __slots__ = ("_elements", "_paths", "_tree")

    def __init__(self, tree, elements: dict[str, object]):
        self._tree = tree
        self._elements = elements
        self._paths: dict[str, str] = {}

    def __getitem__(self, name: str) -> str:
        path = self._paths.get(name)
        if path is None:
            path = self._paths[name] = self._tree.getpath(self._elements[name])
        return path

    def __contains__(self, name: object) -> bool:
        return name in self._elements

    def __iter__(self) -> Iterator[str]:
        return iter(self._elements)

    def __len__(self) -> int:
        return len(self._elements)


@dataclass(frozen=True, kw_only=True)
class Located:
    """Base of every model class: field name -> source path (see module docstring)."""

    paths: Mapping[str, str] = field(default_factory=dict, compare=False, repr=False)

    def where(self, name: str | None = None) -> str | None:
        """Path of field `name` in the source, else of this group's element."""
        if name is not None and name in self.paths:
            return self.paths[name]
        return self.paths.get(".")


@dataclass(frozen=True, kw_only=True)
class Identifier(Located):
    """An identifier with optional scheme (schemeID / listID) and scheme version."""

    value: str
    scheme: str | None = None
    scheme_version: str | None = None

    def __str__(self) -> str:
        return self.value


@dataclass(frozen=True, kw_only=True)
class Address(Located):
    """BG-5 seller / BG-8 buyer / BG-12 tax representative / BG-15 deliver-to address.

    line1 BT-35/50/64/75, line2 BT-36/51/65/76, line3 BT-162/163/164/165,
    city BT-37/52/66/77, post_code BT-38/53/67/78, subdivision BT-39/54/68/79,
    country_code BT-40/55/69/80.
    """

    line1: str | None = None
    line2: str | None = None
    line3: str | None = None
    city: str | None = None
    post_code: str | None = None
    subdivision: str | None = None
    country_code: str | None = None


@dataclass(frozen=True, kw_only=True)
class Contact(Located):
    """BG-6 seller contact (BT-41..43) / BG-9 buyer contact (BT-56..58)."""

    name: str | None = None
    phone: str | None = None
    email: str | None = None


@dataclass(frozen=True, kw_only=True)
class Party(Located):
    """BG-4 SELLER or BG-7 BUYER.

    seller: name BT-27, trading_name BT-28, identifiers BT-29 (repeatable; a SEPA creditor id
    BT-90 in UBL is NOT listed here but in DirectDebit), legal_registration_id BT-30,
    vat_id BT-31, tax_registration_id BT-32 (scheme "FC"), additional_legal_info BT-33,
    electronic_address BT-34 (scheme = EAS code), address BG-5, contact BG-6.
    buyer: name BT-44, trading_name BT-45, identifiers BT-46, legal_registration_id BT-47,
    vat_id BT-48, electronic_address BT-49, address BG-8, contact BG-9.
    """

    name: str | None = None
    trading_name: str | None = None
    identifiers: tuple[Identifier, ...] = ()
    legal_registration_id: Identifier | None = None
    vat_id: str | None = None
    tax_registration_id: str | None = None
    additional_legal_info: str | None = None
    electronic_address: Identifier | None = None
    address: Address | None = None
    contact: Contact | None = None


@dataclass(frozen=True, kw_only=True)
class Payee(Located):
    """BG-10 PAYEE: name BT-59, identifier BT-60, legal_registration_id BT-61."""

    name: str | None = None
    identifiers: tuple[Identifier, ...] = ()
    legal_registration_id: Identifier | None = None


@dataclass(frozen=True, kw_only=True)
class TaxRepresentative(Located):
    """BG-11 SELLER TAX REPRESENTATIVE PARTY: name BT-62, vat_id BT-63, address BG-12."""

    name: str | None = None
    vat_id: str | None = None
    address: Address | None = None


@dataclass(frozen=True, kw_only=True)
class Period(Located):
    """BG-14 invoicing period (BT-73 start, BT-74 end) or BG-26 line period (BT-134/135)."""

    start: Date | None = None
    end: Date | None = None


@dataclass(frozen=True, kw_only=True)
class Delivery(Located):
    """BG-13 DELIVERY INFORMATION: party_name BT-70, location_id BT-71,
    actual_delivery_date BT-72, address BG-15 (deliver-to address)."""

    party_name: str | None = None
    location_id: Identifier | None = None
    actual_delivery_date: Date | None = None
    address: Address | None = None


@dataclass(frozen=True, kw_only=True)
class CreditTransfer(Located):
    """BG-17 CREDIT TRANSFER: account_id BT-84 (IBAN or other), account_name BT-85,
    provider_id BT-86 (BIC)."""

    account_id: str | None = None
    account_name: str | None = None
    provider_id: str | None = None


@dataclass(frozen=True, kw_only=True)
class PaymentCard(Located):
    """BG-18 PAYMENT CARD INFORMATION: primary_account_number BT-87, holder_name BT-88."""

    primary_account_number: str | None = None
    holder_name: str | None = None


@dataclass(frozen=True, kw_only=True)
class DirectDebit(Located):
    """BG-19 DIRECT DEBIT: mandate_reference BT-89, creditor_id BT-90 (bank assigned creditor
    identifier), debited_account_id BT-91."""

    mandate_reference: str | None = None
    creditor_id: str | None = None
    debited_account_id: str | None = None


@dataclass(frozen=True, kw_only=True)
class PaymentInstructions(Located):
    """BG-16 PAYMENT INSTRUCTIONS: means_code BT-81 (UNTDID 4461), means_text BT-82,
    remittance_information BT-83, credit_transfers BG-17, card BG-18, direct_debit BG-19.

    UBL may repeat cac:PaymentMeans and CII SpecifiedTradeSettlementPaymentMeans; the model
    keeps one PaymentInstructions per such element (`Invoice.payment_instructions`).
    """

    means_code: str | None = None
    means_text: str | None = None
    remittance_information: str | None = None
    credit_transfers: tuple[CreditTransfer, ...] = ()
    card: PaymentCard | None = None
    direct_debit: DirectDebit | None = None


@dataclass(frozen=True, kw_only=True)
class AllowanceCharge(Located):
    """Document level BG-20 ALLOWANCE (BT-92..98) / BG-21 CHARGE (BT-99..105), and line
    level BG-27 (BT-136..140) / BG-28 (BT-141..145).

    amount BT-92/99/136/141, base_amount BT-93/100/137/142, percentage BT-94/101/138/143,
    vat_category BT-95/102 and vat_rate BT-96/103 (document level only),
    reason BT-97/104/139/144, reason_code BT-98/105/140/145.
    """

    is_charge: bool = False
    amount: Decimal | None = None
    base_amount: Decimal | None = None
    percentage: Decimal | None = None
    vat_category: str | None = None
    vat_rate: Decimal | None = None
    reason: str | None = None
    reason_code: str | None = None


@dataclass(frozen=True, kw_only=True)
class Totals(Located):
    """BG-22 DOCUMENT TOTALS.

    line_net_total BT-106, allowance_total BT-107, charge_total BT-108,
    tax_exclusive BT-109, vat_total BT-110 (in document currency), vat_total_tax_currency
    BT-111 (in BT-6), tax_inclusive BT-112, prepaid BT-113, rounding BT-114, payable BT-115.
    `vat_total_count` is how many VAT totals in the document currency the document carries.
    """

    line_net_total: Decimal | None = None
    allowance_total: Decimal | None = None
    charge_total: Decimal | None = None
    tax_exclusive: Decimal | None = None
    vat_total: Decimal | None = None
    vat_total_tax_currency: Decimal | None = None
    tax_inclusive: Decimal | None = None
    prepaid: Decimal | None = None
    rounding: Decimal | None = None
    payable: Decimal | None = None
    vat_total_count: int = 0


@dataclass(frozen=True, kw_only=True)
class VatBreakdown(Located):
    """BG-23 VAT BREAKDOWN: taxable_amount BT-116, tax_amount BT-117, category BT-118,
    rate BT-119, exemption_reason BT-120, exemption_reason_code BT-121."""

    taxable_amount: Decimal | None = None
    tax_amount: Decimal | None = None
    category: str | None = None
    rate: Decimal | None = None
    exemption_reason: str | None = None
    exemption_reason_code: str | None = None


@dataclass(frozen=True, kw_only=True)
class PrecedingInvoice(Located):
    """BG-3 PRECEDING INVOICE REFERENCE: number BT-25, issue_date BT-26."""

    number: str | None = None
    issue_date: Date | None = None


@dataclass(frozen=True, kw_only=True)
class Attachment(Located):
    """BG-24 ADDITIONAL SUPPORTING DOCUMENTS: reference BT-122, description BT-123,
    external_uri BT-124, content BT-125 (decoded bytes; None when not embedded or not valid
    base64), mime_code and filename (BT-125 attributes)."""

    reference: str | None = None
    description: str | None = None
    external_uri: str | None = None
    content: bytes | None = None
    mime_code: str | None = None
    filename: str | None = None
    type_code: str | None = None


@dataclass(frozen=True, kw_only=True)
class Note(Located):
    """BG-1 INVOICE NOTE: subject_code BT-21, text BT-22."""

    subject_code: str | None = None
    text: str | None = None


@dataclass(frozen=True, kw_only=True)
class ItemAttribute(Located):
    """BG-32 ITEM ATTRIBUTES: name BT-160, value BT-161."""

    name: str | None = None
    value: str | None = None


@dataclass(frozen=True, kw_only=True)
class Item(Located):
    """BG-31 ITEM INFORMATION: name BT-153, description BT-154, sellers_id BT-155,
    buyers_id BT-156, standard_id BT-157 (scheme = ISO 6523 ICD), classifications BT-158
    (scheme = UNTDID 7143 list id, scheme_version = list version), origin_country BT-159,
    attributes BG-32."""

    name: str | None = None
    description: str | None = None
    sellers_id: str | None = None
    buyers_id: str | None = None
    standard_id: Identifier | None = None
    classifications: tuple[Identifier, ...] = ()
    origin_country: str | None = None
    attributes: tuple[ItemAttribute, ...] = ()


@dataclass(frozen=True, kw_only=True)
class Price(Located):
    """BG-29 PRICE DETAILS: net_price BT-146, discount BT-147, gross_price BT-148,
    base_quantity BT-149, base_quantity_unit BT-150."""

    net_price: Decimal | None = None
    discount: Decimal | None = None
    gross_price: Decimal | None = None
    base_quantity: Decimal | None = None
    base_quantity_unit: str | None = None


@dataclass(frozen=True, kw_only=True)
class Line(Located):
    """BG-25 INVOICE LINE.

    id BT-126, note BT-127, object_identifier BT-128, quantity BT-129, unit BT-130,
    net_amount BT-131, order_line_reference BT-132, accounting_reference BT-133,
    period BG-26, allowances BG-27, charges BG-28, price BG-29, vat_category BT-151,
    vat_rate BT-152, item BG-31. `sub_lines` holds XRechnung sub invoice lines (BG-DEX-01,
    UBL cac:SubInvoiceLine / CII IncludedSubordinateTradeLineItem parent relation).
    """

    id: str | None = None
    note: str | None = None
    object_identifier: Identifier | None = None
    quantity: Decimal | None = None
    unit: str | None = None
    net_amount: Decimal | None = None
    order_line_reference: str | None = None
    accounting_reference: str | None = None
    period: Period | None = None
    allowances: tuple[AllowanceCharge, ...] = ()
    charges: tuple[AllowanceCharge, ...] = ()
    price: Price | None = None
    vat_category: str | None = None
    vat_rate: Decimal | None = None
    item: Item | None = None
    sub_lines: tuple[Line, ...] = ()


@dataclass(frozen=True, kw_only=True)
class Invoice(Located):
    """The invoice (or credit note): document-level business terms and all groups.

    number BT-1, issue_date BT-2, type_code BT-3, currency BT-5, tax_currency BT-6,
    tax_point_date BT-7, tax_point_date_code BT-8, due_date BT-9,
    buyer_reference BT-10 (Leitweg-ID for XRechnung), project_reference BT-11,
    contract_reference BT-12, purchase_order_reference BT-13, sales_order_reference BT-14,
    receiving_advice_reference BT-15, despatch_advice_reference BT-16,
    tender_or_lot_reference BT-17, invoiced_object_identifier BT-18,
    buyer_accounting_reference BT-19, payment_terms BT-20, notes BG-1 (BT-21/22),
    process_id BT-23, customization_id BT-24, preceding_invoices BG-3, seller BG-4,
    buyer BG-7, payee BG-10, tax_representative BG-11, delivery BG-13, invoicing_period BG-14,
    payment_instructions BG-16 (one per payment means element), allowances BG-20,
    charges BG-21, totals BG-22, vat_breakdown BG-23, attachments BG-24, lines BG-25.

    `syntax` is "ubl" or "cii"; `is_credit_note` is True for a UBL CreditNote document
    (the type code BT-3 tells the rest).
    """

    syntax: str = ""
    is_credit_note: bool = False
    number: str | None = None
    issue_date: Date | None = None
    type_code: str | None = None
    currency: str | None = None
    tax_currency: str | None = None
    tax_point_date: Date | None = None
    tax_point_date_code: str | None = None
    due_date: Date | None = None
    buyer_reference: str | None = None
    project_reference: str | None = None
    contract_reference: str | None = None
    purchase_order_reference: str | None = None
    sales_order_reference: str | None = None
    receiving_advice_reference: str | None = None
    despatch_advice_reference: str | None = None
    tender_or_lot_reference: str | None = None
    invoiced_object_identifier: Identifier | None = None
    buyer_accounting_reference: str | None = None
    payment_terms: str | None = None
    notes: tuple[Note, ...] = ()
    process_id: str | None = None
    customization_id: str | None = None
    preceding_invoices: tuple[PrecedingInvoice, ...] = ()
    seller: Party | None = None
    buyer: Party | None = None
    payee: Payee | None = None
    tax_representative: TaxRepresentative | None = None
    delivery: Delivery | None = None
    invoicing_period: Period | None = None
    payment_instructions: tuple[PaymentInstructions, ...] = ()
    allowances: tuple[AllowanceCharge, ...] = ()
    charges: tuple[AllowanceCharge, ...] = ()
    totals: Totals | None = None
    vat_breakdown: tuple[VatBreakdown, ...] = ()
    attachments: tuple[Attachment, ...] = ()
    lines: tuple[Line, ...] = ()

    @property
    def payment(self) -> PaymentInstructions | None:
        """The first BG-16 (most invoices carry exactly one)."""
        return self.payment_instructions[0] if self.payment_instructions else None

    def all_lines(self) -> tuple[Line, ...]:
        """Lines including XRechnung sub invoice lines, depth first."""
        result: list[Line] = []

        def walk(lines: tuple[Line, ...]) -> None:
            for line in lines:
                result.append(line)
                walk(line.sub_lines)

        walk(self.lines)
        return tuple(result)
