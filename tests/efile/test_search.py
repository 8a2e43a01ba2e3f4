import pytest
from django.urls import reverse

from efile.models import DocumentVersion, EFile, EFileStatus
from efile.roles import Role
from efile.search import document_search
from tests.factories import UserFactory, document_create, efile_create


def _document_with_text(efile, text: str, title: str = "Schreiben"):
    document = document_create(
        efile=efile, content=text.encode(), filename=f"{title}.txt", title=title
    )
    # The reader fills the text; here it is set directly (append-only rows: raw update).
    DocumentVersion.objects.filter(document=document).update(text=text)
    return document


@pytest.fixture
def corpus(bauamt, umwelt, plan_item):
    own = efile_create(org_unit=bauamt, plan_item=plan_item, title="Neubau Seeweg")
    other = efile_create(org_unit=umwelt, plan_item=plan_item, title="Lärmschutz")
    _document_with_text(own, "Die Statik des Gebäudes wurde geprüft. <script>x</script>", "Statik")
    _document_with_text(own, "Rechnung für Dachdeckerarbeiten", "Rechnung")
    _document_with_text(other, "Die Statik der Lärmschutzwand ist ungenügend.", "Gutachten")
    return own, other


def test_finds_words_in_own_department_documents_with_highlight(clerk, corpus):
    own, _other = corpus
    hits = document_search(user=clerk, query="Statik")
    assert [hit.version.document.title for hit in hits] == ["Statik"]
    assert hits[0].version.document.efile == own
    assert "<mark>Statik</mark>" in hits[0].snippet
    assert "<script>" not in hits[0].snippet
    assert "&lt;script&gt;" in hits[0].snippet or "script" not in hits[0].snippet


def test_all_words_must_match_and_umlauts_work(clerk, corpus):
    assert [
        h.version.document.title for h in document_search(user=clerk, query="Gebäudes geprüft")
    ] == ["Statik"]
    assert document_search(user=clerk, query="Statik Dachdeckerarbeiten") == []


def test_other_departments_and_metadata_only_roles_find_nothing(corpus, umwelt, db):
    registry = UserFactory(username="reg", role=Role.REGISTRY)
    assert document_search(user=registry, query="Statik") == []
    umwelt_clerk = UserFactory(username="uc", role=Role.CLERK, org_units=[umwelt])
    assert [
        h.version.document.title for h in document_search(user=umwelt_clerk, query="Statik")
    ] == ["Gutachten"]


def test_destroyed_files_are_not_searched(clerk, corpus):
    own, _other = corpus
    EFile.objects.filter(pk=own.pk).update(status=EFileStatus.DESTROYED)
    assert document_search(user=clerk, query="Statik") == []


def test_hostile_query_syntax_is_just_words(clerk, corpus):
    hits = document_search(user=clerk, query='Statik" Gebäudes* (NEAR')
    assert hits == []  # NEAR is searched as a word, not obeyed as an operator
    assert [h.version.document.title for h in document_search(user=clerk, query='"Statik"*')] == [
        "Statik"
    ]
    assert document_search(user=clerk, query="***") == []


def test_efile_list_shows_fulltext_hits(client, clerk, corpus):
    own, _other = corpus
    client.force_login(clerk)
    page = client.get(
        reverse("efile:efiles:index"), {"volltext": "Dachdeckerarbeiten"}
    ).content.decode()
    assert "Treffer im Volltext" in page
    assert own.reference in page
    assert "<mark>Dachdeckerarbeiten</mark>" in page
