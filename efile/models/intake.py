"""The intake inbox: everything received, stored at once, until it is filed or has failed."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .documents import Document, DocumentKind
from .organisation import OrgUnit


class IntakeChannel(models.TextChoices):
    UPLOAD = "upload", _("Hochgeladen")
    SCAN_FOLDER = "scan", _("Scanordner")
    BATCH = "batch", _("Stapelimport")
    MAIL = "mail", _("E-Mail")
    API = "api", _("Schnittstelle")
    PAPERLESS = "paperless", _("Paperless-ngx")


class IntakeStatus(models.TextChoices):
    RECEIVED = "received", _("Eingegangen")
    TO_FILE = "to_file", _("Zuzuordnen")
    FILED = "filed", _("Abgelegt")
    FAILED = "failed", _("Fehlerablage")
    SPLIT = "split", _("Aufgeteilt")
    MERGED = "merged", _("Zusammengeführt")
    INVOICE = "invoice", _("An Rechnungseingang übergeben")


class IntakeItem(models.Model):
    """One received file. Its original bytes are stored before anything else happens and are
    never altered; reading results and failures are recorded beside them."""

    org_unit = models.ForeignKey(
        OrgUnit,
        on_delete=models.PROTECT,
        related_name="intake_items",
        verbose_name=_("Posteingang der Organisationseinheit"),
    )
    channel = models.CharField(_("Eingangskanal"), max_length=10, choices=IntakeChannel.choices)
    filename = models.CharField(_("Dateiname"), max_length=255)
    sha256 = models.CharField(_("SHA-256"), max_length=64, db_index=True)
    blob = models.CharField(_("Ablagepfad"), max_length=200)
    size = models.PositiveBigIntegerField(_("Größe (Bytes)"))
    mime_type = models.CharField(_("MIME-Typ"), max_length=100)
    received_at = models.DateTimeField(_("Eingegangen am"), default=timezone.now)
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("Eingereicht von"),
    )
    status = models.CharField(
        _("Status"), max_length=10, choices=IntakeStatus.choices, default=IntakeStatus.RECEIVED
    )
    failure_code = models.CharField(_("Fehlercode"), max_length=40, blank=True)
    failure_reason = models.TextField(_("Grund"), blank=True)
    attempts = models.PositiveSmallIntegerField(_("Leseversuche"), default=0)
    page_count = models.PositiveIntegerField(_("Seiten"), null=True, blank=True)
    text = models.TextField(_("Erkannter Text"), blank=True)
    mean_confidence = models.FloatField(_("Mittlere OCR-Konfidenz"), null=True, blank=True)
    searchable_blob = models.CharField(_("Durchsuchbares PDF"), max_length=200, blank=True)
    suggested_kind = models.CharField(
        _("Vorgeschlagene Dokumentart"), max_length=12, choices=DocumentKind.choices, blank=True
    )
    document = models.OneToOneField(
        Document,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="intake_item",
        verbose_name=_("Abgelegt als"),
    )
    filed_at = models.DateTimeField(_("Abgelegt am"), null=True, blank=True)
    sources = models.ManyToManyField(
        "self",
        symmetrical=False,
        blank=True,
        related_name="parts",
        verbose_name=_("Entstanden aus"),
        help_text=_(
            "Eingänge, aus deren Seiten dieser Eingang aufgeteilt oder zusammengeführt wurde."
        ),
    )

    class Meta:
        verbose_name = _("Posteingang")
        verbose_name_plural = _("Posteingang")
        ordering = ["-received_at", "-id"]
        indexes = [models.Index(fields=["org_unit", "status", "-received_at"])]

    def __str__(self) -> str:
        return f"{self.filename} ({self.get_status_display()})"
