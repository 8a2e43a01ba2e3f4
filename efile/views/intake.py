"""The intake inbox (Posteingang) and its error queue (Fehlerablage): upload, review, file."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import FormView, TemplateView

from ocr.preview import page_preview

from .. import selectors, services
from ..blobs import blob_read
from ..forms import IntakeFileForm, IntakeUploadForm
from ..models import EFile, EFileStatus, IntakeItem, IntakeStatus, Party
from ..permissions import efiles_visible, org_units_for_intake
from ..services.intake import intake_file, intake_pdf
from .downloads import blob_response


def intake_start(**kwargs):
    from workflows.intake import intake_start

    return intake_start(**kwargs)


def _item_or_404(request, pk: int) -> IntakeItem:
    try:
        return selectors.intake_item_get(user=request.user, pk=pk)
    except IntakeItem.DoesNotExist as exc:
        raise Http404(_("Eingang nicht gefunden.")) from exc


def _item_url(item: IntakeItem) -> str:
    return reverse("efile:intake:item", args=[item.pk])


class IntakeInboxView(LoginRequiredMixin, TemplateView):
    """Posteingang: what waits to be filed, and the Fehlerablage with the reasons."""

    template_name = "efile/intake_inbox.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not org_units_for_intake(request.user).exists():
            raise PermissionDenied(_("Sie haben keinen Posteingang."))
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        user = self.request.user
        status = self.request.GET.get("status") or IntakeStatus.TO_FILE
        if status not in IntakeStatus.values:
            status = IntakeStatus.TO_FILE
        items = selectors.intake_inbox(user=user, status=status)
        counts = dict.fromkeys(IntakeStatus.values, 0) | dict(
            selectors.intake_inbox(user=user)
            .order_by()
            .values_list("status")
            .annotate(count=Count("id"))
        )
        return {
            **super().get_context_data(**kwargs),
            "status": status,
            "tabs": [(value, label, counts[value]) for value, label in IntakeStatus.choices],
            "page_obj": Paginator(items, 25).get_page(self.request.GET.get("page")),
            "query_string": f"status={status}",
            "upload_form": IntakeUploadForm(org_units=org_units_for_intake(user)),
        }


class IntakeUploadView(LoginRequiredMixin, View):
    """Several files at once into a department's inbox; each is stored before it is read."""

    def post(self, request):
        form = IntakeUploadForm(
            request.POST, request.FILES, org_units=org_units_for_intake(request.user)
        )
        if not form.is_valid():
            for errors in form.errors.values():
                messages.error(request, " ".join(errors))
            return HttpResponseRedirect(reverse("efile:intake:index"))
        received = duplicates = 0
        for upload in form.cleaned_data["files"]:
            item, created = intake_start(
                actor=request.user,
                org_unit=form.cleaned_data["org_unit"],
                stream=upload,
                filename=upload.name,
            )
            received += created
            if not created:
                duplicates += 1
                messages.warning(
                    request,
                    _("„%(name)s“ ist bereits eingegangen (gleicher Inhalt wie „%(earlier)s“).")
                    % {"name": upload.name, "earlier": item.filename},
                )
        messages.success(request, _("%(count)s Datei(en) eingegangen.") % {"count": received})
        return HttpResponseRedirect(reverse("efile:intake:index"))


