"""Errors as JSON `{"code", "message", "field"}` with German messages."""

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler


def _first(detail):
    if isinstance(detail, list):
        return _first(detail[0]) if detail else ("", "")
    if isinstance(detail, dict):
        field, value = next(iter(detail.items()))
        message, code = _first(value)
        return message, code, field
    return str(detail), getattr(detail, "code", "error")


def exception_handler(exc, context):
    if isinstance(exc, DjangoValidationError):
        code = getattr(exc, "code", None) or "invalid"
        return Response(
            {"code": code, "message": " ".join(exc.messages), "field": None},
            status=status.HTTP_400_BAD_REQUEST,
        )
    if isinstance(exc, Http404):
        exc = exceptions.NotFound(_("Nicht gefunden."))
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    field = None
    if isinstance(exc.detail, dict):
        message, code, field = _first(exc.detail)
    else:
        message, code = _first(exc.detail)[:2]
    response.data = {"code": code, "message": message, "field": field}
    return response
