"""Once-only: a party is recognised again by VAT id, IBAN, or normalised name and postcode."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from efile import services
from efile.models import AuditEvent, Party
from efile.roles import Role
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

IBAN = "DE89370400440532013000"


def register(**fields):
    return services.party_register(actor=None, **fields)


def test_first_registration_creates_the_party_in_normal_form():
    party, created = register(
        name="  Holzbau   Meier GmbH ",
        postcode="47 798",
        vat_id="de 811.907-980",
        iban="de89 3704 0044 0532 0130 00",
    )

    assert created
    assert party.name == "Holzbau Meier GmbH"
    assert party.postcode == "47798"
    assert party.vat_id == "DE811907980"
    assert party.iban == IBAN
    assert party.name_key == "holzbau meier"


@pytest.mark.parametrize(
    "spelling", ["DE811907980", "de811907980", "DE 811 907 980", "de-811.907.980"]
)
def test_same_vat_id_in_other_spelling_returns_existing_party(spelling):
    existing, _ = register(name="Holzbau Meier GmbH", vat_id="DE811907980")

    party, created = register(name="Meier Holzbau", vat_id=spelling)

    assert created is False
    assert party.pk == existing.pk
    assert Party.objects.count() == 1


def test_same_iban_with_spaces_returns_existing_party():
    existing, _ = register(name="Anna Huber", iban=IBAN)

    party, created = register(name="A. Huber", iban="DE89 3704 0044 0532 0130 00")

    assert created is False
    assert party.pk == existing.pk


def test_same_normalised_name_at_same_postcode_returns_existing_party():
    existing, _ = register(name="Müller GmbH", postcode="47798", city="Krefeld")

    party, created = register(name="mueller gmbh", postcode="47798")

    assert created is False
    assert party.pk == existing.pk
    assert Party.objects.count() == 1


def test_same_name_at_different_postcode_is_a_new_party():
    first, _ = register(name="Müller GmbH", postcode="47798")

    second, created = register(name="Müller GmbH", postcode="47804")

    assert created is True
    assert second.pk != first.pk
    assert Party.objects.count() == 2


def test_same_name_without_postcode_is_not_merged():
    first, _ = register(name="Anna Huber")

    second, created = register(name="Anna Huber")

    assert created is True
    assert second.pk != first.pk


def test_finding_an_existing_party_writes_no_audit_event():
    register(name="Müller GmbH", postcode="47798")
    count = AuditEvent.objects.count()

    register(name="Müller GmbH", postcode="47798")

    assert AuditEvent.objects.count() == count


@pytest.mark.parametrize("iban", ["DE00 3704 0044 0532 0130 00", "DE8937040044", "XX12"])
def test_invalid_iban_is_refused_with_german_message(iban):
    with pytest.raises(ValidationError) as excinfo:
        register(name="Anna Huber", iban=iban)

    assert excinfo.value.code == "iban_invalid"
    assert "ungültig" in excinfo.value.messages[0]
    assert Party.objects.count() == 0


def test_empty_name_is_refused():
    with pytest.raises(ValidationError) as excinfo:
        register(name="   ")

    assert excinfo.value.code == "name_required"
    assert "Namen" in excinfo.value.messages[0]


def test_user_without_add_party_permission_cannot_register():
    approver = UserFactory(username="anordnung", role=Role.APPROVER)

    with pytest.raises(PermissionDenied):
        services.party_register(actor=approver, name="Anna Huber")

    assert Party.objects.count() == 0


def test_party_update_normalises_and_audits_changes():
    accountant = UserFactory(username="kreditoren", role=Role.ACCOUNTING)
    party, _ = register(name="Müller GmbH", postcode="47798")

    services.party_update(actor=accountant, party=party, name="Müller & Söhne GmbH", iban=IBAN)

    party.refresh_from_db()
    assert party.name_key == "mueller soehne"
    event = AuditEvent.objects.order_by("-id").first()
    assert event.action == "party.update"
    assert event.actor == accountant
    assert event.changes == {
        "name": ["Müller GmbH", "Müller & Söhne GmbH"],
        "iban": ["", IBAN],
    }


def test_party_update_with_invalid_iban_is_refused_with_german_message():
    party, _ = register(name="Müller GmbH", postcode="47798")

    with pytest.raises(ValidationError) as excinfo:
        services.party_update(actor=None, party=party, iban="DE00 1234")

    assert excinfo.value.code == "iban_invalid"
    assert "ungültig" in excinfo.value.messages[0]
    party.refresh_from_db()
    assert party.iban == ""


def test_party_update_needs_change_party_permission(clerk):
    party, _ = register(name="Müller GmbH", postcode="47798")

    with pytest.raises(PermissionDenied):
        services.party_update(actor=clerk, party=party, city="Krefeld")

    party.refresh_from_db()
    assert party.city == ""


@pytest.mark.django_db
def test_update_to_another_partys_vat_id_is_refused_in_german():
    services.party_register(actor=None, name="Alpha GmbH", vat_id="DE811907980")
    second, _ = services.party_register(actor=None, name="Beta AG", postcode="47798")
    with pytest.raises(ValidationError) as caught:
        services.party_update(actor=None, party=second, vat_id="de 811 907 980")
    assert caught.value.code == "party_exists"
    assert "bereits" in caught.value.messages[0]
    second.refresh_from_db()
    assert second.vat_id == ""
