"""What the OpenAPI schema promises clients about the new resources: ETag and If-Match on
updates, the error body for every refusal, binary multipart uploads and examples."""

import pytest


@pytest.fixture
def schema(client, db):
    response = client.get("/api/v1/schema/", {"format": "json"})
    assert response.status_code == 200
    return response.json()


def _responses(schema, path: str, method: str) -> dict:
    return schema["paths"][f"/api/v1/{path}"][method]["responses"]


@pytest.mark.parametrize("path", ["efiles/{id}/", "parties/{id}/"])
@pytest.mark.parametrize("method", ["put", "patch"])
def test_updates_require_if_match_and_document_412_and_428(schema, path, method):
    operation = schema["paths"][f"/api/v1/{path}"][method]
    if_match = [p for p in operation["parameters"] if p["name"] == "If-Match"]
    assert if_match and if_match[0]["in"] == "header" and if_match[0]["required"] is True
    for status in ("412", "428", "400", "401", "403", "404"):
        content = operation["responses"][status]["content"]["application/json"]
        assert content["schema"] == {"$ref": "#/components/schemas/Error"}
    assert "ETag" in operation["responses"]["200"]["headers"]
    assert "headers" not in operation["responses"]["412"]


def test_error_body_is_described_once(schema):
    error = schema["components"]["schemas"]["Error"]
    assert set(error["properties"]) == {"code", "message", "field"}
    assert error["properties"]["field"]["nullable"] is True


def test_uploads_are_binary_multipart(schema):
    for path in ("efiles/{id}/documents/", "documents/{id}/versions/"):
        body = schema["paths"][f"/api/v1/{path}"]["post"]["requestBody"]["content"]
        assert list(body) == ["multipart/form-data"]
        component = body["multipart/form-data"]["schema"]["$ref"].rsplit("/", 1)[-1]
        file_field = schema["components"]["schemas"][component]["properties"]["file"]
        assert file_field == {**file_field, "type": "string", "format": "binary"}
    assert "415" in _responses(schema, "efiles/{id}/documents/", "post")


@pytest.mark.parametrize(
    ("path", "method", "status"),
    [
        ("efiles/", "post", "201"),
        ("efiles/{id}/", "get", "200"),
        ("efiles/{id}/documents/", "post", "201"),
        ("documents/{id}/", "get", "200"),
        ("parties/", "post", "201"),
        ("parties/{id}/", "get", "200"),
        ("efiles/{id}/audit-events/", "get", "200"),
        ("invoices/{id}/report/", "get", "200"),
    ],
)
def test_main_endpoints_have_examples(schema, path, method, status):
    content = _responses(schema, path, method)[status]["content"]["application/json"]
    assert content.get("examples"), f"{method.upper()} {path} has no example"
