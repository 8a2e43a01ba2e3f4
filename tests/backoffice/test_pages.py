"""Every page of the back office renders in German for the role that uses it, refuses the
roles that may not, and stays within a fixed number of queries however many files there are."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from efile import services
from efile.models import AuditEvent, Document, DocumentVersion, EFile, Resubmission
from efile.roles import Role
from tests.factories import (
    PASSWORD,
    FilingPlanItemFactory,
    UserFactory,
    document_create,
    efile_create,
)

LIST_URL = reverse("efile:efiles:index")
START_URL = reverse("efile:start:index")
CREATE_URL = reverse("efile:efiles:create")
RESUBMISSIONS_URL = reverse("efile:resubmissions:index")
FILING_PLAN_URL = reverse("efile:filing_plan:index")
LOGIN_URL = reverse("login")


def _at(day: str) -> dt.datetime:
    return dt.datetime.fromisoformat(f"{day}T10:00").replace(tzinfo=timezone.get_current_timezone())


def _blob_count(tmp_blobs) -> int:
    return sum(1 for path in tmp_blobs.rglob("*") if path.is_file())


def _messages(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


@pytest.fixture
def clerk_client(client, clerk):
    client.force_login(clerk)
    return client


@pytest.fixture
def efile(bauamt, plan_item):
    return efile_create(org_unit=bauamt, plan_item=plan_item, title="Neubau Kindergarten")


@pytest.fixture
def filter_files(bauamt, umwelt, plan_item):
    """Three files that each filter tells apart."""
    other_plan = FilingPlanItemFactory(code="610.30", title="Abbruchanzeigen")
    waste_plan = FilingPlanItemFactory(code="720.10", title="Abfallwirtschaft")
    school = efile_create(
        org_unit=bauamt, plan_item=plan_item, title="Neubau Schule", opened_at=_at("2025-03-01")
    )
    noise = efile_create(
        org_unit=umwelt, plan_item=other_plan, title="Lärmschutz", opened_at=_at("2025-06-15")
    )
    services.efile_close(actor=None, efile=noise)
    waste = efile_create(
        org_unit=bauamt, plan_item=waste_plan, title="Abfallkalender", opened_at=_at("2026-01-10")
    )
    return {"school": school, "noise": noise, "waste": waste}


# --- e-file list -------------------------------------------------------------------------


def test_efile_list_renders_in_german_with_own_files(clerk_client, efile):
    response = clerk_client.get(LIST_URL)
    assert response.status_code == 200
    page = response.content.decode()
    for text in ("E-Akten", "Aktenzeichen", "Betreff", "Filtern", "Neue Akte", "1 Akte"):
        assert text in page
    assert efile.reference in page


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, {"school", "noise", "waste"}),
        ({"q": "schule"}, {"school"}),
        ({"q": "610.30-2025"}, {"noise"}),
        ({"org_unit": "umwelt"}, {"noise"}),
        ({"status": "closed"}, {"noise"}),
        ({"status": "open"}, {"school", "waste"}),
        ({"plan_code": "610"}, {"school", "noise"}),
        ({"plan_code": "720.10"}, {"waste"}),
        ({"opened_from": "2025-06-01"}, {"noise", "waste"}),
        ({"opened_to": "2025-06-15"}, {"school", "noise"}),
        ({"opened_from": "2025-06-01", "opened_to": "2025-12-31"}, {"noise"}),
        ({"q": "Schule", "status": "closed"}, set()),
    ],
    ids=lambda value: (
        "-".join(f"{k}={v}" for k, v in value.items()) if isinstance(value, dict) else None
    ),
)
def test_efile_list_filters(client, registry_user, filter_files, umwelt, params, expected):
    if params.get("org_unit") == "umwelt":
        params = {**params, "org_unit": umwelt.pk}
    client.force_login(registry_user)
    response = client.get(LIST_URL, params)
    assert response.status_code == 200
    page = response.content.decode()
    shown = {name for name, efile in filter_files.items() if efile.reference in page}
    assert shown == expected
    if not expected:
        assert "Keine Akten gefunden." in page


def test_efile_list_with_invalid_filter_value_shows_german_error(client, registry_user):
    client.force_login(registry_user)
    response = client.get(LIST_URL, {"opened_from": "gestern"})
    assert response.status_code == 200
    assert "Bitte ein gültiges Datum eingeben." in response.content.decode()


@pytest.fixture
def thirty_files(bauamt, plan_item):
    base = timezone.now() - dt.timedelta(days=60)
    return [
        efile_create(
            org_unit=bauamt,
            plan_item=plan_item,
            title=f"Akte Nummer {n:02d}",
            opened_at=base + dt.timedelta(days=n),
        )
        for n in range(30)
    ]


def test_efile_list_paginates_by_25_and_keeps_filters(clerk_client, thirty_files):
    first = clerk_client.get(LIST_URL, {"status": "open"})
    page = first.content.decode()
    assert "30 Akten" in page
    assert "Seite 1 von 2" in page
    assert "?status=open&amp;page=2" in page
    newest, oldest = thirty_files[-1], thirty_files[0]
    assert newest.reference in page and oldest.reference not in page
    assert len(first.context["page_obj"]) == 25

    second = clerk_client.get(LIST_URL, {"status": "open", "page": 2})
    page = second.content.decode()
    assert second.status_code == 200
    assert "Seite 2 von 2" in page
    assert "Zurück" in page
    assert len(second.context["page_obj"]) == 5
    assert oldest.reference in page and newest.reference not in page


def test_efile_list_query_count_does_not_grow_with_files(
    clerk_client, thirty_files, django_assert_max_num_queries
):
    for efile in thirty_files[:5]:
        document_create(efile=efile, content=f"%PDF-1.4 {efile.pk}".encode())
    with django_assert_max_num_queries(12):
        response = clerk_client.get(LIST_URL)
    assert response.status_code == 200
    assert len(response.context["page_obj"]) == 25


# --- e-file detail -----------------------------------------------------------------------


@pytest.fixture
def full_efile(efile):
    """An e-file with a full page of documents, each in two versions, and a resubmission."""
    for n in range(20):
        document = document_create(
            efile=efile, content=f"%PDF-1.4 Dokument {n}".encode(), filename=f"dok-{n}.pdf"
        )
        services.document_version_add(
            actor=None,
            document=document,
            stream=SimpleUploadedFile("x.pdf", f"%PDF-1.4 Fassung 2 von {n}".encode()),
            filename=f"dok-{n}-v2.pdf",
        )
    return efile


def test_efile_detail_renders_metadata_documents_and_forms(clerk_client, clerk, efile):
    document_create(efile=efile, title="Bauantrag", filename="antrag.pdf")
    services.resubmission_create(
        actor=clerk,
        efile=efile,
        due_on=timezone.localdate() + dt.timedelta(days=3),
        note="Statik nachfordern",
    )
    response = clerk_client.get(reverse("efile:efiles:detail", args=[efile.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    for text in (
        efile.reference,
        "Neubau Kindergarten",
        "Federführung",
        "Bauamt",
        "Offen",
        "10 Jahre, danach: Bewerten",
        "Bauantrag",
        "v1: antrag.pdf",
        "Dokument ablegen",
        "Akte schließen",
        "Wiedervorlage setzen",
        "Statik nachfordern",
        "Protokoll",
    ):
        assert text in page, text


def test_efile_detail_query_count_does_not_grow_with_documents(
    clerk_client, full_efile, django_assert_max_num_queries
):
    with django_assert_max_num_queries(16):
        response = clerk_client.get(reverse("efile:efiles:detail", args=[full_efile.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert page.count("v2: dok-") == 20


# --- create ------------------------------------------------------------------------------


def test_create_page_and_post_show_the_new_aktenzeichen(clerk_client, bauamt, plan_item):
    page = clerk_client.get(CREATE_URL)
    assert page.status_code == 200
    assert "Neue Akte anlegen" in page.content.decode()
    assert "Aktenplanposition" in page.content.decode()

    response = clerk_client.post(
        CREATE_URL,
        {"plan_item": plan_item.pk, "org_unit": bauamt.pk, "title": "Sanierung Turnhalle"},
        follow=True,
    )
    efile = EFile.objects.get(title="Sanierung Turnhalle")
    assert response.redirect_chain == [(reverse("efile:efiles:detail", args=[efile.pk]), 302)]
    reference = f"610.20-{timezone.localdate().year}-0001"
    assert efile.reference == reference
    assert f"Akte {reference} angelegt." in response.content.decode()


def test_create_refuses_a_department_the_clerk_does_not_belong_to(clerk_client, umwelt, plan_item):
    response = clerk_client.post(
        CREATE_URL, {"plan_item": plan_item.pk, "org_unit": umwelt.pk, "title": "Fremde Akte"}
    )
    assert response.status_code == 200
    assert "Bitte eine gültige Auswahl treffen." in response.content.decode()
    assert not EFile.objects.exists()


def test_create_with_empty_title_shows_german_error(clerk_client, bauamt, plan_item):
    response = clerk_client.post(
        CREATE_URL, {"plan_item": plan_item.pk, "org_unit": bauamt.pk, "title": "   "}
    )
    assert response.status_code == 200
    assert "Dieses Feld ist zwingend erforderlich." in response.content.decode()
    assert not EFile.objects.exists()


# --- resubmissions -----------------------------------------------------------------------


def test_resubmissions_due_page_and_done(clerk_client, clerk, efile):
    resubmission = services.resubmission_create(
        actor=clerk, efile=efile, due_on=timezone.localdate(), note="Nachweis prüfen"
    )
    later = services.resubmission_create(
        actor=clerk,
        efile=efile,
        due_on=timezone.localdate() + dt.timedelta(days=1),
        note="Noch nicht fällig",
    )
    response = clerk_client.get(RESUBMISSIONS_URL)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Fällige Wiedervorlagen" in page
    assert efile.reference in page and "Nachweis prüfen" in page
    assert "Noch nicht fällig" not in page
    assert "Erledigt" in page

    done = clerk_client.post(
        reverse("efile:resubmissions:complete", args=[resubmission.pk]), follow=True
    )
    assert done.redirect_chain == [(RESUBMISSIONS_URL, 302)]
    assert "Wiedervorlage erledigt." in _messages(done)
    assert "Heute ist nichts fällig." in done.content.decode()
    resubmission.refresh_from_db()
    later.refresh_from_db()
    assert resubmission.done_at is not None
    assert later.done_at is None


def test_resubmission_of_another_department_cannot_be_completed(client, efile, umwelt):
    owner = UserFactory(username="kollegin", role=Role.CLERK, org_units=[efile.org_unit])
    resubmission = services.resubmission_create(
        actor=owner, efile=efile, due_on=timezone.localdate(), note="Intern"
    )
    outsider = UserFactory(username="aussen", role=Role.CLERK, org_units=[umwelt])
    client.force_login(outsider)
    assert "Intern" not in client.get(RESUBMISSIONS_URL).content.decode()
    response = client.post(reverse("efile:resubmissions:complete", args=[resubmission.pk]))
    assert response.status_code == 404
    resubmission.refresh_from_db()
    assert resubmission.done_at is None


# --- filing plan -------------------------------------------------------------------------


def test_filing_plan_page_lists_positions_with_file_counts(clerk_client, efile):
    FilingPlanItemFactory(code="610", title="Bauordnung", files_allowed=False)
    response = clerk_client.get(FILING_PLAN_URL)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Aktenplan" in page and "Kennzeichen" in page
    assert page.index("Bauordnung") < page.index("Baugenehmigungen")
    assert f"{LIST_URL}?plan_code=610.20" in page


# --- login, logout, admin ----------------------------------------------------------------


def test_login_page_is_german(client):
    response = client.get(LOGIN_URL)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Anmelden" in page and "Benutzername" in page and "Passwort" in page


def test_login_with_password_and_logout(client, clerk):
    response = client.post(LOGIN_URL, {"username": "clerk", "password": PASSWORD})
    assert response.status_code == 302
    assert client.get(LIST_URL).status_code == 200

    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert response["Location"] == LOGIN_URL
    assert client.get(LIST_URL)["Location"].startswith(LOGIN_URL)


def test_login_with_wrong_password_shows_german_error(client, clerk):
    response = client.post(LOGIN_URL, {"username": "clerk", "password": "falsch"})
    assert response.status_code == 200
    assert "Bitte Benutzername und Passwort eingeben." in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_administration_user_can_log_in_to_the_admin(client, db):
    admin_user = UserFactory(username="admin-user", role=Role.ADMINISTRATOR)
    admin_user.is_staff = True
    admin_user.save(update_fields=["is_staff"])
    response = client.post(
        reverse("admin:login"),
        {"username": "admin-user", "password": PASSWORD, "next": reverse("admin:index")},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:index")
    index = client.get(reverse("admin:index"))
    assert index.status_code == 200
    page = index.content.decode()
    assert "Organisationseinheiten" in page
    assert "Benutzer" in page


def test_clerk_cannot_log_in_to_the_admin(client, clerk):
    response = client.post(reverse("admin:login"), {"username": "clerk", "password": PASSWORD})
    assert response.status_code == 200
    assert client.get(reverse("admin:index")).status_code == 302


# --- refusals ----------------------------------------------------------------------------


PAGES = {
    "list": LIST_URL,
    "create": CREATE_URL,
    "resubmissions": RESUBMISSIONS_URL,
    "filing_plan": FILING_PLAN_URL,
}
# Which pages each role may open; the rest answer 403.
ROLE_PAGES = {
    Role.CLERK: {"list", "create", "resubmissions", "filing_plan"},
    Role.BUILDING: {"list", "create", "resubmissions", "filing_plan"},
    Role.ACCOUNTING: {"list", "resubmissions"},
    Role.APPROVER: {"list"},
    Role.REGISTRY: {"list", "filing_plan"},
    Role.STATEMENT: set(),
    Role.APPLICANT: set(),
    Role.ADMINISTRATOR: {"filing_plan"},
}


@pytest.mark.parametrize("page", list(PAGES))
@pytest.mark.parametrize("role", list(Role), ids=str)
def test_pages_open_for_their_roles_and_answer_403_otherwise(client, bauamt, role, page):
    client.force_login(UserFactory(username="person", role=role, org_units=[bauamt]))
    response = client.get(PAGES[page])
    if page in ROLE_PAGES[role]:
        assert response.status_code == 200
    else:
        assert response.status_code == 403
        assert "Zugriff verboten" in response.content.decode()


@pytest.mark.parametrize("page", list(PAGES))
def test_anonymous_is_redirected_to_login(client, page):
    response = client.get(PAGES[page])
    assert response.status_code == 302
    assert response["Location"] == f"{LOGIN_URL}?next={PAGES[page]}"


def test_anonymous_start_page_leads_to_login(client, db):
    response = client.get("/", follow=True)
    assert response.redirect_chain[-1] == (f"{LOGIN_URL}?next={START_URL}", 302)
    assert "Anmelden" in response.content.decode()


@pytest.mark.parametrize("role", list(Role))
def test_start_page_greets_every_role_without_error(client, db, role):
    user = UserFactory(username=f"start-{role.name.lower()}", role=role)
    client.force_login(user)
    response = client.get("/", follow=True)
    assert response.request["PATH_INFO"] == START_URL
    assert response.status_code == 200
    page = response.content.decode()
    assert "Willkommen" in page
    if user.has_perm("efile.view_efile"):
        assert "Heute fällige Wiedervorlagen" in page
    else:
        assert "keine E-Akten zugänglich" in page


def test_start_page_lists_due_resubmission_of_own_department(client, clerk, bauamt, plan_item):
    efile = efile_create(org_unit=bauamt, plan_item=plan_item, title="Lärmschutzwand")
    services.resubmission_create(
        actor=clerk, efile=efile, due_on=timezone.localdate(), note="Gutachten anfordern"
    )
    client.force_login(clerk)
    page = client.get(START_URL).content.decode()
    assert "Gutachten anfordern" in page
    assert efile.reference in page


# --- upload and download -----------------------------------------------------------------


def _post_upload(client, efile, upload):
    return client.post(
        reverse("efile:efiles:upload", args=[efile.pk]),
        {"file": upload, "kind": "letter", "received_on": timezone.localdate().isoformat()},
        follow=True,
    )


def test_upload_through_the_ui_files_the_document(clerk_client, efile, tmp_blobs):
    response = _post_upload(clerk_client, efile, SimpleUploadedFile("plan.pdf", b"%PDF-1.4 p"))
    assert "Dokument „plan.pdf“ abgelegt." in _messages(response)
    version = DocumentVersion.objects.get(document__efile=efile)
    assert (version.filename, version.mime_type, version.created_by.username) == (
        "plan.pdf",
        "application/pdf",
        "clerk",
    )
    assert _blob_count(tmp_blobs) == 1


def test_empty_upload_is_refused_with_german_message(clerk_client, efile, tmp_blobs):
    response = _post_upload(clerk_client, efile, SimpleUploadedFile("leer.pdf", b""))
    assert response.redirect_chain == [(reverse("efile:efiles:detail", args=[efile.pk]), 302)]
    assert "Die Datei „leer.pdf“ ist leer (0 Bytes) und wurde nicht gespeichert." in (
        response.content.decode()
    )
    assert not Document.objects.exists()
    assert _blob_count(tmp_blobs) == 0


def test_duplicate_upload_is_refused_with_german_message(clerk_client, efile, tmp_blobs):
    document_create(efile=efile, content=b"%PDF-1.4 gleich", title="Erstschrift")
    blobs = _blob_count(tmp_blobs)
    response = _post_upload(
        clerk_client, efile, SimpleUploadedFile("kopie.pdf", b"%PDF-1.4 gleich")
    )
    assert (
        f"Diese Datei liegt in der Akte {efile.reference} bereits vor: „Erstschrift“, "
        "Version 1. Sie wurde nicht erneut gespeichert."
    ) in response.content.decode()
    assert Document.objects.count() == 1
    assert DocumentVersion.objects.count() == 1
    assert _blob_count(tmp_blobs) == blobs


def test_duplicate_version_is_refused_with_german_message(clerk_client, efile):
    document = document_create(efile=efile, content=b"%PDF-1.4 eins", title="Plan")
    response = clerk_client.post(
        reverse("efile:efiles:version_upload", args=[document.pk]),
        {"file": SimpleUploadedFile("plan.pdf", b"%PDF-1.4 eins")},
        follow=True,
    )
    assert "bereits vor" in " ".join(_messages(response))
    assert document.versions.count() == 1


def test_upload_without_file_shows_german_form_error(clerk_client, efile):
    response = clerk_client.post(
        reverse("efile:efiles:upload", args=[efile.pk]), {"kind": "letter"}, follow=True
    )
    assert _messages(response) == ["Dieses Feld ist zwingend erforderlich."] * 2  # file, date
    assert not Document.objects.exists()


def test_upload_into_a_closed_file_is_refused(clerk_client, efile):
    services.efile_close(actor=None, efile=efile)
    response = clerk_client.post(
        reverse("efile:efiles:upload", args=[efile.pk]),
        {"file": SimpleUploadedFile("spät.pdf", b"%PDF-1.4 s"), "kind": "letter"},
    )
    assert response.status_code == 403
    assert not Document.objects.exists()


def test_download_is_an_attachment_with_stored_mime_type_and_nosniff(clerk_client, efile):
    document = document_create(efile=efile, content=b"%PDF-1.4 Inhalt", filename="Bescheid.pdf")
    version = document.versions.get()
    response = clerk_client.get(reverse("efile:efiles:download", args=[version.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="Bescheid.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == b"%PDF-1.4 Inhalt"


def test_markup_is_never_shown_inline(clerk_client, efile):
    document = document_create(
        efile=efile, content=b"<html><script>alert(1)</script></html>", filename="x.html"
    )
    version = document.versions.get()
    response = clerk_client.get(
        reverse("efile:efiles:download", args=[version.pk]), {"inline": "1"}
    )
    assert version.mime_type == "text/html"  # recognised from the bytes
    assert response["Content-Type"] == version.mime_type
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]


def test_pdf_may_be_shown_inline_on_request(clerk_client, efile):
    version = document_create(efile=efile, filename="a.pdf").versions.get()
    response = clerk_client.get(
        reverse("efile:efiles:download", args=[version.pk]), {"inline": "1"}
    )
    assert response["Content-Disposition"].startswith("inline;")
    assert response["X-Content-Type-Options"] == "nosniff"


def test_resubmission_in_the_past_is_refused_with_german_message(clerk_client, efile):
    response = clerk_client.post(
        reverse("efile:efiles:resubmit", args=[efile.pk]),
        {"due_on": (timezone.localdate() - dt.timedelta(days=1)).isoformat(), "note": "zu spät"},
        follow=True,
    )
    assert "Das Wiedervorlagedatum liegt in der Vergangenheit." in _messages(response)
    assert not Resubmission.objects.exists()


def test_administration_cannot_make_itself_superuser(client, db):
    admin_user = UserFactory(username="konfig", role=Role.ADMINISTRATOR, is_staff=True)
    client.force_login(admin_user)
    url = reverse("admin:auth_user_change", args=[admin_user.pk])
    page = client.get(url)
    assert page.status_code == 200
    form = page.context["adminform"].form
    data = {
        name: form.initial.get(name) or ""
        for name in form.fields
        if name not in ("password", "groups", "user_permissions", "last_login", "date_joined")
    }
    data.update(
        {
            "is_superuser": "on",
            "is_active": "on",
            "is_staff": "on",
            "groups": [g.pk for g in admin_user.groups.all()],
            "last_login_0": "",
            "last_login_1": "",
            "date_joined_0": "2026-01-01",
            "date_joined_1": "08:00:00",
        }
    )
    client.post(url, data)
    admin_user.refresh_from_db()
    assert not admin_user.is_superuser


def test_clerk_changes_the_title_and_the_change_is_audited(client, clerk, bauamt, plan_item):
    efile = efile_create(org_unit=bauamt, plan_item=plan_item, title="Anbau Garage")
    client.force_login(clerk)
    response = client.post(
        reverse("efile:efiles:update", args=[efile.pk]),
        {"title": "Anbau Doppelgarage"},
        follow=True,
    )
    assert "Betreff geändert." in response.content.decode()
    efile.refresh_from_db()
    assert efile.title == "Anbau Doppelgarage"
    event = AuditEvent.objects.filter(action="efile.update", object_id=str(efile.pk)).get()
    assert event.changes == {"title": ["Anbau Garage", "Anbau Doppelgarage"]}
    assert event.actor == clerk


def test_title_of_another_departments_file_cannot_be_changed(client, bauamt, umwelt, plan_item):
    other_clerk = UserFactory(username="umwelt-clerk", role=Role.CLERK, org_units=[umwelt])
    efile = efile_create(org_unit=bauamt, plan_item=plan_item, title="Anbau Garage")
    client.force_login(other_clerk)
    response = client.post(reverse("efile:efiles:update", args=[efile.pk]), {"title": "X"})
    assert response.status_code == 404
    efile.refresh_from_db()
    assert efile.title == "Anbau Garage"
