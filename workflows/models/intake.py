"""The process proxy of the intake flow, with the predicates its gates ask."""

from django.utils.translation import gettext_lazy as _
from viewflow.workflow.models import Process

from efile.models import IntakeItem, IntakeStatus


class IntakeProcess(Process):
    """One received item on its way into an e-file; the item is the process artifact."""

    class Meta:
        proxy = True
        verbose_name = _("Eingangsvorgang")
        verbose_name_plural = _("Eingangsvorgänge")

    @property
    def item(self) -> IntakeItem:
        return IntakeItem.objects.get(pk=self.artifact_object_id)

    def is_readable(self) -> bool:
        return self.item.status == IntakeStatus.TO_FILE

    def was_retried(self) -> bool:
        return self.item.status == IntakeStatus.RECEIVED
