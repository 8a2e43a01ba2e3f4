"""E-files over the API: the list (same filters and selector as the list page), opening a new
file, reading one with its ETag and changing its title with If-Match."""

from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_view
from rest_framework import exceptions, generics, serializers, status
from rest_framework.response import Response

from efile import selectors, services
from efile.filters import EFileFilter
from efile.models import EFile, FilingPlanItem, OrgUnit
from efile.permissions import Action, efile_can

from .etags import ETAG_HEADER, IF_MATCH, etag_of, require_if_match
from .openapi import error_response, errors
from .serializers import EFileSerializer

EFILE_EXAMPLE = OpenApiExample(
    "E-Akte",
    value={
        "id": 42,
        "reference": "610.20-2026-0042",
        "title": "Neubau Sporthalle Kriens",
        "plan_code": "610.20",
        "org_unit": "bauamt",
        "status": "open",
        "opened_at": "2026-03-02T09:15:00+01:00",
        "closed_at": None,
    },
    response_only=True,
)
PRECONDITION_FAILED_EXAMPLE = OpenApiExample(
    "Zwischenzeitlich geändert",
    value={
        "code": "precondition_failed",
        "message": "Der Eintrag wurde inzwischen geändert. Bitte laden Sie ihn neu und "
        "wiederholen Sie Ihre Änderung.",
        "field": None,
    },
    response_only=True,
    status_codes=["412"],
)


class EFileCreateSerializer(serializers.Serializer):
    plan_code = serializers.SlugRelatedField(
        slug_field="code",
        queryset=FilingPlanItem.objects.all(),
        source="plan_item",
        help_text="Kennzeichen der Aktenplanposition, z. B. `610.20`.",
    )
    org_unit = serializers.SlugRelatedField(
        slug_field="code",
        queryset=OrgUnit.objects.all(),
        help_text="Kürzel der federführenden Organisationseinheit.",
    )
    title = serializers.CharField(max_length=300, help_text="Betreff der Akte.")


class EFileUpdateSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=300, help_text="Neuer Betreff der Akte.")


def _with_etag(data, *, status_code: int = status.HTTP_200_OK, **headers) -> Response:
    return Response(data, status=status_code, headers={"ETag": etag_of(data), **headers})


class EFileListView(generics.ListCreateAPIView):
    """The e-files of your departments (the registry: of all), newest first."""

    serializer_class = EFileSerializer
    filterset_class = EFileFilter

    def get_queryset(self):
        return selectors.efile_list(user=self.request.user).order_by("-opened_at", "-id")

    @extend_schema(
        request=EFileCreateSerializer,
        responses={201: EFileSerializer, **errors(400, 403)},
        parameters=[ETAG_HEADER],
        examples=[
            OpenApiExample(
                "Neue Akte",
                value={"plan_code": "610.20", "org_unit": "bauamt", "title": "Neubau Sporthalle"},
                request_only=True,
            ),
            EFILE_EXAMPLE,
        ],
    )
    def post(self, request, *args, **kwargs):
        """Open a new e-file; the Aktenzeichen is handed out by the server."""
        given = EFileCreateSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        efile = services.efile_open(actor=request.user, **given.validated_data)
        location = reverse("api-efile-detail", args=[efile.pk])
        return _with_etag(
            EFileSerializer(efile).data, status_code=status.HTTP_201_CREATED, Location=location
        )


@extend_schema_view(
    get=extend_schema(parameters=[ETAG_HEADER], examples=[EFILE_EXAMPLE]),
    put=extend_schema(
        request=EFileUpdateSerializer,
        parameters=[IF_MATCH, ETAG_HEADER],
        responses={
            200: EFileSerializer,
            **errors(400, 403, 404, 428),
            412: error_response(412, PRECONDITION_FAILED_EXAMPLE),
        },
        examples=[
            OpenApiExample(
                "Betreff ändern", value={"title": "Neubau Sporthalle (2. BA)"}, request_only=True
            ),
            EFILE_EXAMPLE,
        ],
    ),
    patch=extend_schema(
        request=EFileUpdateSerializer,
        parameters=[IF_MATCH, ETAG_HEADER],
        responses={
            200: EFileSerializer,
            **errors(400, 403, 404, 428),
            412: error_response(412, PRECONDITION_FAILED_EXAMPLE),
        },
    ),
)
class EFileDetailView(generics.GenericAPIView):
    """One e-file. Changes need the ETag of the version you read in `If-Match`."""

    serializer_class = EFileSerializer

    def get_queryset(self):
        return selectors.efile_list(user=self.request.user)

    def get(self, request, pk: int):
        return _with_etag(EFileSerializer(self.get_object()).data)

    def put(self, request, pk: int):
        return self._update(request, partial=False)

    def patch(self, request, pk: int):
        return self._update(request, partial=True)

    def _update(self, request, *, partial: bool) -> Response:
        efile = self.get_object()
        if not efile_can(request.user, Action.UPLOAD, efile):
            raise exceptions.PermissionDenied(_("Sie dürfen diese Akte nicht ändern."))
        with transaction.atomic():
            locked = (
                EFile.objects.select_for_update(of=("self",))
                .select_related("plan_item", "org_unit")
                .get(pk=efile.pk)
            )
            require_if_match(request, etag_of(EFileSerializer(locked).data))
            given = EFileUpdateSerializer(data=request.data, partial=partial)
            given.is_valid(raise_exception=True)
            if "title" in given.validated_data:
                locked = services.efile_update(
                    actor=request.user, efile=locked, title=given.validated_data["title"]
                )
        return _with_etag(EFileSerializer(locked).data)
