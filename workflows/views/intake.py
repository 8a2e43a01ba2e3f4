"""The clerk tasks of the intake flow: Zuordnen (file into an e-file) and the error queue
review (read again, or file by hand). Both show the item page of the Posteingang."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _

from efile.models import IntakeStatus
from efile.services.intake import intake_retry
from efile.views.intake import IntakeFileView

from ..intake import queue_reading


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
            "form_action": self.request.path,
        }

    def post(self, request, *args, **kwargs):
        if "retry" in request.POST:
            return self.retry()
        return super().post(request, *args, **kwargs)

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
