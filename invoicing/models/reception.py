"""The received invoice files, their verdicts and the state of their approval. The invoice
*content* model of EN 16931 is the pure dataclass module `invoicing.model`."""

from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from efile.models import IntakeItem, OrgUnit


class Verdict(models.TextChoices):
    VALID = "valid", _("gültig")
    INVALID = "invalid", _("ungültig")
    NOT_CHECKED = "not_checked", _("nicht geprüft")


class InvoiceChannel(models.TextChoices):
    UPLOAD = "upload", _("Hochgeladen")
    API = "api", _("Schnittstelle")
    INTAKE = "intake", _("Posteingang")


class ApprovalStatus(models.TextChoices):
    RECEIVED = "received", _("Eingegangen")
    TRIAGE = "triage", _("Zuständigkeit klären")
    FACTUAL = "factual", _("Sachliche Prüfung")
    ARITHMETIC = "arithmetic", _("Rechnerische Prüfung")
    APPROVAL = "approval", _("Anordnung")
    APPROVED = "approved", _("Angeordnet, zur Zahlung bereit")
    PAID = "paid", _("Zahlung veranlasst")
    REJECTED = "rejected", _("Zurückgewiesen")


OPEN_STATUSES = (
    ApprovalStatus.TRIAGE,
    ApprovalStatus.FACTUAL,
    ApprovalStatus.ARITHMETIC,
    ApprovalStatus.APPROVAL,
)


