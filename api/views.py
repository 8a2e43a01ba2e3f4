"""Read endpoints of the e-file core; they use the same selectors and checks as the UI."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, generics
from rest_framework.views import APIView

from efile import selectors
from efile.filters import EFileFilter
from efile.models import DocumentVersion
from efile.permissions import Action, efile_can
from efile.views.downloads import blob_response

from .serializers import EFileSerializer


class EFileListView(generics.ListAPIView):
    serializer_class = EFileSerializer
    filterset_class = EFileFilter

    def get_queryset(self):
        return selectors.efile_list(user=self.request.user).order_by("-opened_at", "-id")


class EFileDetailView(generics.RetrieveAPIView):
    serializer_class = EFileSerializer

    def get_queryset(self):
        return selectors.efile_list(user=self.request.user)


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
