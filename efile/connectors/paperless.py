"""A small typed client for the Paperless-ngx REST API (API version 9 and 10, token auth).

Why httpx and not a client library: the maintained `pypaperless` needs Python 3.12 from
version 4 on (on 3.11 only the old 3.1 line installs) and is asyncio/aiohttp only;
`paperap` needs Python 3.12; `easypaperless` is an alpha that announces breaking changes.
The connector needs seven endpoints, httpx is already a dependency, and a client of our own
can be tested against a local HTTP server without network access.

Documented behaviour this client relies on (docs.paperless-ngx.com/api):
- `Authorization: Token <token>`; the version is asked for with
  `Accept: application/json; version=9`, which servers speaking API 9 or 10 both serve
  (406 when the server does not know it).
- Lists are paginated as `{"count", "next", "previous", "results"}`. Only the query string of
  `next` is used: behind a reverse proxy Paperless often builds `next` with its internal host.
- `GET /api/documents/{id}/download/?original=true` returns the original bytes.
- `POST /api/documents/bulk_edit/` with `add_tag` or `modify_custom_fields` changes only what
  it names (a PATCH of `tags` or `custom_fields` would replace the whole list).

The module imports nothing from Django; errors are typed exceptions that the sync service
turns into German messages.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from email.message import Message
from typing import IO, Any
from urllib.parse import parse_qsl, urlsplit

import httpx

API_VERSION = 9
# Paperless-ngx's MatchingModel.MATCH_NONE: tags this connector creates are never
# assigned automatically by Paperless's matching.
MATCH_NONE = 0
PAGE_SIZE = 100
_CHUNK = 256 * 1024


class PaperlessError(Exception):
    """Anything that went wrong talking to Paperless-ngx."""

    def __init__(self, message: str, *, url: str = "") -> None:
        super().__init__(message)
        self.url = url


class PaperlessUnavailable(PaperlessError):
    """The server could not be reached or broke off the connection."""


class PaperlessTimeout(PaperlessUnavailable):
    """The server did not answer within the timeout."""


class PaperlessProtocolError(PaperlessError):
    """The server answered, but not in the documented shape."""


class PaperlessHTTPError(PaperlessError):
    """The server answered with an error status."""

    def __init__(self, status: int, detail: str, *, url: str = "") -> None:
        super().__init__(f"HTTP {status}: {detail}", url=url)
        self.status = status
        self.detail = detail


class PaperlessAuthError(PaperlessHTTPError):
    """401 (token wrong or missing) or 403 (the token's user lacks a permission)."""


class PaperlessNotFound(PaperlessHTTPError):
    """404: the object does not exist (any more)."""


class PaperlessVersionError(PaperlessHTTPError):
    """406: the server does not speak the API version asked for."""


class PaperlessServerError(PaperlessHTTPError):
    """5xx: the server failed; worth trying again later."""


class PaperlessRequestError(PaperlessHTTPError):
    """Any other 4xx: the server refused the request as it was sent."""


class PaperlessRedirect(PaperlessHTTPError):
    """3xx: the configured URL is not where the API answers (e.g. http → https). Redirects
    are not followed, so the token is never sent anywhere but the configured server."""

    def __init__(self, status: int, location: str, *, url: str = "") -> None:
        super().__init__(status, location, url=url)
        self.location = location


@dataclass(frozen=True)
class PaperlessTag:
    id: int
    name: str


@dataclass(frozen=True)
class PaperlessCustomField:
    id: int
    name: str
    data_type: str


@dataclass(frozen=True)
class PaperlessDocument:
    id: int
    title: str
    original_file_name: str | None
    tags: tuple[int, ...]


@dataclass(frozen=True)
class Download:
    filename: str | None
    size: int
    mime_type: str


def _error_for(response: httpx.Response) -> PaperlessHTTPError:
    status = response.status_code
    try:
        detail = response.text.strip()[:300]
    except httpx.ResponseNotRead:
        detail = ""
    url = str(response.request.url)
    if response.is_redirect:
        return PaperlessRedirect(status, response.headers.get("location", ""), url=url)
    if status in (401, 403):
        return PaperlessAuthError(status, detail, url=url)
    if status == 404:
        return PaperlessNotFound(status, detail, url=url)
    if status == 406:
        return PaperlessVersionError(status, detail, url=url)
    if status >= 500:
        return PaperlessServerError(status, detail, url=url)
    return PaperlessRequestError(status, detail, url=url)


def _filename_from(content_disposition: str) -> str | None:
    """The file name of a Content-Disposition header, RFC 6266 `filename*=` included."""
    if not content_disposition:
        return None
    message = Message()
    message["content-disposition"] = content_disposition
    return message.get_filename() or None


def _int(value: Any, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise PaperlessProtocolError(f"{what}: expected an integer id, got {value!r}")
    return value


class PaperlessClient:
    """Synchronous client; use as a context manager so the connection pool is closed."""

    def __init__(
        self,
        base_url: str,
        token: str,
        *,
        timeout: float = 30.0,
    ) -> None:
        self._client = httpx.Client(
            base_url=base_url.rstrip("/") + "/",
            headers={
                "Authorization": f"Token {token}",
                "Accept": f"application/json; version={API_VERSION}",
            },
            timeout=httpx.Timeout(timeout),
        )

    def __enter__(self) -> PaperlessClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        self._client.close()

    # --- transport ----------------------------------------------------------------------

    def _request(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        try:
            response = self._client.request(method, path, **kwargs)
        except httpx.TimeoutException as exc:
            raise PaperlessTimeout(str(exc) or "timeout", url=path) from exc
        except httpx.TransportError as exc:
            raise PaperlessUnavailable(str(exc) or type(exc).__name__, url=path) from exc
        if response.is_error or response.is_redirect:
            raise _error_for(response)
        return response

    def _json(self, method: str, path: str, **kwargs: Any) -> Any:
        response = self._request(method, path, **kwargs)
        try:
            return response.json()
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise PaperlessProtocolError(
                f"answer is not JSON: {response.text[:100]!r}", url=str(response.url)
            ) from exc

    def _results(self, path: str, params: dict[str, str | int]) -> Iterator[dict[str, Any]]:
        """Every item of a paginated list, following `next` until it is null."""
        query: list[tuple[str, str | int]] = list(params.items())
        seen: set[tuple[tuple[str, str | int], ...]] = set()
        while True:
            key = tuple(sorted(query, key=lambda pair: (pair[0], str(pair[1]))))
            if key in seen:
                raise PaperlessProtocolError(f"pagination of {path} loops", url=path)
            seen.add(key)
            page = self._json("GET", path, params=query)
            if not isinstance(page, dict) or not isinstance(page.get("results"), list):
                raise PaperlessProtocolError(f"{path} is not a paginated list", url=path)
            yield from page["results"]
            next_url = page.get("next")
            if not next_url:
                return
            query = parse_qsl(urlsplit(next_url).query, keep_blank_values=True)

    # --- tags ---------------------------------------------------------------------------

    def tag_named(self, name: str) -> PaperlessTag | None:
        """The tag with this name (case-insensitive, as Paperless compares names)."""
        wanted = name.casefold()
        for raw in self._results("api/tags/", {"name__iexact": name, "page_size": PAGE_SIZE}):
            if str(raw.get("name", "")).casefold() == wanted:
                return PaperlessTag(id=_int(raw.get("id"), "tag"), name=raw["name"])
        return None

    def tag_create(self, name: str) -> PaperlessTag:
        raw = self._json("POST", "api/tags/", json={"name": name, "matching_algorithm": MATCH_NONE})
        return PaperlessTag(id=_int(raw.get("id"), "tag"), name=raw.get("name", name))

    def tag_ensure(self, name: str) -> PaperlessTag:
        return self.tag_named(name) or self.tag_create(name)

    # --- custom fields ------------------------------------------------------------------

    def custom_field_named(self, name: str) -> PaperlessCustomField | None:
        wanted = name.casefold()
        for raw in self._results("api/custom_fields/", {"page_size": PAGE_SIZE}):
            if str(raw.get("name", "")).casefold() == wanted:
                return PaperlessCustomField(
                    id=_int(raw.get("id"), "custom field"),
                    name=raw["name"],
                    data_type=str(raw.get("data_type", "")),
                )
        return None

    def custom_field_create(self, name: str, data_type: str = "string") -> PaperlessCustomField:
        raw = self._json("POST", "api/custom_fields/", json={"name": name, "data_type": data_type})
        return PaperlessCustomField(
            id=_int(raw.get("id"), "custom field"),
            name=raw.get("name", name),
            data_type=raw.get("data_type", data_type),
        )

    def custom_field_ensure(self, name: str) -> PaperlessCustomField:
        return self.custom_field_named(name) or self.custom_field_create(name)

    # --- documents ----------------------------------------------------------------------

    def documents_tagged(
        self, tag_id: int, *, without_tag_id: int | None = None
    ) -> list[PaperlessDocument]:
        """All documents carrying `tag_id` (and not `without_tag_id`), oldest first.

        The whole list is read before the caller changes tags: tagging documents while
        paging through a list filtered by tags would shift the pages and skip documents.
        """
        params: dict[str, str | int] = {
            "tags__id__all": tag_id,
            "ordering": "id",
            "page_size": PAGE_SIZE,
            "fields": "id,title,original_file_name,tags",
        }
        if without_tag_id is not None:
            params["tags__id__none"] = without_tag_id
        documents = []
        for raw in self._results("api/documents/", params):
            documents.append(
                PaperlessDocument(
                    id=_int(raw.get("id"), "document"),
                    title=str(raw.get("title") or ""),
                    original_file_name=raw.get("original_file_name") or None,
                    tags=tuple(_int(tag, "document tag") for tag in raw.get("tags") or ()),
                )
            )
        return documents

    def download_original(self, document_id: int, into: IO[bytes]) -> Download:
        """Stream the original file of a document into `into`.

        A connection that breaks off or stalls mid-body raises PaperlessUnavailable; `into`
        then holds a partial file the caller must discard.
        """
        path = f"api/documents/{document_id}/download/"
        try:
            with self._client.stream("GET", path, params={"original": "true"}) as response:
                if response.is_error or response.is_redirect:
                    response.read()
                    raise _error_for(response)
                size = 0
                for chunk in response.iter_bytes(_CHUNK):
                    into.write(chunk)
                    size += len(chunk)
                mime_type = response.headers.get("content-type", "").split(";")[0].strip()
                filename = _filename_from(response.headers.get("content-disposition", ""))
        except httpx.TimeoutException as exc:
            raise PaperlessTimeout(str(exc) or "timeout", url=path) from exc
        except httpx.TransportError as exc:
            raise PaperlessUnavailable(str(exc) or type(exc).__name__, url=path) from exc
        return Download(filename=filename, size=size, mime_type=mime_type)

    def _bulk_edit(self, document_ids: list[int], method: str, parameters: dict) -> None:
        answer = self._json(
            "POST",
            "api/documents/bulk_edit/",
            json={"documents": document_ids, "method": method, "parameters": parameters},
        )
        if not isinstance(answer, dict) or "result" not in answer:
            raise PaperlessProtocolError(f"bulk_edit {method} answered {answer!r}")

    def documents_add_tag(self, document_ids: list[int], tag_id: int) -> None:
        self._bulk_edit(document_ids, "add_tag", {"tag": tag_id})

    def documents_set_custom_field(self, document_ids: list[int], field_id: int, value) -> None:
        """Set one custom field's value, adding the field where a document lacks it."""
        self._bulk_edit(
            document_ids,
            "modify_custom_fields",
            {"add_custom_fields": {str(field_id): value}, "remove_custom_fields": []},
        )
