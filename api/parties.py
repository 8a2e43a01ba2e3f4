"""Parties over the API: search, read, register (once-only: a known party is returned, not
duplicated) and change with If-Match."""

import django_filters
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_view
from rest_framework import generics, serializers, status
from rest_framework.response import Response

from efile import services
from efile.models import Party
from efile.permissions import parties_visible

from .etags import ETAG_HEADER, IF_MATCH, etag_of, require_if_match
from .openapi import errors


class PartySerializer(serializers.ModelSerializer):
    email = serializers.CharField(read_only=True, help_text="E-Mail-Adresse; leer, wenn unbekannt.")

    class Meta:
        model = Party
        fields = [
            "id",
            "kind",
            "name",
            "street",
            "postcode",
            "city",
            "country",
            "email",
            "iban",
            "vat_id",
            "leitweg_id",
            "created_at",
        ]
        read_only_fields = fields


class PartyInputSerializer(serializers.Serializer):
    """The request's shape; normalising, the IBAN check and once-only are the service's."""

    kind = serializers.ChoiceField(choices=Party.Kind.choices, default=Party.Kind.PERSON)
    name = serializers.CharField(max_length=300)
    street = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    postcode = serializers.CharField(max_length=10, required=False, allow_blank=True, default="")
    city = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    country = serializers.RegexField(r"^[A-Za-z]{2}$", required=False, default="DE")
    email = serializers.EmailField(required=False, allow_blank=True, default="")
    iban = serializers.CharField(max_length=42, required=False, allow_blank=True, default="")
    vat_id = serializers.CharField(max_length=20, required=False, allow_blank=True, default="")
    leitweg_id = serializers.CharField(max_length=46, required=False, allow_blank=True, default="")

    def validate_country(self, value: str) -> str:
        return value.upper()


class PartyFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=gettext_lazy("Suche (Name, Ort, IBAN, USt-IdNr.)"), method="search"
    )
    kind = django_filters.ChoiceFilter(label=gettext_lazy("Art"), choices=Party.Kind.choices)
    postcode = django_filters.CharFilter(label=gettext_lazy("PLZ"))
    city = django_filters.CharFilter(label=gettext_lazy("Ort"), lookup_expr="iexact")

    class Meta:
        model = Party
        fields = ["q", "kind", "postcode", "city"]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        compact = "".join(value.split()).upper()
        return queryset.filter(
            Q(name__icontains=value)
            | Q(city__icontains=value)
            | Q(iban=compact)
            | Q(vat_id=compact)
            | Q(leitweg_id=value)
        )


PARTY_EXAMPLE = OpenApiExample(
    "Beteiligte(r)",
    value={
        "id": 3,
        "kind": "organisation",
        "name": "Müller Bau GmbH",
        "street": "Hauptstraße 1",
        "postcode": "79098",
        "city": "Freiburg",
        "country": "DE",
        "email": "info@mueller-bau.example",
        "iban": "DE89370400440532013000",
        "vat_id": "DE123456789",
        "leitweg_id": "",
        "created_at": "2026-01-12T08:00:00+01:00",
    },
    response_only=True,
)


class PartyListView(generics.ListCreateAPIView):
    """Parties (people and organisations), by name; POST registers one."""

    serializer_class = PartySerializer
    filterset_class = PartyFilter

    def get_queryset(self):
        return parties_visible(self.request.user).order_by("name", "id")

    @extend_schema(
        request=PartyInputSerializer,
        responses={201: PartySerializer, 200: PartySerializer, **errors(400, 403)},
        parameters=[ETAG_HEADER],
        examples=[
            OpenApiExample(
                "Neue Firma",
                value={
                    "kind": "organisation",
                    "name": "Müller Bau GmbH",
                    "postcode": "79098",
                    "city": "Freiburg",
                    "iban": "DE89 3704 0044 0532 0130 00",
                    "vat_id": "DE 123 456 789",
                },
                request_only=True,
            ),
            PARTY_EXAMPLE,
        ],
    )
    def post(self, request, *args, **kwargs):
        """Register a party: 201 when it is new, 200 with the existing entry when one with the
        same VAT id, IBAN or name and postcode is known (once-only)."""
        given = PartyInputSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        party, created = services.party_register(actor=request.user, **given.validated_data)
        data = PartySerializer(party).data
        return Response(
            data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
            headers={
                "ETag": etag_of(data),
                "Location": reverse("api-party-detail", args=[party.pk]),
            },
        )


_UPDATE = extend_schema(
    request=PartyInputSerializer,
    parameters=[IF_MATCH, ETAG_HEADER],
    responses={200: PartySerializer, **errors(400, 403, 404, 412, 428)},
    examples=[PARTY_EXAMPLE],
)


@extend_schema_view(
    get=extend_schema(parameters=[ETAG_HEADER], examples=[PARTY_EXAMPLE]),
    put=_UPDATE,
    patch=_UPDATE,
)
class PartyDetailView(generics.GenericAPIView):
    """One party. Changes need the ETag of the version you read in `If-Match`."""

    serializer_class = PartySerializer

    def get_queryset(self):
        return parties_visible(self.request.user)

    def get(self, request, pk: int):
        data = PartySerializer(self.get_object()).data
        return Response(data, headers={"ETag": etag_of(data)})

    def put(self, request, pk: int):
        return self._update(request, partial=False)

    def patch(self, request, pk: int):
        return self._update(request, partial=True)

    def _update(self, request, *, partial: bool) -> Response:
        party = self.get_object()
        with transaction.atomic():
            locked = Party.objects.select_for_update().get(pk=party.pk)
            require_if_match(request, etag_of(PartySerializer(locked).data))
            given = PartyInputSerializer(data=request.data, partial=partial)
            given.is_valid(raise_exception=True)
            locked = services.party_update(actor=request.user, party=locked, **given.validated_data)
        data = PartySerializer(locked).data
        return Response(data, headers={"ETag": etag_of(data)})
