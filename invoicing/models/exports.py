"""Booking batches (CSV for the finance system) and payment runs (SEPA pain.001): each file
is stored once; an invoice belongs to at most one of each, so it is never exported twice."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ExportFile(models.Model):
    created_at = models.DateTimeField(_("Erstellt am"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name=_("Erstellt von"),
    )
    filename = models.CharField(_("Dateiname"), max_length=100)
    blob = models.CharField(_("Ablagepfad"), max_length=200)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    invoice_count = models.PositiveIntegerField(_("Rechnungen"))
    total = models.DecimalField(_("Summe (EUR)"), max_digits=19, decimal_places=2)

    class Meta:
        abstract = True
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.filename


class BookingBatch(ExportFile):
    class Meta(ExportFile.Meta):
        verbose_name = _("Buchungsstapel")
        verbose_name_plural = _("Buchungsstapel")


class PaymentRun(ExportFile):
    execution_date = models.DateField(_("Ausführungsdatum"))
    skonto_total = models.DecimalField(
        _("Gezogenes Skonto (EUR)"), max_digits=19, decimal_places=2, default=0
    )

    class Meta(ExportFile.Meta):
        verbose_name = _("Zahlungslauf")
        verbose_name_plural = _("Zahlungsläufe")
