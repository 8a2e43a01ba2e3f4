"""Documents taken over from a Paperless-ngx server, remembered by their Paperless id."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .intake import IntakeItem


class PaperlessImportState(models.TextChoices):
    IMPORTED = "imported", _("Übernommen, in Paperless-ngx noch nicht markiert")
    TRANSFERRED = "transferred", _("Übernommen und in Paperless-ngx markiert")


class PaperlessImport(models.Model):
    """One Paperless-ngx document taken into the intake inbox.

    The row is written in the same transaction as the intake item, so a document whose
    bytes are stored is never downloaded and taken in again; `state` says whether Paperless
    already carries the "transferred" tag (a failed tagging is repeated by the next run).
    """

    server_url = models.CharField(_("Paperless-ngx-Server"), max_length=200)
    paperless_id = models.PositiveIntegerField(_("Dokument-ID in Paperless-ngx"))
    title = models.CharField(_("Titel in Paperless-ngx"), max_length=300, blank=True)
    intake_item = models.ForeignKey(
        IntakeItem,
        on_delete=models.PROTECT,
        related_name="paperless_imports",
        verbose_name=_("Eingang"),
    )
    state = models.CharField(
        _("Stand"),
        max_length=12,
        choices=PaperlessImportState.choices,
        default=PaperlessImportState.IMPORTED,
    )
    imported_at = models.DateTimeField(_("Übernommen am"), default=timezone.now)
    transferred_at = models.DateTimeField(_("In Paperless-ngx markiert am"), null=True, blank=True)
    pushed_reference = models.CharField(
        _("Zurückgeschriebenes Aktenzeichen"), max_length=300, blank=True
    )
    pushed_at = models.DateTimeField(_("Zurückgeschrieben am"), null=True, blank=True)

    class Meta:
        verbose_name = _("Übernahme aus Paperless-ngx")
        verbose_name_plural = _("Übernahmen aus Paperless-ngx")
        ordering = ["-imported_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["server_url", "paperless_id"], name="paperless_import_once_per_document"
            )
        ]

    def __str__(self) -> str:
        return f"Paperless-ngx #{self.paperless_id} {self.title}".strip()