class IntakeFileView(LoginRequiredMixin, FormView):
    """Zuordnen: look at a received document and file it into an e-file."""

    template_name = "efile/intake_item.html"
    form_class = IntakeFileForm

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.item = _item_or_404(request, kwargs["pk"])
            if not hasattr(request, "activation"):
                return self.show_or_open_task(request)
        return super().dispatch(request, *args, **kwargs)

    def show_or_open_task(self, request):
        """Outside its flow task the item page is read-only; a clerk who may work on the
        item takes its open task (Zuordnen or Fehlerablage) and continues there."""
        from workflows.intake import take_task

        url = take_task(user=request.user, item=self.item)
        if url:
            return HttpResponseRedirect(url)
        if request.method != "GET":
            raise PermissionDenied(_("Dieser Eingang kann gerade nicht bearbeitet werden."))
        return self.render_to_response(self.get_context_data())

    def get_suggestions(self):
        if not hasattr(self, "_suggestions"):
            self._suggestions = selectors.intake_suggestions(user=self.request.user, item=self.item)
        return self._suggestions

    def get_form_kwargs(self):
        senders = Party.objects.filter(pk__in=[p.pk for p in self.get_suggestions().senders])
        return {**super().get_form_kwargs(), "senders": senders}

    def get_initial(self):
        suggestions = self.get_suggestions()
        return {
            "reference": suggestions.efiles[0].reference if suggestions.efiles else "",
            "kind": self.item.suggested_kind or "letter",
            "received_on": timezone.localdate(self.item.received_at),
            "title": self.item.filename.rsplit(".", 1)[0],
            "sender": suggestions.senders[0] if suggestions.senders else None,
        }

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "item": self.item,
            "suggestions": self.get_suggestions(),
            "can_file": hasattr(self.request, "activation")
            and self.item.status in (IntakeStatus.TO_FILE, IntakeStatus.FAILED),
            "worked_on_by": self._worked_on_by(),
            "page_numbers": range(1, min(self.item.page_count or 0, 50) + 1),
        }

    def _worked_on_by(self):
        if hasattr(self.request, "activation"):
            return None
        from workflows.intake import open_task

        task = open_task(self.item)
        return task.owner if task is not None and task.owner_id else None

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            with transaction.atomic():
                efile = self._target_efile(data)
                document = intake_file(
                    actor=self.request.user,
                    item=self.item,
                    efile=efile,
                    title=data["title"],
                    kind=data["kind"],
                    received_on=data["received_on"],
                    sender=data["sender"],
                )
            self.after_filing(document)
        except ValidationError as error:
            form.add_error(None, " ".join(error.messages))
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("„%(title)s“ in Akte %(reference)s abgelegt.")
            % {"title": document.title, "reference": efile.reference},
        )
        return HttpResponseRedirect(reverse("efile:efiles:detail", args=[efile.pk]))

    def after_filing(self, document) -> None:
        """Hook inside the filing transaction; the intake flow completes its task here."""

    def _target_efile(self, data) -> EFile:
        reference = data["reference"].strip()
        if reference:
            efile = efiles_visible(self.request.user).filter(reference=reference).first()
            if efile is None or efile.status != EFileStatus.OPEN:
                raise ValidationError(
                    _(
                        "Eine offene Akte mit dem Aktenzeichen „%(reference)s“ "
                        "gibt es für Sie nicht."
                    )
                    % {"reference": reference}
                )
            return efile
        return services.efile_open(
            actor=self.request.user,
            plan_item=data["new_plan_item"],
            org_unit=self.item.org_unit,
            title=data["new_title"],
        )


class IntakeOriginalView(LoginRequiredMixin, View):
    """The original bytes exactly as received (or the searchable PDF with ?searchable=1)."""

    def get(self, request, pk: int):
        item = _item_or_404(request, pk)
        if request.GET.get("searchable") == "1" and item.searchable_blob:
            name = f"{item.filename.rsplit('.', 1)[0]}-durchsuchbar.pdf"
            return blob_response(
                blob=item.searchable_blob, filename=name, mime_type="application/pdf", inline=True
            )
        return blob_response(
            blob=item.blob,
            filename=item.filename,
            mime_type=item.mime_type,
            inline=request.GET.get("inline") == "1",
        )


class IntakePageView(LoginRequiredMixin, View):
    """A page of a read item as a PNG for the clerk's screen."""

    def get(self, request, pk: int, number: int):
        item = _item_or_404(request, pk)
        if item.status == IntakeStatus.FAILED or not item.page_count:
            raise Http404(_("Für diesen Eingang gibt es keine Seitenansicht."))
        data = intake_pdf(item)
        try:
            if data is not None:
                png = page_preview(data, pdf=True, number=number)
            elif item.mime_type.startswith("image/"):
                png = page_preview(blob_read(item.blob), pdf=False, number=number)
            else:
                raise Http404(_("Für diesen Eingang gibt es keine Seitenansicht."))
        except IndexError as exc:
            raise Http404(_("Diese Seite gibt es nicht.")) from exc
        response = HttpResponse(png, content_type="image/png")
        response["Cache-Control"] = "private, max-age=3600"
        response["X-Content-Type-Options"] = "nosniff"
        return response


class IntakeMergeView(LoginRequiredMixin, View):
    """Join the selected waiting items, in inbox order, into one new item."""

    def post(self, request):
        from workflows.intake import intake_merge

        ids = [int(pk) for pk in request.POST.getlist("items") if pk.isdigit()]
        items = list(
            selectors.intake_inbox(user=request.user, status=IntakeStatus.TO_FILE)
            .filter(pk__in=ids)
            .order_by("received_at", "id")
        )
        if len(items) != len(set(ids)):
            raise Http404(_("Eingang nicht gefunden."))
        try:
            merged = intake_merge(actor=request.user, items=items)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return HttpResponseRedirect(reverse("efile:intake:index"))
        messages.success(
            request,
            _("%(count)s Eingänge zu „%(name)s“ zusammengeführt.")
            % {"count": len(items), "name": merged.filename},
        )
        return HttpResponseRedirect(_item_url(merged))
