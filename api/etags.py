"""ETag on reads and If-Match on updates, so that two clerks do not overwrite each other.

The ETag is a hash of the resource's JSON representation: any change that a client could see
(title, status, an IBAN) gives a new tag. Updates lock the row, compare the tag the client
read with the current one and only then call the service.
"""

import hashlib
import json
from collections.abc import Mapping

from django.utils.http import parse_etags, quote_etag
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework.exceptions import APIException


class PreconditionRequired(APIException):
    status_code = 428
    default_detail = _(
        "Bitte senden Sie im Kopf „If-Match“ den ETag der Fassung mit, die Sie geändert haben."
    )
    default_code = "precondition_required"


class PreconditionFailed(APIException):
    status_code = 412
    default_detail = _(
        "Der Eintrag wurde inzwischen geändert. Bitte laden Sie ihn neu und wiederholen Sie "
        "Ihre Änderung."
    )
    default_code = "precondition_failed"


def etag_of(representation: Mapping) -> str:
    """A strong ETag (quoted) for a JSON representation."""
    payload = json.dumps(representation, sort_keys=True, default=str, separators=(",", ":"))
    return quote_etag(hashlib.sha256(payload.encode("utf-8")).hexdigest()[:40])


def require_if_match(request, current: str) -> None:
    """Raise 428 without an `If-Match` naming a tag, 412 when no tag given is `current`.

    `*` is not accepted: it would let a client overwrite whatever is there.
    """
    header = request.headers.get("If-Match", "").strip()
    tags = [tag for tag in parse_etags(header) if tag != "*"] if header else []
    if not tags:
        raise PreconditionRequired()
    if current not in tags:
        raise PreconditionFailed()


IF_MATCH = OpenApiParameter(
    "If-Match",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    required=True,
    description="ETag aus der letzten Antwort auf GET; ohne ihn 428, bei Abweichung 412.",
)
ETAG_HEADER = OpenApiParameter(
    "ETag",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    response=[200, 201],
    description="Fassung der Ressource; bei Änderungen als If-Match zurücksenden.",
)
