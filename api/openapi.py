"""The OpenAPI description of what every endpoint may answer besides success.

`api.errors.exception_handler` turns every refusal into `{"code", "message", "field"}`; the
postprocessing hook documents that shape for the status codes each operation can produce, so
the schema tells clients (and schemathesis) the truth about errors.
"""

from drf_spectacular.utils import OpenApiExample, OpenApiResponse
from rest_framework import serializers


class ErrorSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="Stabiler Fehlercode, z. B. `not_found`.")
    message = serializers.CharField(help_text="Meldung auf Deutsch.")
    field = serializers.CharField(allow_null=True, help_text="Das betroffene Feld, sonst `null`.")


ERROR_DESCRIPTIONS = {
    400: "Ungültige Angaben",
    401: "Nicht angemeldet",
    403: "Keine Berechtigung",
    404: "Nicht gefunden",
    405: "Methode nicht erlaubt",
    412: "Der Eintrag wurde inzwischen geändert (If-Match passt nicht)",
    415: "Nicht unterstütztes Format der Anfrage",
    428: "If-Match fehlt",
}


def error_response(status: int, *examples: OpenApiExample) -> OpenApiResponse:
    return OpenApiResponse(
        response=ErrorSerializer, description=ERROR_DESCRIPTIONS[status], examples=list(examples)
    )


def errors(*statuses: int) -> dict[int, OpenApiResponse]:
    return {status: error_response(status) for status in statuses}


_ERROR_SCHEMA = {
    "type": "object",
    "properties": {
        "code": {"type": "string"},
        "message": {"type": "string"},
        "field": {"type": "string", "nullable": True},
    },
    "required": ["code", "message", "field"],
}
_ERROR_REF = {"$ref": "#/components/schemas/Error"}


def _error_statuses(method: str, operation: dict) -> list[int]:
    statuses = [401, 403]
    parameters = operation.get("parameters", ())
    if any(p.get("in") == "path" or p.get("name") == "page" for p in parameters):
        statuses.append(404)
    if method in ("post", "put", "patch") or any(p.get("in") == "query" for p in parameters):
        statuses.append(400)
    if "requestBody" in operation:
        statuses.append(415)
    return statuses


def add_error_responses(result, generator, request, public):
    """Document the JSON error body for 400/401/403/404/415 where an operation can answer
    them and nothing more specific is declared."""
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas.setdefault("Error", _ERROR_SCHEMA)
    for item in result.get("paths", {}).values():
        for method, operation in item.items():
            if method not in ("get", "post", "put", "patch", "delete"):
                continue
            responses = operation.setdefault("responses", {})
            for status in _error_statuses(method, operation):
                responses.setdefault(
                    str(status),
                    {
                        "content": {"application/json": {"schema": _ERROR_REF}},
                        "description": ERROR_DESCRIPTIONS[status],
                    },
                )
    return result
