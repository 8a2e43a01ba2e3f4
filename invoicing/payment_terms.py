"""Cash discounts (Skonto) from the payment terms (BT-20) in the XRechnung notation

    #SKONTO#TAGE=14#PROZENT=2.00#
    #SKONTO#TAGE=7#PROZENT=3.00#BASISBETRAG=500.00#

one entry per line. Pure code; the format check itself is BR-DE-18 / OWN-SKONTO."""

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal

_ENTRY = re.compile(
    r"#SKONTO#TAGE=(?P<days>\d+)#PROZENT=(?P<percent>\d+(?:\.\d+)?)#"
    r"(?:BASISBETRAG=(?P<base>-?\d+(?:\.\d+)?)#)?"
)


@dataclass(frozen=True)
class Skonto:
    days: int
    percent: Decimal
    base: Decimal | None  # None: the amount due (BT-115)

    def until(self, issue_date: dt.date) -> dt.date:
        return issue_date + dt.timedelta(days=self.days)


def skonto_entries(payment_terms: str | None) -> list[Skonto]:
    """Every well-formed Skonto entry, shortest period (best discount date) first."""
    entries = [
        Skonto(
            days=int(match["days"]),
            percent=Decimal(match["percent"]),
            base=Decimal(match["base"]) if match["base"] else None,
        )
        for match in _ENTRY.finditer(payment_terms or "")
    ]
    return sorted(entries, key=lambda entry: entry.days)
