"""Pages of the approval chain: decisions on the invoice page, the Skonto radar, booking and
payment exports, the approval matrix, the rejection notice."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ImproperlyConfigured, PermissionDenied, ValidationError
from django.http import Http404, HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from efile.models import OrgUnit
from efile.permissions import member_org_unit_ids
from efile.views.downloads import blob_response
from workflows.invoice_approval import (
    invoice_claim,
    invoice_decide,
    open_task,
    payment_run_start,
)

from .approval.booking import bookable, booking_batch_create
from .approval.deadlines import skonto_kpi, skonto_radar
from .approval.decisions import STEP_OF_STATUS, refusal
from .approval.payment import payment_plan
from .forms import DecisionForm, PaymentRunForm
from .models import (
    ApprovalBand,
    ApproverLimit,
    BookingBatch,
    Decision,
    InvoiceRoute,
    PaymentRun,
    ReceivedInvoice,
    RejectionNotice,
)
from .permissions import invoices_visible
from .views import invoice_or_404


def approval_context(user, invoice: ReceivedInvoice) -> dict:
    """What the invoice page shows of the approval: history, open step, allowed actions."""
    step = STEP_OF_STATUS.get(invoice.status)
    task = open_task(invoice) if step else None
    actions = {}
    if step and task is not None:
        for decision in Decision.values:
            actions[decision] = refusal(user, invoice, step, decision)
    form = DecisionForm()
    form.fields["org_unit"].queryset = OrgUnit.objects.exclude(pk=invoice.org_unit_id)
    return {
        "history": invoice.approval_steps.select_related("actor"),
        "open_step": step,
        "task": task,
        "may_confirm": step is not None and actions.get(Decision.CONFIRM) is None,
        "confirm_refusal": actions.get(Decision.CONFIRM),
        "may_send_back": step is not None and actions.get(Decision.SEND_BACK) is None,
        "may_reject": step is not None and actions.get(Decision.REJECT) is None,
        "may_claim": task is not None
        and task.owner_id is None
        and task.flow_task.can_assign(user, task),
        "decision_form": form,
        "notice": RejectionNotice.objects.filter(invoice=invoice).first(),
    }


class InvoiceDecideView(LoginRequiredMixin, View):
    def post(self, request, pk: int):
        invoice = invoice_or_404(request, pk)
        detail = reverse("invoicing:invoices:detail", args=[pk])
        if "claim" in request.POST:
            try:
                invoice_claim(actor=request.user, invoice=invoice)
            except PermissionDenied as error:
                messages.error(request, str(error))
            return HttpResponseRedirect(detail)
        form = DecisionForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Bitte prüfen Sie Ihre Eingaben."))
            return HttpResponseRedirect(detail)
        data = form.cleaned_data
        try:
            invoice = invoice_decide(
                actor=request.user,
                invoice=invoice,
                decision=data["decision"],
                note=data["note"],
                org_unit=data["org_unit"],
                account=data["account"],
                cost_centre=data["cost_centre"],
            )
        except (PermissionDenied, ValidationError) as error:
            text = " ".join(error.messages) if isinstance(error, ValidationError) else str(error)
            messages.error(request, text)
            return HttpResponseRedirect(detail)
        messages.success(
            request,
            _("Gespeichert. Bearbeitungsstand: %(status)s.")
            % {"status": invoice.get_status_display()},
        )
        return HttpResponseRedirect(detail)


class RejectionNoticeView(LoginRequiredMixin, View):
    def get(self, request, pk: int):
        invoice = invoice_or_404(request, pk)
        notice = RejectionNotice.objects.filter(invoice=invoice).first()
        if notice is None:
            raise Http404(_("Für diese Rechnung gibt es kein Zurückweisungsschreiben."))
        return blob_response(
            blob=notice.pdf_blob,
            filename=f"Zurueckweisung-{invoice.pk}.pdf",
            mime_type="application/pdf",
            inline=False,
        )


class SkontoRadarView(LoginRequiredMixin, TemplateView):
    template_name = "invoicing/skonto_radar.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        if not user.has_perm("invoicing.view_receivedinvoice"):
            raise PermissionDenied(_("Sie dürfen keine Eingangsrechnungen sehen."))
        invoices = invoices_visible(user).select_related("org_unit", "ordering_unit")
        return {
            **super().get_context_data(**kwargs),
            "rows": skonto_radar(invoices),
            "kpi": skonto_kpi(invoices_visible(user)),
        }


def _export_units(user) -> list[int]:
    if not user.has_perm("invoicing.export_invoices"):
        raise PermissionDenied(_("Sie dürfen keine Buchungs- und Zahlungsdateien erzeugen."))
    if user.is_superuser:
        return list(OrgUnit.objects.values_list("pk", flat=True))
    return list(member_org_unit_ids(user))


class ExportsView(LoginRequiredMixin, TemplateView):
    template_name = "invoicing/exports.html"

    def get_context_data(self, **kwargs):
        units = _export_units(self.request.user)
        today = timezone.localdate()
        return {
            **super().get_context_data(**kwargs),
            "bookable": bookable(units),
            "plan": payment_plan(units, today),
            "batches": BookingBatch.objects.filter(invoices__org_unit_id__in=units).distinct()[:20],
            "runs": PaymentRun.objects.filter(invoices__org_unit_id__in=units).distinct()[:20],
            "payment_form": PaymentRunForm(initial={"execution_date": today}),
        }

    def post(self, request):
        units = _export_units(request.user)
        if "booking" in request.POST:
            batch = booking_batch_create(actor=request.user, org_unit_ids=units)
            if batch is None:
                messages.info(request, _("Keine Rechnungen zu buchen."))
            else:
                messages.success(
                    request,
                    _("Buchungsstapel %(name)s mit %(count)s Rechnungen erzeugt.")
                    % {"name": batch.filename, "count": batch.invoice_count},
                )
            return HttpResponseRedirect(request.path)
        form = PaymentRunForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Bitte geben Sie ein gültiges Ausführungsdatum an."))
            return HttpResponseRedirect(request.path)
        try:
            run, _plan = payment_run_start(
                actor=request.user,
                org_unit_ids=units,
                execution_date=form.cleaned_data["execution_date"],
            )
        except ImproperlyConfigured as error:
            messages.error(request, str(error))
            return HttpResponseRedirect(request.path)
        if run is None:
            messages.info(request, _("Keine Rechnungen zu zahlen."))
            return HttpResponseRedirect(request.path)
        messages.success(
            request,
            _("Zahlungslauf %(name)s über %(total)s EUR erzeugt (%(count)s Rechnungen).")
            % {"name": run.filename, "total": run.total, "count": run.invoice_count},
        )
        return HttpResponseRedirect(request.path)


class ExportDownloadView(LoginRequiredMixin, View):
    models = {"buchung": (BookingBatch, "text/csv"), "zahlung": (PaymentRun, "application/xml")}

    def get(self, request, kind: str, pk: int):
        units = _export_units(request.user)
        if kind not in self.models:
            raise Http404
        model, mime = self.models[kind]
        export = model.objects.filter(pk=pk, invoices__org_unit_id__in=units).distinct().first()
        if export is None:
            raise Http404(_("Datei nicht gefunden."))
        return blob_response(
            blob=export.blob, filename=export.filename, mime_type=mime, inline=False
        )


class ApprovalMatrixView(LoginRequiredMixin, TemplateView):
    """The approval matrix as one table: bands per department, approvers and their limits,
    routing table. Edited by the administrator in the admin (every change audited)."""

    template_name = "invoicing/approval_matrix.html"

    def get_context_data(self, **kwargs):
        if not self.request.user.has_perm("invoicing.view_approvalband"):
            raise PermissionDenied(_("Sie dürfen die Freigabematrix nicht sehen."))
        return {
            **super().get_context_data(**kwargs),
            "bands": ApprovalBand.objects.select_related("org_unit"),
            "limits": ApproverLimit.objects.select_related("user", "org_unit"),
            "routes": InvoiceRoute.objects.select_related("org_unit"),
        }
