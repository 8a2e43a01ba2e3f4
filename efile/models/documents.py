"""Documents and their append-only, content-addressed versions."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .efiles import EFile
from .parties import Party


class DocumentKind(models.TextChoices):
    LETTER = "letter", _("Schreiben")
    INVOICE = "invoice", _("Rechnung")
    APPLICATION = "application", _("Antrag")
    PLAN = "plan", _("Plan")
    NOTICE = "notice", _("Bescheid")
    STATEMENT = "statement", _("Stellungnahme")
    NOTE = "note", _("Vermerk")
    OTHER = "other", _("Sonstiges")


class Document(models.Model):
    """A document in an e-file; its content lives in append-only versions."""

    efile = models.ForeignKey(
        EFile, on_delete=models.PROTECT, related_name="documents", verbose_name=_("E-Akte")
    )
    title = models.CharField(_("Titel"), max_length=300)
    kind = models.CharField(
        _("Dokumentart"), max_length=12, choices=DocumentKind.choices, default=DocumentKind.LETTER
    )
    received_on = models.DateField(_("Eingangsdatum"), default=timezone.localdate)
    sender = models.ForeignKey(
        Party,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="documents",
        verbose_name=_("Absender"),
    )
    created_at = models.DateTimeField(_("Erfasst am"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("Erfasst von"),
    )

    class Meta:
        verbose_name = _("Dokument")
        verbose_name_plural = _("Dokumente")
        ordering = ["-received_on", "-id"]

    def __str__(self) -> str:
        return self.title


class ImmutableRowError(Exception):
    """Raised when code tries to change or delete a row that is append-only."""


class DocumentVersion(models.Model):
    """One immutable content state of a document, stored content-addressed by sha256."""

    document = models.ForeignKey(
        Document, on_delete=models.PROTECT, related_name="versions", verbose_name=_("Dokument")
    )
    number = models.PositiveIntegerField(_("Version"))
    sha256 = models.CharField(_("SHA-256"), max_length=64, db_index=True)
    blob = models.CharField(_("Ablagepfad"), max_length=200)
    filename = models.CharField(_("Dateiname"), max_length=255)
    mime_type = models.CharField(_("MIME-Typ"), max_length=100)
    size = models.PositiveBigIntegerField(_("Größe (Bytes)"))
    page_count = models.PositiveIntegerField(_("Seiten"), null=True, blank=True)
    text = models.TextField(_("Text"), blank=True)
    ocr_confidence = models.FloatField(_("Mittlere OCR-Konfidenz"), null=True, blank=True)
    derived_from = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="derivatives",
        verbose_name=_("Abgeleitet von"),
    )
    created_at = models.DateTimeField(_("Erfasst am"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("Erfasst von"),
    )

    class Meta:
        verbose_name = _("Dokumentversion")
        verbose_name_plural = _("Dokumentversionen")
        ordering = ["document", "number"]
        constraints = [
            models.UniqueConstraint(fields=["document", "number"], name="document_version_unique")
        ]

    def __str__(self) -> str:
        return f"{self.document} (v{self.number})"

    def save(self, *args, **kwargs) -> None:
        if not self._state.adding:
            raise ImmutableRowError("Document versions are append-only and cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ImmutableRowError("Document versions are append-only and cannot be deleted.")
