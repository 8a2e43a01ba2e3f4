"""Registering and changing parties (once-only)."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from ..audit import audit_record, diff, snapshot
from ..models import (
    Party,
)
from ..parties import InvalidIban, name_key, normalise_iban, normalise_postcode, normalise_vat_id
from .common import PARTY_FIELDS, is_system


def _party_match(*, vat_id: str, iban: str, key: str, postcode: str) -> Party | None:
    if vat_id and (party := Party.objects.filter(vat_id=vat_id).first()):
        return party
    if iban and (party := Party.objects.filter(iban=iban).first()):
        return party
    if key and postcode:
        return Party.objects.filter(name_key=key, postcode=postcode).first()
    return None


def party_register(
    *,
    actor,
    name: str,
    kind: str = Party.Kind.PERSON,
    street: str = "",
    postcode: str = "",
    city: str = "",
    country: str = "DE",
    email: str = "",
    iban: str = "",
    vat_id: str = "",
    leitweg_id: str = "",
) -> tuple[Party, bool]:
    """Return the existing party matching by VAT id, IBAN or name and postcode, or create it.

    Returns `(party, created)`. A concurrent registration of the same party is caught by the
    unique constraints and answered with the row the other transaction wrote.
    """
    if not is_system(actor) and not actor.is_superuser and not actor.has_perm("efile.add_party"):
        raise PermissionDenied(_("Sie dürfen keine Beteiligten erfassen."))
    name = " ".join(name.split())
    if not name:
        raise ValidationError(_("Bitte geben Sie einen Namen an."), code="name_required")
    try:
        iban = normalise_iban(iban)
    except InvalidIban as exc:
        raise ValidationError(
            _("Die IBAN „%(iban)s“ ist ungültig (Prüfziffer oder Länge stimmt nicht)."),
            code="iban_invalid",
            params={"iban": iban},
        ) from exc
    values = {
        "kind": kind,
        "name": name,
        "street": street.strip(),
        "postcode": normalise_postcode(postcode),
        "city": city.strip(),
        "country": (country or "DE").upper()[:2],
        "email": email.strip(),
        "iban": iban,
        "vat_id": normalise_vat_id(vat_id),
        "leitweg_id": leitweg_id.strip(),
    }
    key = name_key(name)
    for _attempt in range(2):
        try:
            with transaction.atomic():
                existing = _party_match(
                    vat_id=values["vat_id"], iban=iban, key=key, postcode=values["postcode"]
                )
                if existing is not None:
                    return existing, False
                party = Party.objects.create(name_key=key, **values)
                audit_record(
                    actor=actor,
                    action="party.create",
                    obj=party,
                    changes=diff({}, snapshot(party, PARTY_FIELDS)),
                )
                return party, True
        except IntegrityError:
            continue
    raise IntegrityError("party registration kept conflicting")  # pragma: no cover


@transaction.atomic
def party_update(*, actor, party: Party, **fields) -> Party:
    if not is_system(actor) and not actor.is_superuser and not actor.has_perm("efile.change_party"):
        raise PermissionDenied(_("Sie dürfen Beteiligte nicht ändern."))
    before = snapshot(party, PARTY_FIELDS)
    for name, value in fields.items():
        if name not in PARTY_FIELDS:
            raise ValueError(f"Party has no editable field {name!r}")
        setattr(party, name, value)
    try:
        party.iban = normalise_iban(party.iban)
    except InvalidIban as exc:
        raise ValidationError(
            _("Die IBAN „%(iban)s“ ist ungültig (Prüfziffer oder Länge stimmt nicht)."),
            code="iban_invalid",
            params={"iban": party.iban},
        ) from exc
    party.vat_id = normalise_vat_id(party.vat_id)
    party.postcode = normalise_postcode(party.postcode)
    party.name_key = name_key(party.name)
    same = Q(pk__in=[])
    if party.vat_id:
        same |= Q(vat_id=party.vat_id)
    if party.iban:
        same |= Q(iban=party.iban)
    if party.postcode:
        same |= Q(name_key=party.name_key, postcode=party.postcode)
    other = Party.objects.exclude(pk=party.pk).filter(same).first()
    if other is not None:
        raise ValidationError(
            _(
                "Diese Angaben gehören bereits zu „%(other)s“. Beteiligte werden nur einmal "
                "erfasst; bitte verwenden Sie den vorhandenen Eintrag."
            ),
            code="party_exists",
            params={"other": str(other)},
        )
    party.save()
    changes = diff(before, snapshot(party, PARTY_FIELDS))
    if changes:
        audit_record(actor=actor, action="party.update", obj=party, changes=changes)
    return party
