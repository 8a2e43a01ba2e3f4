"""Guess what a received document is, from its type and text, to suggest how to file it.

A suggestion only: the clerk decides. Pure code, no Django.
"""

import re

from .models.documents import DocumentKind

_EINVOICE_ROOTS = re.compile(r"<(?:\w+:)?(?:Invoice|CreditNote|CrossIndustryInvoice)\b")
_IBAN = re.compile(r"\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){3,7}(?: ?[A-Z0-9]{1,4})?\b")
_INVOICE_WORDS = re.compile(r"\b(Rechnung|Rechnungsnummer|Faktura|MwSt|MWST|USt)\b", re.I)
_APPLICATION_WORDS = re.compile(
    r"\b(Baugesuch|Bauantrag|Baugenehmigung|Bauvoranfrage|Abbruchanzeige|Antrag auf)\b", re.I
)
_NOTICE_WORDS = re.compile(r"\b(Bescheid|Entscheid|Rechtsmittelbelehrung|Verfügung)\b", re.I)
_STATEMENT_WORDS = re.compile(r"\b(Stellungnahme|Einsprache|Einspruch|Widerspruch)\b", re.I)


def suggest_kind(*, mime_type: str, text: str) -> str:
    if mime_type == "application/xml" and _EINVOICE_ROOTS.search(text[:4096]):
        return DocumentKind.INVOICE
    if _APPLICATION_WORDS.search(text):
        return DocumentKind.APPLICATION
    if _INVOICE_WORDS.search(text) and _IBAN.search(text):
        return DocumentKind.INVOICE
    if _NOTICE_WORDS.search(text):
        return DocumentKind.NOTICE
    if _STATEMENT_WORDS.search(text):
        return DocumentKind.STATEMENT
    return DocumentKind.LETTER
