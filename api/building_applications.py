"""Building applications over the API: submit (multipart), status for the applicant, upload
requested documents, download the letters, export (XBau-like JSON), processing-time CSV.

Applicants see only what they submitted from their own account; any other application is
answered with 404. The building department sees its departments' applications.
"""

from django.http import Http404, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import exceptions, serializers, status
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from efile.models import Document, OrgUnit
from efile.views.downloads import blob_response
from workflows.building.access import (
    applications_for_applicant,
    applications_for_department,
)
from workflows.building.export import application_export, processing_times_csv
from workflows.building.letters import decision_text
from workflows.building.submission import ApplicantData, ApplicationData, SubmissionInvalid
from workflows.building_application import building_application_start, nachforderung_answered
from workflows.models import (
    BuildingApplication,
    BuildingStatus,
    NachforderungStatus,
)

STATUS_TEXT = {
    BuildingStatus.RECEIVED: gettext_lazy(
        "Ihr Antrag ist eingegangen. Wir prüfen, ob die Unterlagen vollständig sind."
    ),
    BuildingStatus.INCOMPLETE: gettext_lazy(
        "Es fehlen Unterlagen. Bitte reichen Sie sie bis zur angegebenen Frist nach."
    ),
    BuildingStatus.COMPLETE: gettext_lazy("Ihr Antrag ist vollständig und wird bearbeitet."),
    BuildingStatus.PARTICIPATION: gettext_lazy(
        "Ihr Antrag ist vollständig. Die Fachstellen geben ihre Stellungnahmen ab."
    ),
    BuildingStatus.DECISION: gettext_lazy("Die Entscheidung über Ihren Antrag wird vorbereitet."),
    BuildingStatus.SIGN_OFF: gettext_lazy("Die Entscheidung über Ihren Antrag wird vorbereitet."),
    BuildingStatus.APPROVED: gettext_lazy(
        "Ihr Antrag wurde genehmigt. Den Bescheid können Sie abrufen."
    ),
    BuildingStatus.REFUSED: gettext_lazy(
        "Ihr Antrag wurde abgelehnt. Den Bescheid können Sie abrufen."
    ),
    BuildingStatus.REJECTED: gettext_lazy(
        "Ihr Antrag wurde zurückgewiesen, weil die nachgeforderten Unterlagen nicht rechtzeitig "
        "eingegangen sind. Den Bescheid können Sie abrufen."
    ),
}


def applicant_documents(application: BuildingApplication) -> list[Document]:
    """The letters an applicant may download: acknowledgement, Nachforderungen, Bescheid."""
    ids = [application.acknowledgement_id, application.notice_id]
    ids += [n.letter_id for n in application.nachforderungen.all()]
    return list(Document.objects.filter(pk__in=[pk for pk in ids if pk]).order_by("id"))


def _status_text(application: BuildingApplication) -> str:
    text = STATUS_TEXT[BuildingStatus(application.status)]
    return str(text)


class BuildingApplicationStatusSerializer(serializers.Serializer):
    """What the applicant sees: status in plain German, open Nachforderungen, letters."""

    def to_representation(self, application: BuildingApplication) -> dict:
        request = self.context.get("request")

        def url(name, *args):
            path = reverse(name, args=args)
            return request.build_absolute_uri(path) if request else path

        open_requests = application.nachforderungen.filter(status=NachforderungStatus.OPEN)
        return {
            "id": application.pk,
            "aktenzeichen": application.efile.reference,
            "status": application.status,
            "status_text": _status_text(application),
            "project_kind": application.project_kind,
            "project_kind_text": application.get_project_kind_display(),
            "site_address": application.site_address,
            "parcel": application.parcel,
            "received_at": application.received_at,
            "decided_at": application.decided_at,
            "decision_text": decision_text(application) if application.is_final else None,
            "open_nachforderungen": [
                {
                    "missing": n.missing,
                    "note": n.note,
                    "deadline": n.deadline,
                    "upload_url": url("api-building-application-documents", application.pk),
                }
                for n in open_requests
            ],
            "documents": [
                {
                    "id": document.pk,
                    "title": document.title,
                    "kind": document.kind,
                    "received_on": document.received_on,
                    "download_url": url(
                        "api-building-application-document", application.pk, document.pk
                    ),
                }
                for document in applicant_documents(application)
            ],
        }


