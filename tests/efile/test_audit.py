"""Every service write leaves a hash-chained audit event; `audit_verify` finds tampering."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from backoffice.demo.minipdf import text_pdf
from efile import services
from efile.models import AuditEvent, ImmutableRowError
from efile.roles import Role
from tests.factories import UserFactory, document_create, efile_create

pytestmark = pytest.mark.django_db

AUDIT_TABLE = "efile_auditevent"


@pytest.fixture
def efile(bauamt, plan_item):
    return efile_create(org_unit=bauamt, plan_item=plan_item, title="Neubau Parzelle 1234")


@pytest.fixture
def accountant(db):
    return UserFactory(username="kreditoren", role=Role.ACCOUNTING)


def _last_event() -> AuditEvent:
    return AuditEvent.objects.order_by("-id").first()


def _verify() -> str:
    out = io.StringIO()
    call_command("audit_verify", stdout=out)
    return out.getvalue()


def _raw(sql: str, params: list) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


# --- every write is audited -----------------------------------------------------------------


def test_efile_open_records_actor_action_and_new_values(clerk, bauamt, plan_item):
    efile = services.efile_open(
        actor=clerk, plan_item=plan_item, org_unit=bauamt, title="Anbau Wintergarten"
    )

    event = _last_event()
    assert event.action == "efile.create"
    assert event.actor == clerk
    assert event.actor_name == "clerk"
    assert (event.object_type, event.object_id) == ("efile.efile", str(efile.pk))
    assert event.changes["title"] == [None, "Anbau Wintergarten"]
    assert event.changes["status"] == [None, "open"]
    assert event.changes["reference"] == [None, efile.reference]
    assert event.changes["org_unit"] == [None, bauamt.pk]


def test_system_write_is_audited_without_actor(efile):
    event = _last_event()

    assert event.action == "efile.create"
    assert event.actor is None
    assert event.actor_name == ""


def test_efile_update_records_old_and_new_title(efile, clerk):
    services.efile_update(actor=clerk, efile=efile, title="Neubau Parzelle 1235")

    event = _last_event()
    assert event.action == "efile.update"
    assert event.actor == clerk
    assert event.changes == {"title": ["Neubau Parzelle 1234", "Neubau Parzelle 1235"]}


def test_efile_update_without_change_writes_no_event(efile, clerk):
    count = AuditEvent.objects.count()

    services.efile_update(actor=clerk, efile=efile, title="  Neubau Parzelle 1234 ")

    assert AuditEvent.objects.count() == count


def test_close_and_reopen_record_status_change_and_reason(efile, clerk):
    services.efile_transition(actor=clerk, efile=efile, transition="close", reason="erledigt")
    close = _last_event()
    services.efile_transition(actor=clerk, efile=efile, transition="reopen")
    reopen = _last_event()

    assert close.action == "efile.close"
    assert close.actor == clerk
    assert close.changes == {"status": ["open", "closed"], "reason": "erledigt"}
    assert reopen.action == "efile.reopen"
    assert reopen.changes == {"status": ["closed", "open"]}


def test_document_receive_records_document_and_first_version(efile, clerk):
    before = _last_event().id
    document = services.document_receive(
        actor=clerk,
        efile=efile,
        stream=io.BytesIO(text_pdf(["Bauantrag"])),
        filename="bauantrag.pdf",
        title="Bauantrag",
    )
    version = document.versions.get()

    events = list(AuditEvent.objects.filter(id__gt=before).order_by("id"))
    assert [e.action for e in events] == ["document.create", "documentversion.create"]
    assert all(e.actor == clerk for e in events)
    assert events[0].object_id == str(document.pk)
    assert events[0].changes["title"] == [None, "Bauantrag"]
    assert events[0].changes["efile"] == [None, efile.pk]
    assert events[1].object_id == str(version.pk)
    assert events[1].changes["sha256"] == [None, version.sha256]
    assert events[1].changes["number"] == [None, 1]
    assert events[1].changes["mime_type"] == [None, "application/pdf"]


def test_document_version_add_records_new_version(efile, clerk):
    document = document_create(efile=efile, content=text_pdf(["v1"]))

    version = services.document_version_add(
        actor=clerk, document=document, stream=io.BytesIO(text_pdf(["v2"])), filename="v2.pdf"
    )

    event = _last_event()
    assert event.action == "documentversion.create"
    assert event.actor == clerk
    assert event.object_id == str(version.pk)
    assert event.changes["number"] == [None, 2]
    assert event.changes["filename"] == [None, "v2.pdf"]


def test_party_register_records_new_party(clerk):
    party, created = services.party_register(
        actor=clerk, name="Holzbau Meier GmbH", postcode="47798", city="Krefeld"
    )

    event = _last_event()
    assert created
    assert event.action == "party.create"
    assert event.actor == clerk
    assert event.object_id == str(party.pk)
    assert event.changes["name"] == [None, "Holzbau Meier GmbH"]
    assert event.changes["postcode"] == [None, "47798"]


def test_party_update_records_changed_fields_only(accountant):
    party, _ = services.party_register(
        actor=None, name="Holzbau Meier GmbH", postcode="47798", city="Krefeld"
    )

    services.party_update(actor=accountant, party=party, city="Krefeld-Uerdingen", postcode="47829")

    event = _last_event()
    assert event.action == "party.update"
    assert event.actor == accountant
    assert event.changes == {
        "city": ["Krefeld", "Krefeld-Uerdingen"],
        "postcode": ["47798", "47829"],
    }


def test_audit_event_cannot_be_changed_or_deleted_through_the_orm(efile):
    event = _last_event()
    event.actor_name = "jemand"

    with pytest.raises(ImmutableRowError):
        event.save()
    with pytest.raises(ImmutableRowError):
        event.delete()

    assert AuditEvent.objects.get(pk=event.pk).actor_name == ""


# --- audit_verify ---------------------------------------------------------------------------


@pytest.fixture
def chain(efile, clerk):
    """Five events in a row: e-file, two documents with one version each."""
    document_create(efile=efile, content=text_pdf(["Brief 1"]), filename="brief1.pdf")
    services.document_receive(
        actor=clerk, efile=efile, stream=io.BytesIO(text_pdf(["Brief 2"])), filename="brief2.pdf"
    )
    events = list(AuditEvent.objects.order_by("id"))
    assert len(events) == 5
    return events


def test_audit_verify_passes_on_intact_chain(chain):
    assert "Audit chain intact: 5 events verified." in _verify()


def test_audit_verify_passes_on_empty_database(db):
    assert "0 events verified" in _verify()


def test_audit_verify_names_event_whose_changes_were_edited(chain):
    target = chain[2]
    _raw(
        f"UPDATE {AUDIT_TABLE} SET changes = %s WHERE id = %s",  # noqa: S608
        ['{"title": [null, "gefälscht"]}', target.id],
    )

    with pytest.raises(CommandError, match=rf"event {target.id}: content does not match"):
        _verify()


def test_audit_verify_names_event_whose_actor_name_was_edited(chain):
    target = chain[4]
    assert target.actor_name == "clerk"
    _raw(f"UPDATE {AUDIT_TABLE} SET actor_name = %s WHERE id = %s", ["admin", target.id])  # noqa: S608

    with pytest.raises(CommandError, match=rf"event {target.id}: content does not match"):
        _verify()


def test_audit_verify_names_event_after_a_deleted_middle_event(chain):
    _raw(f"DELETE FROM {AUDIT_TABLE} WHERE id = %s", [chain[2].id])  # noqa: S608

    with pytest.raises(CommandError) as excinfo:
        _verify()

    message = str(excinfo.value)
    assert f"event {chain[3].id}" in message
    assert "previous hash does not match" in message


def test_audit_verify_notices_deleted_first_event(chain):
    _raw(f"DELETE FROM {AUDIT_TABLE} WHERE id = %s", [chain[0].id])  # noqa: S608

    with pytest.raises(CommandError, match=rf"event {chain[1].id}: previous hash"):
        _verify()


def test_audit_verify_reports_chain_end_when_last_event_was_deleted(chain):
    _raw(f"DELETE FROM {AUDIT_TABLE} WHERE id = %s", [chain[-1].id])  # noqa: S608

    with pytest.raises(CommandError) as excinfo:
        _verify()

    message = str(excinfo.value)
    assert "end of chain" in message
    assert "expects 5 events" in message
    assert "found 4" in message


def test_audit_verify_notices_a_re_hashed_forgery_by_the_following_event(chain):
    """Recomputing a forged event's own hash does not help: the next event still points to
    the original hash."""
    from efile.audit import event_hash

    target = chain[1]
    forged = {"title": [None, "gefälscht"]}
    new_hash = event_hash(
        previous_hash=target.previous_hash,
        timestamp=target.timestamp,
        actor_id=target.actor_id,
        actor_name=target.actor_name,
        action=target.action,
        object_type=target.object_type,
        object_id=target.object_id,
        object_repr=target.object_repr,
        changes=forged,
    )
    _raw(
        f"UPDATE {AUDIT_TABLE} SET changes = %s, hash = %s WHERE id = %s",  # noqa: S608
        ['{"title": [null, "gefälscht"]}', new_hash, target.id],
    )

    with pytest.raises(CommandError, match=rf"event {chain[2].id}: previous hash"):
        _verify()
