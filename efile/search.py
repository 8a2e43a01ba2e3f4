"""Full-text search over document text: PostgreSQL's German text search or SQLite's FTS5.

One selector for both backends, so the e-file list behaves the same on the embedded default
and in production. Only documents whose content the user may read are searched.
"""

import re
from dataclasses import dataclass

from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank, SearchVector
from django.db import connection
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from .models import DocumentVersion, EFileStatus
from .permissions import _member_org_unit_ids

FTS_TABLE = "efile_documentversion_fts"
_START, _STOP = "\x02", "\x03"  # highlight markers that cannot occur in extracted text
_TERM = re.compile(r"\w+", re.UNICODE)


@dataclass(frozen=True)
class SearchHit:
    version: DocumentVersion
    rank: float
    snippet: SafeString


def _readable_org_units(user) -> list[int] | None:
    """Departments whose document content `user` may read; None means all (superuser)."""
    if user.is_superuser:
        return None
    if not user.is_active or not user.has_perm("efile.view_document"):
        return []
    return sorted(_member_org_unit_ids(user))


def _highlight(snippet: str) -> SafeString:
    text = escape(snippet.replace("\n", " "))
    return mark_safe(text.replace(_START, "<mark>").replace(_STOP, "</mark>"))  # noqa: S308


def document_search(*, user, query: str, limit: int = 20) -> list[SearchHit]:
    terms = _TERM.findall(query)
    org_units = _readable_org_units(user)
    if not terms or org_units == []:
        return []
    if connection.vendor == "postgresql":
        return _search_postgres(terms, org_units, limit)
    return _search_sqlite(terms, org_units, limit)


def _search_postgres(terms: list[str], org_units: list[int] | None, limit: int) -> list[SearchHit]:
    query = SearchQuery(" ".join(terms), config="german", search_type="plain")
    vector = SearchVector("text", config="german")
    versions = DocumentVersion.objects.annotate(search=vector).filter(search=query)
    if org_units is not None:
        versions = versions.filter(document__efile__org_unit_id__in=org_units)
    versions = (
        versions.exclude(document__efile__status=EFileStatus.DESTROYED)
        .annotate(
            rank=SearchRank(vector, query),
            snippet=SearchHeadline(
                "text",
                query,
                config="german",
                start_sel=_START,
                stop_sel=_STOP,
                max_words=30,
                min_words=10,
            ),
        )
        .select_related("document__efile")
        .order_by("-rank", "-id")[:limit]
    )
    return [SearchHit(v, float(v.rank), _highlight(v.snippet)) for v in versions]


def _search_sqlite(terms: list[str], org_units: list[int] | None, limit: int) -> list[SearchHit]:
    match = " ".join('"' + term.replace('"', '""') + '"' for term in terms)
    where, params = "", [_START, _STOP, match]
    if org_units is not None:
        where = f" AND e.org_unit_id IN ({','.join('%s' for _ in org_units)})"
        params += org_units
    params += [EFileStatus.DESTROYED, limit]
    sql = (
        f"SELECT v.id, bm25({FTS_TABLE}), snippet({FTS_TABLE}, 0, %s, %s, '…', 20) "  # noqa: S608
        f"FROM {FTS_TABLE} JOIN efile_documentversion v ON v.id = {FTS_TABLE}.rowid "
        "JOIN efile_document d ON d.id = v.document_id JOIN efile_efile e ON e.id = d.efile_id "
        f"WHERE {FTS_TABLE} MATCH %s{where} AND e.status <> %s "
        f"ORDER BY bm25({FTS_TABLE}), v.id DESC LIMIT %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    versions = DocumentVersion.objects.select_related("document__efile").in_bulk(
        [row[0] for row in rows]
    )
    # bm25 is lower for better matches; flip it so a higher rank is better on both backends.
    return [SearchHit(versions[pk], -score, _highlight(snippet)) for pk, score, snippet in rows]
