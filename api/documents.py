"""Documents over the API: the documents of an e-file, filing a new one (multipart), one
document with its versions, a new version, and downloads of the original and of the
searchable PDF made from it. Same selectors, permission checks and services as the pages."""

import django_filters
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework import exceptions, generics, serializers, status
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from efile import selectors, services
from efile.models import Document, DocumentKind, DocumentVersion, EFile, Party
from efile.permissions import Action, efile_can
from efile.views.downloads import blob_response

from .openapi import errors
from .serializers import DocumentVersionSerializer


class VersionSerializer(DocumentVersionSerializer):
    derived_from = serializers.PrimaryKeyRelatedField(
        read_only=True,
        allow_null=True,
        help_text="Bei einem durchsuchbaren PDF: die Version, aus der es erzeugt wurde.",
    )

    class Meta(DocumentVersionSerializer.Meta):
        fields = [*DocumentVersionSerializer.Meta.fields, "derived_from"]


class DocumentSerializer(serializers.ModelSerializer):
    efile_reference = serializers.CharField(source="efile.reference", read_only=True)
    versions = VersionSerializer(many=True, read_only=True)

    class Meta:
        model = Document
        fields = [
            "id",
            "efile",
            "efile_reference",
            "title",
            "kind",
            "received_on",
            "sender",
            "created_at",
            "versions",
        ]
        read_only_fields = fields


class DocumentUploadSerializer(serializers.Serializer):
    file = serializers.FileField(allow_empty_file=True, help_text="Die Datei (Original).")
    title = serializers.CharField(
        max_length=300, required=False, allow_blank=True, default="", help_text="Leer: Dateiname"
    )
    kind = serializers.ChoiceField(choices=DocumentKind.choices, default=DocumentKind.LETTER)
    received_on = serializers.DateField(required=False, allow_null=True, default=None)
    sender = serializers.PrimaryKeyRelatedField(
        queryset=Party.objects.all(), required=False, allow_null=True, default=None
    )


class VersionUploadSerializer(serializers.Serializer):
    file = serializers.FileField(allow_empty_file=True, help_text="Die neue Fassung.")


class DocumentFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=gettext_lazy("Titel enthält"), field_name="title", lookup_expr="icontains"
    )
    kind = django_filters.ChoiceFilter(
        label=gettext_lazy("Dokumentart"), choices=DocumentKind.choices
    )
    received_from = django_filters.DateFilter(
        label=gettext_lazy("Eingang ab"), field_name="received_on", lookup_expr="gte"
    )
    received_to = django_filters.DateFilter(
        label=gettext_lazy("Eingang bis"), field_name="received_on", lookup_expr="lte"
    )

    class Meta:
        model = Document
        fields = ["q", "kind", "received_from", "received_to"]


def visible_efile(user, pk: int) -> EFile:
    try:
        return selectors.efile_get(user=user, pk=pk)
    except EFile.DoesNotExist as exc:
        raise exceptions.NotFound(_("Akte nicht gefunden.")) from exc


def visible_document(user, pk: int) -> Document:
    try:
        return selectors.document_get(user=user, pk=pk)
    except Document.DoesNotExist as exc:
        raise exceptions.NotFound(_("Dokument nicht gefunden.")) from exc


def _require_upload(user, efile: EFile) -> None:
    if not efile_can(user, Action.UPLOAD, efile):
        raise exceptions.PermissionDenied(_("Sie dürfen in dieser Akte keine Dokumente ablegen."))


def _require_download(user, efile: EFile) -> None:
    if not efile_can(user, Action.DOWNLOAD, efile):
        raise exceptions.PermissionDenied(_("Sie dürfen den Inhalt dieser Akte nicht lesen."))


def _document_data(document: Document) -> dict:
    return DocumentSerializer(
        selectors.efile_documents(efile=document.efile).get(pk=document.pk)
    ).data


