"""The validation report of a received invoice as JSON: the German verdict sentence and every
finding with its German message and the place in the invoice where the page shows it (the
same presentation as the invoice page and the archive PDF)."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import exceptions, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from invoicing.models import ReceivedInvoice
from invoicing.permissions import invoices_visible
from invoicing.presentation import FindingView, present
from invoicing.services import stored_result

from .openapi import errors


class ReportFindingSerializer(serializers.Serializer):
    rule = serializers.CharField(help_text="Regelkennung, z. B. `BR-DE-15`.")
    level = serializers.ChoiceField(choices=["error", "warning", "information"])
    message = serializers.CharField(help_text="Meldung auf Deutsch mit dem Geschäftsbegriff.")
    field = serializers.CharField(allow_null=True, help_text="Geschäftsbegriff (BT/BG).")
    path = serializers.CharField(allow_null=True, help_text="Stelle im XML.")
    location = serializers.CharField(help_text="Wo die Seite den Befund zeigt.")


class InvoiceReportSerializer(serializers.Serializer):
    invoice = serializers.IntegerField()
    title = serializers.CharField()
    format = serializers.CharField(help_text="Syntax und Profil, auf Deutsch.")
    verdict = serializers.ChoiceField(choices=["valid", "invalid", "unchecked"])
    sentence = serializers.CharField(help_text="Das Prüfergebnis als deutscher Satz.")
    counts = serializers.CharField()
    errors = ReportFindingSerializer(many=True)
    warnings = ReportFindingSerializer(many=True)
    infos = ReportFindingSerializer(many=True)
    official_check = serializers.JSONField(
        allow_null=True, help_text="Abgleich mit der KoSIT-Konfiguration, falls eingerichtet."
    )


def _finding(view: FindingView) -> dict:
    return {
        "rule": view.rule,
        "level": view.level,
        "message": view.message,
        "field": view.field,
        "path": view.path,
        "location": view.location,
    }


def invoice_report(invoice: ReceivedInvoice) -> dict | None:
    result = stored_result(invoice)
    if result is None:
        return None
    presentation = present(result)
    summary = presentation.summary
    return {
        "invoice": invoice.pk,
        "title": presentation.title,
        "format": presentation.format_text,
        "verdict": summary.verdict,
        "sentence": summary.sentence,
        "counts": summary.counts,
        "errors": [_finding(view) for view in summary.errors],
        "warnings": [_finding(view) for view in summary.warnings],
        "infos": [_finding(view) for view in summary.infos],
        "official_check": invoice.official_check,
    }


class InvoiceReportView(APIView):
    @extend_schema(
        responses={200: InvoiceReportSerializer, **errors(404)},
        examples=[
            OpenApiExample(
                "Ungültige XRechnung",
                value={
                    "invoice": 17,
                    "title": "Rechnung 2026-0815 von Müller Bau GmbH",
                    "format": "UBL, XRechnung",
                    "verdict": "invalid",
                    "sentence": "Die Rechnung ist ungültig: 1 Fehler.",
                    "counts": "",
                    "errors": [
                        {
                            "rule": "BR-DE-15",
                            "level": "error",
                            "message": "Leitweg-ID fehlt (BT-10).",
                            "field": "BT-10",
                            "path": "/*/cbc:BuyerReference",
                            "location": "Käufer › Leitweg-ID / Käuferreferenz (BT-10)",
                        }
                    ],
                    "warnings": [],
                    "infos": [],
                    "official_check": None,
                },
                response_only=True,
            )
        ],
    )
    def get(self, request, pk: int):
        """The validation report: verdict and findings in German, as on the invoice page."""
        try:
            invoice = invoices_visible(request.user).get(pk=pk)
        except ReceivedInvoice.DoesNotExist as exc:
            raise exceptions.NotFound(_("Rechnung nicht gefunden.")) from exc
        report = invoice_report(invoice)
        if report is None:
            raise exceptions.NotFound(_("Für diese Rechnung gibt es keinen Prüfbericht."))
        return Response(InvoiceReportSerializer(report).data)
