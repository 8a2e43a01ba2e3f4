"""Invoice reception over the API: hand in an e-invoice, read verdict and findings."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, generics, serializers, status
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response

from efile.models import OrgUnit
from efile.views.downloads import blob_response
from invoicing.models import Decision, InvoiceChannel, ReceivedInvoice, RejectionNotice
from invoicing.permissions import invoices_visible, org_units_for_invoices
from workflows.invoice_approval import invoice_decide, invoice_start


class FindingSerializer(serializers.Serializer):
    rule = serializers.CharField()
    severity = serializers.CharField()
    field = serializers.CharField(allow_null=True)
    path = serializers.CharField(allow_null=True)
    message_de = serializers.CharField()
    message_en = serializers.CharField()


class InvoiceSerializer(serializers.ModelSerializer):
    org_unit = serializers.CharField(source="org_unit.code", read_only=True)
    findings = FindingSerializer(many=True, read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    ordering_unit = serializers.CharField(
        source="ordering_unit.code", read_only=True, allow_null=True, default=None
    )
    rejection_notice = serializers.SerializerMethodField(
        help_text="Text of the rejection notice to the supplier (German), if rejected."
    )

    class Meta:
        model = ReceivedInvoice
        fields = [
            "id",
            "org_unit",
            "channel",
            "filename",
            "sha256",
            "size",
            "received_at",
            "syntax",
            "profile",
            "customization_id",
            "verdict",
            "error_count",
            "warning_count",
            "number",
            "issue_date",
            "due_date",
            "currency",
            "amount_due",
            "seller_name",
            "seller_vat_id",
            "buyer_reference",
            "findings",
            "official_check",
            "status",
            "status_label",
            "ordering_unit",
            "skonto_until",
            "skonto_percent",
            "rejection_reason",
            "rejection_notice",
            "paid_amount",
            "skonto_taken",
        ]

    def get_rejection_notice(self, invoice) -> str | None:
        notice = RejectionNotice.objects.filter(invoice=invoice).first()
        return notice.text if notice is not None else None


class InvoiceUploadSerializer(serializers.Serializer):
    file = serializers.FileField(allow_empty_file=True)
    org_unit = serializers.SlugRelatedField(slug_field="code", queryset=OrgUnit.objects.all())


class InvoiceListView(generics.ListCreateAPIView):
    """Received invoices of your departments; POST hands in a new one (multipart: `file`,
    `org_unit` code). The verdict is in the answer: 201 for a new invoice, 200 when the same
    bytes were received before."""

    serializer_class = InvoiceSerializer
    parser_classes = [MultiPartParser]
    filterset_fields = ["verdict", "org_unit__code", "number"]

    def get_queryset(self):
        return invoices_visible(self.request.user).select_related("org_unit", "ordering_unit")

    @extend_schema(request=InvoiceUploadSerializer, responses={201: InvoiceSerializer})
    def post(self, request, *args, **kwargs):
        upload = InvoiceUploadSerializer(data=request.data)
        upload.is_valid(raise_exception=True)
        org_unit = upload.validated_data["org_unit"]
        if not org_units_for_invoices(request.user).filter(pk=org_unit.pk).exists():
            raise exceptions.PermissionDenied(
                _("Sie dürfen für „%(unit)s“ keine Rechnungen entgegennehmen.")
                % {"unit": org_unit.name}
            )
        stream = upload.validated_data["file"]
        invoice, created = invoice_start(
            actor=request.user,
            org_unit=org_unit,
            stream=stream,
            filename=stream.name,
            channel=InvoiceChannel.API,
        )
        return Response(
            InvoiceSerializer(invoice).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )


class InvoiceDetailView(generics.RetrieveAPIView):
    serializer_class = InvoiceSerializer

    def get_queryset(self):
        return invoices_visible(self.request.user).select_related("org_unit", "ordering_unit")


class InvoiceOriginalView(generics.GenericAPIView):
    def get_queryset(self):
        return invoices_visible(self.request.user)

    @extend_schema(
        responses={
            (200, "application/octet-stream"): OpenApiResponse(description=_("Originaldatei"))
        }
    )
    def get(self, request, pk: int):
        try:
            invoice = self.get_queryset().get(pk=pk)
        except ReceivedInvoice.DoesNotExist as exc:
            raise exceptions.NotFound(_("Rechnung nicht gefunden.")) from exc
        mime = "application/pdf" if invoice.syntax == "pdf" else "application/xml"
        return blob_response(
            blob=invoice.blob, filename=invoice.filename, mime_type=mime, inline=False
        )


class DecisionSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(choices=Decision.choices)
    note = serializers.CharField(required=False, allow_blank=True, default="")
    ordering_unit = serializers.SlugRelatedField(
        slug_field="code", queryset=OrgUnit.objects.all(), required=False, allow_null=True
    )
    account = serializers.CharField(required=False, allow_blank=True, default="", max_length=20)
    cost_centre = serializers.CharField(required=False, allow_blank=True, default="", max_length=20)


class InvoiceDecisionView(generics.GenericAPIView):
    """Take a decision on the invoice's open step (triage, sachlich/rechnerisch richtig,
    Anordnung): `confirm`, `send_back` or `reject` (the latter two with a `note`). The same
    rules as in the UI apply: department, four eyes, approval limits."""

    serializer_class = DecisionSerializer

    def get_queryset(self):
        return invoices_visible(self.request.user)

    @extend_schema(request=DecisionSerializer, responses=InvoiceSerializer)
    def post(self, request, pk: int):
        invoice = self.get_object()
        given = DecisionSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        data = given.validated_data
        invoice = invoice_decide(
            actor=request.user,
            invoice=invoice,
            decision=data["decision"],
            note=data["note"],
            org_unit=data.get("ordering_unit"),
            account=data["account"],
            cost_centre=data["cost_centre"],
        )
        return Response(InvoiceSerializer(invoice).data)