class SubmissionSerializer(serializers.Serializer):
    """The request's shape; the German checks of the content are the service's."""

    authority = serializers.CharField(help_text=_("Kürzel des Bauamts"), required=False)
    applicant_kind = serializers.ChoiceField(
        choices=["person", "organisation"], required=False, default="person"
    )
    applicant_name = serializers.CharField(required=False, allow_blank=True, default="")
    applicant_street = serializers.CharField(required=False, allow_blank=True, default="")
    applicant_postcode = serializers.CharField(required=False, allow_blank=True, default="")
    applicant_city = serializers.CharField(required=False, allow_blank=True, default="")
    applicant_country = serializers.CharField(required=False, allow_blank=True, default="DE")
    applicant_email = serializers.EmailField(required=False, allow_blank=True, default="")
    project_kind = serializers.CharField(required=False, allow_blank=True, default="")
    description = serializers.CharField(required=False, allow_blank=True, default="")
    parcel = serializers.CharField(required=False, allow_blank=True, default="")
    site_address = serializers.CharField(required=False, allow_blank=True, default="")
    estimated_costs = serializers.CharField(required=False, allow_blank=True, default="")
    plans = serializers.ListField(
        child=serializers.FileField(allow_empty_file=True), required=False
    )
    attachments = serializers.ListField(
        child=serializers.FileField(allow_empty_file=True), required=False
    )


def _flat(detail) -> list[str]:
    if isinstance(detail, dict):
        return [text for value in detail.values() for text in _flat(value)]
    if isinstance(detail, list | tuple):
        return [text for value in detail for text in _flat(value)]
    return [str(detail)]


def invalid_response(errors: dict[str, list[str]]) -> Response:
    field = next(iter(errors))
    return Response(
        {
            "code": "invalid",
            "message": " ".join(message for values in errors.values() for message in values),
            "field": field,
            "errors": errors,
        },
        status=status.HTTP_400_BAD_REQUEST,
    )


def _get(user, pk: int) -> BuildingApplication:
    own = applications_for_applicant(user).filter(pk=pk).first()
    if own is not None:
        return own
    department = applications_for_department(user).filter(pk=pk).first()
    if department is not None:
        return department
    raise Http404(_("Bauantrag nicht gefunden."))


class BuildingApplicationListView(APIView):
    parser_classes = [MultiPartParser]

    @extend_schema(
        operation_id="building_applications_list",
        responses={
            200: inline_serializer(
                "BuildingApplicationList",
                {"results": BuildingApplicationStatusSerializer(many=True)},
            )
        },
    )
    def get(self, request):
        """Your applications (applicants) or your departments' (building department)."""
        ids = set(applications_for_applicant(request.user).values_list("pk", flat=True))
        ids |= set(applications_for_department(request.user).values_list("pk", flat=True))
        applications = (
            BuildingApplication.objects.filter(pk__in=ids)
            .select_related("efile", "org_unit", "applicant")
            .order_by("-received_at", "-id")
        )
        serializer = BuildingApplicationStatusSerializer(
            applications, many=True, context={"request": request}
        )
        return Response({"results": serializer.data})

    @extend_schema(
        request={"multipart/form-data": SubmissionSerializer},
        responses={201: OpenApiTypes.OBJECT, 400: OpenApiTypes.OBJECT},
    )
    def post(self, request):
        """Submit a building application (multipart: fields, `plans` PDFs, `attachments`).
        Answers 201 with the Aktenzeichen and the Eingangsbestätigung; 400 with German
        messages by field, and nothing stored, when anything is missing or unusable."""
        shape = SubmissionSerializer(data=request.data)
        if not shape.is_valid():
            return invalid_response(
                {field: _flat(messages) for field, messages in shape.errors.items()}
            )
        data = shape.validated_data
        org_unit = OrgUnit.objects.filter(code=data.get("authority", "")).first()
        if data.get("authority") and org_unit is None:
            return invalid_response(
                {
                    "authority": [
                        _("Die Bauaufsichtsbehörde „%(code)s“ ist unbekannt.")
                        % {"code": data["authority"]}
                    ]
                }
            )
        try:
            application = building_application_start(
                actor=request.user,
                org_unit=org_unit,
                applicant=ApplicantData.from_fields(data, email=request.user.email),
                data=ApplicationData.from_fields(data),
                plans=request.FILES.getlist("plans"),
                attachments=request.FILES.getlist("attachments"),
            )
        except SubmissionInvalid as error:
            return invalid_response(error.errors)
        body = BuildingApplicationStatusSerializer(application, context={"request": request}).data
        return Response(body, status=status.HTTP_201_CREATED)


