"""Version download of the e-file core; it uses the same selectors and checks as the UI."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions
from rest_framework.views import APIView

from efile import selectors
from efile.models import DocumentVersion
from efile.permissions import Action, efile_can
from efile.views.downloads import blob_response


class VersionDownloadView(APIView):
    @extend_schema(
        responses={
            (200, "application/octet-stream"): OpenApiResponse(description=_("Originaldatei"))
        }
    )
    def get(self, request, pk: int):
        try:
            version = selectors.document_version_get(user=request.user, pk=pk)
        except DocumentVersion.DoesNotExist as exc:
            raise exceptions.NotFound(_("Dokument nicht gefunden.")) from exc
        if not efile_can(request.user, Action.DOWNLOAD, version.document.efile):
            raise exceptions.PermissionDenied(_("Sie dürfen den Inhalt dieser Akte nicht lesen."))
        return blob_response(
            blob=version.blob, filename=version.filename, mime_type=version.mime_type, inline=False
        )
