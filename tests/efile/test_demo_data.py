"""`manage.py demo_data` builds a complete, audited demo and is safe to run twice."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from efile.models import AuditEvent, Document, DocumentVersion, EFile, OrgUnit, Party, Resubmission
from efile.roles import Role

pytestmark = pytest.mark.django_db

COUNTED = [OrgUnit, EFile, Document, DocumentVersion, Party, Resubmission, AuditEvent]


def _counts() -> dict[str, int]:
    counts = {model.__name__: model.objects.count() for model in COUNTED}
    counts["User"] = get_user_model().objects.count()
    return counts


def _load() -> str:
    out = io.StringIO()
    call_command("demo_data", stdout=out)
    return out.getvalue()


@pytest.fixture
def debug(settings):
    settings.DEBUG = True
    return settings


def test_demo_data_twice_changes_nothing_the_second_time(debug):
    first_output = _load()
    first = _counts()

    second_output = _load()

    assert _counts() == first
    assert "Aktenfluss-Demo-2026" in first_output
    assert "Aktenfluss-Demo-2026" not in second_output
    assert "(unverändert)" in second_output


def test_demo_data_has_two_municipalities_and_enough_efiles(debug):
    _load()

    assert EFile.objects.count() >= 30
    assert set(OrgUnit.objects.values_list("municipality", flat=True)) == {
        "Stadt Kriens",
        "Stadt Krefeld",
    }
    assert EFile.objects.filter(org_unit__municipality="Stadt Kriens").exists()
    assert EFile.objects.filter(org_unit__municipality="Stadt Krefeld").exists()
    assert EFile.objects.filter(status="closed").exists()
    assert Document.objects.filter(sender__isnull=False).exists()
    assert Resubmission.objects.exists()


@pytest.mark.parametrize("role", list(Role))
def test_demo_data_has_a_user_for_every_role(debug, role):
    _load()

    assert get_user_model().objects.filter(groups__name=role.value).exists()


def test_demo_documents_are_real_pdfs(debug):
    _load()

    # The supplier's e-file also holds the rejected demo e-invoice's XML original.
    versions = DocumentVersion.objects.exclude(document__kind="invoice")
    assert versions.exists()
    assert set(versions.values_list("mime_type", flat=True)) == {"application/pdf"}
    assert set(versions.values_list("page_count", flat=True)) == {1}


def test_demo_data_leaves_an_intact_audit_chain(debug):
    _load()
    _load()
    out = io.StringIO()

    call_command("audit_verify", stdout=out)

    assert f"{AuditEvent.objects.count()} events verified" in out.getvalue()
    assert AuditEvent.objects.count() > EFile.objects.count()


def test_demo_data_refuses_without_debug(settings):
    settings.DEBUG = False

    with pytest.raises(CommandError, match="refusing without DEBUG"):
        call_command("demo_data", stdout=io.StringIO())

    assert not EFile.objects.exists()
    assert not get_user_model().objects.filter(username="registratur").exists()
