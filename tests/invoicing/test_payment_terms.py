import datetime as dt
from decimal import Decimal

from invoicing.payment_terms import Skonto, skonto_entries


def test_skonto_entries_are_read_in_xrechnung_notation_shortest_period_first():
    terms = (
        "Zahlbar innerhalb 30 Tagen netto.\n"
        "#SKONTO#TAGE=14#PROZENT=2.00#\n"
        "#SKONTO#TAGE=7#PROZENT=3.00#BASISBETRAG=500.00#\n"
    )
    assert skonto_entries(terms) == [
        Skonto(days=7, percent=Decimal("3.00"), base=Decimal("500.00")),
        Skonto(days=14, percent=Decimal("2.00"), base=None),
    ]
    assert skonto_entries(terms)[1].until(dt.date(2026, 11, 2)) == dt.date(2026, 11, 16)


def test_text_without_a_wellformed_entry_has_no_skonto():
    assert skonto_entries(None) == []
    assert skonto_entries("2 % Skonto bei Zahlung binnen 14 Tagen") == []
    assert skonto_entries("#skonto#tage=14#prozent=2.00#") == []
