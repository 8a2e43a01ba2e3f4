"""Normalised keys by which the same party is recognised again (once-only principle)."""

import re
import unicodedata

from schwifty import IBAN
from schwifty.exceptions import SchwiftyException

_LEGAL_FORMS = re.compile(
    r"\b(gmbh|mbh|ag|kg|ohg|gbr|ug|e\.?\s?v|e\.?\s?k|co|sa|sarl|ltd|inc|haftungsbeschränkt)\b\.?"
)
_GERMAN_FOLD = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})


def name_key(name: str) -> str:
    """Casefolded name without legal form, punctuation or accents: `Müller GmbH & Co. KG` →
    `mueller`."""
    folded = name.casefold().translate(_GERMAN_FOLD)
    folded = _LEGAL_FORMS.sub(" ", folded)
    folded = unicodedata.normalize("NFKD", folded)
    folded = "".join(ch for ch in folded if not unicodedata.combining(ch))
    folded = re.sub(r"[^0-9a-z]+", " ", folded)
    return " ".join(folded.split())


def normalise_vat_id(vat_id: str) -> str:
    return re.sub(r"[\s.\-]", "", vat_id).upper()


def normalise_postcode(postcode: str) -> str:
    return re.sub(r"\s", "", postcode)


class InvalidIban(ValueError):
    pass


def normalise_iban(iban: str) -> str:
    """The IBAN in compact form; raises InvalidIban for a wrong checksum or format."""
    compact = re.sub(r"\s", "", iban).upper()
    if not compact:
        return ""
    try:
        return IBAN(compact).compact
    except SchwiftyException as exc:
        raise InvalidIban(str(exc)) from exc