class BuildingApplicationDetailView(APIView):
    @extend_schema(responses={200: BuildingApplicationStatusSerializer})
    def get(self, request, pk: int):
        application = _get(request.user, pk)
        return Response(
            BuildingApplicationStatusSerializer(application, context={"request": request}).data
        )


class BuildingApplicationDocumentsView(APIView):
    parser_classes = [MultiPartParser]

    @extend_schema(
        request={
            "multipart/form-data": {
                "type": "object",
                "properties": {
                    "files": {"type": "array", "items": {"type": "string", "format": "binary"}}
                },
            }
        },
        responses={200: OpenApiTypes.OBJECT, 400: OpenApiTypes.OBJECT},
    )
    def post(self, request, pk: int):
        """Hand in the documents a Nachforderung asks for (multipart `files`)."""
        application = _get(request.user, pk)
        try:
            nachforderung_answered(
                actor=request.user, application=application, files=request.FILES.getlist("files")
            )
        except SubmissionInvalid as error:
            return invalid_response(error.errors)
        application.refresh_from_db()
        return Response(
            BuildingApplicationStatusSerializer(application, context={"request": request}).data
        )


class BuildingApplicationDocumentView(APIView):
    @extend_schema(
        responses={(200, "application/pdf"): OpenApiResponse(description=_("Schreiben als PDF"))}
    )
    def get(self, request, pk: int, document_pk: int):
        application = _get(request.user, pk)
        document = next((d for d in applicant_documents(application) if d.pk == document_pk), None)
        if document is None:
            raise exceptions.NotFound(_("Dokument nicht gefunden."))
        version = document.versions.order_by("number").first()
        return blob_response(
            blob=version.blob, filename=version.filename, mime_type=version.mime_type, inline=False
        )


def _department_only(user, pk: int) -> BuildingApplication:
    application = applications_for_department(user).filter(pk=pk).first()
    if application is None:
        raise Http404(_("Bauantrag nicht gefunden."))
    return application


class BuildingApplicationExportView(APIView):
    @extend_schema(responses={200: OpenApiTypes.OBJECT})
    def get(self, request, pk: int):
        """The application, its states and dates as JSON with XBau-like keys (building
        department only; see `workflows.building.export` for the key names)."""
        return Response(application_export(_department_only(request.user, pk)))


class ProcessingTimesView(APIView):
    @extend_schema(responses={(200, "text/csv"): OpenApiResponse(description="CSV")})
    def get(self, request):
        """Days from receipt to decision per project kind (open-data CSV) over the
        applications of your departments."""
        if not request.user.has_perm("workflows.view_buildingapplication"):
            raise exceptions.PermissionDenied(_("Sie dürfen diese Statistik nicht abrufen."))
        response = HttpResponse(
            processing_times_csv(applications_for_department(request.user)),
            content_type="text/csv; charset=utf-8",
        )
        response["Content-Disposition"] = 'attachment; filename="bearbeitungszeiten.csv"'
        return response
