"""Pages of the invoice reception: list, upload, the invoice with its findings, downloads."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from efile.views.downloads import blob_response
from workflows.invoice_approval import invoice_start

from .approval.decisions import waiting_for
from .forms import InvoiceFilterForm, InvoiceUploadForm
from .models import InvoiceAttachment, ReceivedInvoice
from .permissions import invoices_visible, org_units_for_invoices
from .services import stored_result


def invoice_or_404(request, pk: int) -> ReceivedInvoice:
    try:
        return invoices_visible(request.user).select_related("org_unit").get(pk=pk)
    except ReceivedInvoice.DoesNotExist as exc:
        raise Http404(_("Rechnung nicht gefunden.")) from exc


class InvoiceListView(LoginRequiredMixin, TemplateView):
    template_name = "invoicing/invoice_list.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        if not user.has_perm("invoicing.view_receivedinvoice"):
            raise PermissionDenied(_("Sie dürfen keine Eingangsrechnungen sehen."))
        form = InvoiceFilterForm(self.request.GET or None)
        invoices = invoices_visible(user).select_related("org_unit", "ordering_unit")
        if form.is_valid():
            query = form.cleaned_data["q"].strip()
            if query:
                invoices = invoices.filter(
                    Q(number__icontains=query)
                    | Q(seller_name__icontains=query)
                    | Q(buyer_reference__icontains=query)
                    | Q(filename__icontains=query)
                )
            data = form.cleaned_data
            if data["mine"]:
                invoices = waiting_for(user, invoices)
            if data["verdict"]:
                invoices = invoices.filter(verdict=data["verdict"])
            if data["status"]:
                invoices = invoices.filter(status=data["status"])
            if data["amount_min"] is not None:
                invoices = invoices.filter(amount_due__gte=data["amount_min"])
            if data["amount_max"] is not None:
                invoices = invoices.filter(amount_due__lte=data["amount_max"])
            if data["due_until"]:
                invoices = invoices.filter(due_date__lte=data["due_until"])
        units = org_units_for_invoices(user)
        return {
            **super().get_context_data(**kwargs),
            "filter_form": form,
            "page_obj": Paginator(invoices, 25).get_page(self.request.GET.get("page")),
            "upload_form": InvoiceUploadForm(org_units=units) if units.exists() else None,
        }


class InvoiceUploadView(LoginRequiredMixin, View):
    def post(self, request):
        form = InvoiceUploadForm(
            request.POST, request.FILES, org_units=org_units_for_invoices(request.user)
        )
        if not form.is_valid():
            for errors in form.errors.values():
                messages.error(request, " ".join(errors))
            return HttpResponseRedirect(reverse("invoicing:invoices:index"))
        last = None
        for upload in form.cleaned_data["files"]:
            invoice, created = invoice_start(
                actor=request.user,
                org_unit=form.cleaned_data["org_unit"],
                stream=upload,
                filename=upload.name,
            )
            last = invoice
            if not created:
                messages.warning(
                    request,
                    _("„%(name)s“ ist bereits eingegangen (als „%(earlier)s“).")
                    % {"name": upload.name, "earlier": invoice},
                )
            else:
                messages.info(
                    request,
                    _("„%(name)s“: %(verdict)s, %(errors)s Fehler, %(warnings)s Hinweise.")
                    % {
                        "name": upload.name,
                        "verdict": invoice.get_verdict_display(),
                        "errors": invoice.error_count,
                        "warnings": invoice.warning_count,
                    },
                )
        if last is not None and len(form.cleaned_data["files"]) == 1:
            return HttpResponseRedirect(reverse("invoicing:invoices:detail", args=[last.pk]))
        return HttpResponseRedirect(reverse("invoicing:invoices:index"))


class InvoiceDetailView(LoginRequiredMixin, TemplateView):
    template_name = "invoicing/invoice_detail.html"

    def get_context_data(self, **kwargs):
        from .approval_views import approval_context
        from .presentation import present

        invoice = invoice_or_404(self.request, kwargs["pk"])
        result = stored_result(invoice)
        return {
            **super().get_context_data(**kwargs),
            "invoice": invoice,
            "presentation": present(result) if result is not None else None,
            "attachments": invoice.attachments.all(),
            "official": invoice.official_check,
            **approval_context(self.request.user, invoice),
        }


class InvoiceOriginalView(LoginRequiredMixin, View):
    def get(self, request, pk: int):
        invoice = invoice_or_404(request, pk)
        mime = "application/pdf" if invoice.syntax == "pdf" else "application/xml"
        return blob_response(
            blob=invoice.blob, filename=invoice.filename, mime_type=mime, inline=False
        )


class InvoicePdfView(LoginRequiredMixin, View):
    """The invoice rendered for the archive, with its findings."""

    def get(self, request, pk: int):
        from .archive_pdf import invoice_pdf
        from .presentation import present

        invoice = invoice_or_404(request, pk)
        result = stored_result(invoice)
        if result is None:
            raise Http404(_("Für diese Rechnung gibt es keine Darstellung."))
        response = HttpResponse(invoice_pdf(present(result)), content_type="application/pdf")
        stem = (invoice.number or invoice.filename.rsplit(".", 1)[0])[:80]
        safe = "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in stem)
        response["Content-Disposition"] = f'attachment; filename="Rechnung-{safe}.pdf"'
        response["X-Content-Type-Options"] = "nosniff"
        return response


class InvoiceAttachmentView(LoginRequiredMixin, View):
    def get(self, request, pk: int, attachment_pk: int):
        invoice = invoice_or_404(request, pk)
        try:
            attachment = invoice.attachments.get(pk=attachment_pk)
        except InvoiceAttachment.DoesNotExist as exc:
            raise Http404(_("Anlage nicht gefunden.")) from exc
        return blob_response(
            blob=attachment.blob,
            filename=attachment.filename,
            mime_type=attachment.mime_type or "application/octet-stream",
            inline=False,
        )
