"""The clerk tasks of the intake flow: Zuordnen (file into an e-file) and the error queue
review (read again, or file by hand). Both show the item page of the Posteingang."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _

from efile.models import IntakeStatus
from efile.services.intake import intake_retry
from efile.views.intake import IntakeFileView

from ..intake import intake_split, queue_reading


class IntakeFileTaskView(IntakeFileView):
    """`IntakeFileView` run as a flow task: filing completes the task in the same transaction."""

    failure_review = False

    def dispatch(self, request, *args, **kwargs):
        kwargs["pk"] = request.activation.process.artifact_object_id
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "task": self.request.activation.task,
            "can_retry": self.failure_review and self.item.status == IntakeStatus.FAILED,
            "can_split": not self.failure_review and (self.item.page_count or 0) > 1,
            "form_action": self.request.path,
        }

    def post(self, request, *args, **kwargs):
        if "retry" in request.POST:
            return self.retry()
        if "split" in request.POST:
            return self.split(request.POST.get("ranges", ""))
        return super().post(request, *args, **kwargs)

    def split(self, ranges: str):
        if self.failure_review:
            raise PermissionDenied(_("Nur gelesene Dokumente können aufgeteilt werden."))
        try:
            with transaction.atomic():
                parts = intake_split(actor=self.request.user, item=self.item, ranges=ranges)
        except ValidationError as error:
            messages.error(self.request, " ".join(error.messages))
            return HttpResponseRedirect(self.request.path)
        messages.success(
            self.request,
            _("„%(name)s“ in %(count)s Teile aufgeteilt.")
            % {"name": self.item.filename, "count": len(parts)},
        )
        return HttpResponseRedirect(reverse("efile:intake:index"))

    def retry(self):
        if not self.failure_review:
            raise PermissionDenied(_("Nur Einträge der Fehlerablage können erneut gelesen werden."))
        try:
            item = intake_retry(actor=self.request.user, item=self.item)
        except ValidationError as error:
            messages.error(self.request, " ".join(error.messages))
            return HttpResponseRedirect(reverse("efile:intake:item", args=[self.item.pk]))
        self.request.activation.execute()
        queue_reading(item)
        messages.info(
            self.request,
            _("„%(name)s“ wird erneut gelesen.") % {"name": item.filename},
        )
        return HttpResponseRedirect(reverse("efile:intake:item", args=[item.pk]))

    def after_filing(self, document) -> None:
        self.request.activation.execute()