DOCUMENT_EXAMPLE = OpenApiExample(
    "Dokument",
    value={
        "id": 7,
        "efile": 42,
        "efile_reference": "610.20-2026-0042",
        "title": "Bauantrag",
        "kind": "application",
        "received_on": "2026-03-02",
        "sender": 3,
        "created_at": "2026-03-02T09:20:00+01:00",
        "versions": [
            {
                "id": 11,
                "number": 1,
                "filename": "bauantrag.pdf",
                "mime_type": "application/pdf",
                "size": 48213,
                "page_count": 4,
                "sha256": "9f2c…",
                "created_at": "2026-03-02T09:20:00+01:00",
                "derived_from": None,
            },
            {
                "id": 12,
                "number": 2,
                "filename": "bauantrag-durchsuchbar.pdf",
                "mime_type": "application/pdf",
                "size": 61877,
                "page_count": 4,
                "sha256": "1b7e…",
                "created_at": "2026-03-02T09:21:00+01:00",
                "derived_from": 11,
            },
        ],
    },
    response_only=True,
)


class EFileDocumentsView(generics.ListCreateAPIView):
    """The documents of an e-file (newest first); POST files a new one (multipart)."""

    serializer_class = DocumentSerializer
    filterset_class = DocumentFilter
    parser_classes = [MultiPartParser]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation
            return Document.objects.none()
        return selectors.efile_documents(efile=visible_efile(self.request.user, self.kwargs["pk"]))

    @extend_schema(
        request={"multipart/form-data": DocumentUploadSerializer},
        responses={201: DocumentSerializer, **errors(400, 403, 404)},
        examples=[DOCUMENT_EXAMPLE],
    )
    def post(self, request, pk: int):
        """File a document with its first version into the open e-file. Empty, too large,
        unsafely named or duplicate files are refused with a German message (400)."""
        efile = visible_efile(request.user, pk)
        _require_upload(request.user, efile)
        given = DocumentUploadSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        data = given.validated_data
        document = services.document_receive(
            actor=request.user,
            efile=efile,
            stream=data["file"],
            filename=data["file"].name,
            title=data["title"],
            kind=data["kind"],
            received_on=data["received_on"],
            sender=data["sender"],
        )
        return Response(_document_data(document), status=status.HTTP_201_CREATED)


class DocumentDetailView(APIView):
    @extend_schema(responses={200: DocumentSerializer}, examples=[DOCUMENT_EXAMPLE])
    def get(self, request, pk: int):
        """The document's metadata with all its versions (newest first)."""
        return Response(_document_data(visible_document(request.user, pk)))


class DocumentVersionsView(APIView):
    parser_classes = [MultiPartParser]

    @extend_schema(
        request={"multipart/form-data": VersionUploadSerializer},
        responses={201: VersionSerializer, **errors(400, 403, 404)},
    )
    def post(self, request, pk: int):
        """Add a new version; earlier versions stay unchanged and downloadable."""
        document = visible_document(request.user, pk)
        _require_upload(request.user, document.efile)
        given = VersionUploadSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        upload = given.validated_data["file"]
        version = services.document_version_add(
            actor=request.user, document=document, stream=upload, filename=upload.name
        )
        return Response(VersionSerializer(version).data, status=status.HTTP_201_CREATED)


def _latest_original(document: Document) -> DocumentVersion:
    return document.versions.filter(derived_from__isnull=True).order_by("-number").first()


def _download(version: DocumentVersion):
    return blob_response(
        blob=version.blob, filename=version.filename, mime_type=version.mime_type, inline=False
    )


_BINARY = OpenApiResponse(response=OpenApiTypes.BINARY, description="Datei")


class DocumentOriginalView(APIView):
    @extend_schema(responses={(200, "application/octet-stream"): _BINARY})
    def get(self, request, pk: int):
        """The bytes of the newest original version exactly as received."""
        document = visible_document(request.user, pk)
        _require_download(request.user, document.efile)
        return _download(_latest_original(document))


class DocumentSearchableView(APIView):
    @extend_schema(responses={(200, "application/pdf"): _BINARY})
    def get(self, request, pk: int):
        """The searchable PDF (with text layer) made from the newest original, if there is
        one; 404 while the document is being read or when it could not be read."""
        document = visible_document(request.user, pk)
        _require_download(request.user, document.efile)
        searchable = (
            document.versions.filter(derived_from=_latest_original(document))
            .order_by("-number")
            .first()
        )
        if searchable is None:
            raise exceptions.NotFound(
                _("Zu diesem Dokument gibt es (noch) kein durchsuchbares PDF."),
                code="no_searchable_pdf",
            )
        return _download(searchable)
