"""Refuse requests whose parameters contain NUL characters, before any view sees them.

PostgreSQL text cannot hold NUL (psycopg raises DataError, a server error that also aborts
the transaction); SQLite stores it silently. No legitimate form field, query parameter or JSON
string of this application contains one, so such a request is answered with 400. Uploaded
file contents are not looked at: binary files contain NUL bytes.
"""

from django.http import HttpResponseBadRequest, JsonResponse
from django.utils.translation import gettext as _

NUL = "\x00"


def _has_nul(request) -> bool:
    if NUL in request.path:
        return True
    sources = [request.GET, request.POST] if request.method == "POST" else [request.GET]
    for data in sources:
        for key, values in data.lists():
            if NUL in key or any(NUL in value for value in values):
                return True
    content_type = request.content_type or ""
    return content_type.endswith("json") and b"\\u0000" in request.body


class RejectNulBytesMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if _has_nul(request):
            message = _("Die Anfrage enthält ein unzulässiges Steuerzeichen (NUL).")
            if request.path.startswith("/api/"):
                return JsonResponse(
                    {"code": "nul_character", "message": message, "field": None},
                    status=400,
                    json_dumps_params={"ensure_ascii": False},
                )
            return HttpResponseBadRequest(message)
        return self.get_response(request)