class ReceivedInvoice(models.Model):
    """One received e-invoice file: the original bytes (never altered), the verdict of the
    validation with every finding, and the key business terms for lists and search."""

    org_unit = models.ForeignKey(
        OrgUnit,
        on_delete=models.PROTECT,
        related_name="invoices",
        verbose_name=_("Empfangende Organisationseinheit"),
    )
    channel = models.CharField(_("Eingangskanal"), max_length=10, choices=InvoiceChannel.choices)
    filename = models.CharField(_("Dateiname"), max_length=255)
    sha256 = models.CharField(_("SHA-256"), max_length=64, unique=True)
    blob = models.CharField(_("Ablagepfad"), max_length=200)
    size = models.PositiveBigIntegerField(_("Größe (Bytes)"))
    received_at = models.DateTimeField(_("Eingegangen am"), default=timezone.now)
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("Eingereicht von"),
    )
    intake_item = models.OneToOneField(
        IntakeItem,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="invoice",
        verbose_name=_("Aus dem Posteingang"),
    )
    syntax = models.CharField(_("Syntax"), max_length=10, blank=True)
    profile = models.CharField(_("Profil"), max_length=20, blank=True)
    customization_id = models.CharField(_("Spezifikation (BT-24)"), max_length=300, blank=True)
    verdict = models.CharField(_("Prüfergebnis"), max_length=12, choices=Verdict.choices)
    error_count = models.PositiveIntegerField(_("Fehler"), default=0)
    warning_count = models.PositiveIntegerField(_("Hinweise"), default=0)
    findings = models.JSONField(_("Befunde"), default=list, blank=True)
    official_check = models.JSONField(
        _("Abgleich mit den offiziellen Regeln"), null=True, blank=True
    )
    number = models.CharField(_("Rechnungsnummer (BT-1)"), max_length=200, blank=True)
    issue_date = models.DateField(_("Rechnungsdatum (BT-2)"), null=True, blank=True)
    due_date = models.DateField(_("Fälligkeitsdatum (BT-9)"), null=True, blank=True)
    currency = models.CharField(_("Währung (BT-5)"), max_length=3, blank=True)
    amount_due = models.DecimalField(
        _("Zahlbetrag (BT-115)"), max_digits=19, decimal_places=2, null=True, blank=True
    )
    seller_name = models.CharField(_("Verkäufer (BT-27)"), max_length=300, blank=True)
    seller_vat_id = models.CharField(
        _("USt-IdNr. des Verkäufers (BT-31)"), max_length=40, blank=True
    )
    buyer_reference = models.CharField(
        _("Leitweg-ID / Käuferreferenz (BT-10)"), max_length=200, blank=True
    )
    order_reference = models.CharField(_("Bestellreferenz (BT-13)"), max_length=200, blank=True)
    net_amount = models.DecimalField(
        _("Nettobetrag (BT-109)"), max_digits=19, decimal_places=2, null=True, blank=True
    )
    tax_amount = models.DecimalField(
        _("Umsatzsteuer (BT-110)"), max_digits=19, decimal_places=2, null=True, blank=True
    )
    gross_amount = models.DecimalField(
        _("Bruttobetrag (BT-112)"), max_digits=19, decimal_places=2, null=True, blank=True
    )
    tax_key = models.CharField(_("Steuerschlüssel"), max_length=40, blank=True)
    seller_iban = models.CharField(
        _("IBAN des Zahlungsempfängers (BT-84)"), max_length=34, blank=True
    )
    seller_bic = models.CharField(_("BIC (BT-86)"), max_length=11, blank=True)
    payee_name = models.CharField(_("Zahlungsempfänger"), max_length=300, blank=True)
    skonto_until = models.DateField(_("Skonto bis"), null=True, blank=True)
    skonto_percent = models.DecimalField(
        _("Skonto (%)"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    skonto_base = models.DecimalField(
        _("Skonto-Basisbetrag"), max_digits=19, decimal_places=2, null=True, blank=True
    )

    status = models.CharField(
        _("Bearbeitungsstand"),
        max_length=12,
        choices=ApprovalStatus.choices,
        default=ApprovalStatus.RECEIVED,
    )
    ordering_unit = models.ForeignKey(
        OrgUnit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="ordered_invoices",
        verbose_name=_("Bestellende Stelle"),
    )
    account = models.CharField(_("Sachkonto"), max_length=20, blank=True)
    cost_centre = models.CharField(_("Kostenstelle"), max_length=20, blank=True)
    approvers_required = models.PositiveSmallIntegerField(_("Erforderliche Anordnungen"), default=1)
    rejection_reason = models.TextField(_("Grund der Zurückweisung"), blank=True)
    escalation_level = models.PositiveSmallIntegerField(_("Eskalationsstufe"), default=0)
    booking_batch = models.ForeignKey(
        "invoicing.BookingBatch",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="invoices",
        verbose_name=_("Buchungsstapel"),
    )
    payment_run = models.ForeignKey(
        "invoicing.PaymentRun",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="invoices",
        verbose_name=_("Zahlungslauf"),
    )
    paid_amount = models.DecimalField(
        _("Gezahlter Betrag"), max_digits=19, decimal_places=2, null=True, blank=True
    )
    skonto_taken = models.DecimalField(
        _("Gezogenes Skonto"), max_digits=19, decimal_places=2, null=True, blank=True
    )
    filed_in = models.ForeignKey(
        "efile.EFile",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("Abgelegt in"),
    )

    class Meta:
        verbose_name = _("Eingangsrechnung")
        verbose_name_plural = _("Eingangsrechnungen")
        ordering = ["-received_at", "-id"]
        indexes = [
            models.Index(fields=["org_unit", "verdict", "-received_at"]),
            models.Index(fields=["seller_vat_id", "number"]),
            models.Index(fields=["status", "skonto_until"]),
        ]
        permissions = [
            ("confirm_factual", _("Rechnungen sachlich richtig zeichnen")),
            ("confirm_arithmetic", _("Rechnungen rechnerisch richtig zeichnen")),
            ("approve_invoice", _("Rechnungen zur Zahlung anordnen")),
            ("export_invoices", _("Buchungs- und Zahlungsdateien erzeugen")),
        ]

    def __str__(self) -> str:
        return self.number or self.filename

    @property
    def deadline(self):
        """The date that drives escalation: the cash discount date, else the due date."""
        return self.skonto_until or self.due_date

    @property
    def skonto_amount(self) -> Decimal | None:
        if self.skonto_percent is None:
            return None
        base = self.skonto_base if self.skonto_base is not None else self.amount_due
        if base is None:
            return None
        return (base * self.skonto_percent / 100).quantize(Decimal("0.01"), ROUND_HALF_UP)


class InvoiceAttachment(models.Model):
    """A document embedded in the invoice (BG-24), stored as its own blob."""

    invoice = models.ForeignKey(
        ReceivedInvoice, on_delete=models.PROTECT, related_name="attachments"
    )
    filename = models.CharField(_("Dateiname"), max_length=255)
    description = models.CharField(_("Beschreibung (BT-123)"), max_length=500, blank=True)
    mime_type = models.CharField(_("MIME-Typ"), max_length=100, blank=True)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    blob = models.CharField(_("Ablagepfad"), max_length=200)
    size = models.PositiveBigIntegerField(_("Größe (Bytes)"))

    class Meta:
        verbose_name = _("Rechnungsanlage")
        verbose_name_plural = _("Rechnungsanlagen")
        ordering = ["invoice", "id"]

    def __str__(self) -> str:
        return self.filename


class OwnRuleLevel(models.Model):
    """An administrator's decision to treat one of our own checks (warnings by default,
    the verdict is the official rules' alone) as an error that rejects the invoice."""

    rule = models.CharField(_("Regel"), max_length=40, unique=True)
    reject = models.BooleanField(_("Als Fehler werten"), default=True)

    class Meta:
        verbose_name = _("Stufe einer eigenen Prüfung")
        verbose_name_plural = _("Stufen der eigenen Prüfungen")

    def __str__(self) -> str:
        return self.rule
