"""Wiedervorlagen: bring an e-file back on a date."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .efiles import EFile
from .organisation import OrgUnit


class Resubmission(models.Model):
    """A Wiedervorlage: bring an e-file back to a user or a department on a date."""

    efile = models.ForeignKey(
        EFile, on_delete=models.PROTECT, related_name="resubmissions", verbose_name=_("E-Akte")
    )
    due_on = models.DateField(_("Wiedervorlage am"))
    note = models.CharField(_("Notiz"), max_length=500)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="resubmissions",
        verbose_name=_("Für Person"),
    )
    org_unit = models.ForeignKey(
        OrgUnit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="resubmissions",
        verbose_name=_("Für Organisationseinheit"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    done_at = models.DateTimeField(_("Erledigt am"), null=True, blank=True)

    class Meta:
        verbose_name = _("Wiedervorlage")
        verbose_name_plural = _("Wiedervorlagen")
        ordering = ["due_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(user__isnull=False) | Q(org_unit__isnull=False),
                name="resubmission_has_recipient",
            )
        ]
        indexes = [
            models.Index(
                fields=["due_on"], condition=Q(done_at__isnull=True), name="resub_open_due"
            )
        ]

    def __str__(self) -> str:
        return f"{self.efile.reference} – {self.due_on:%d.%m.%Y}"
