"""The approval chain's records and configuration: every decision on an invoice (sachlich /
rechnerisch richtig, Anordnung, send-back, rejection), the routing table to the ordering
department, and the approval matrix (amount bands × number of approvers, approver limits)."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from efile.models import OrgUnit

from .reception import ReceivedInvoice


class Step(models.TextChoices):
    TRIAGE = "triage", _("Zuständigkeit")
    FACTUAL = "factual", _("Sachlich richtig")
    ARITHMETIC = "arithmetic", _("Rechnerisch richtig")
    APPROVAL = "approval", _("Anordnung")


class Decision(models.TextChoices):
    CONFIRM = "confirm", _("Bestätigt")
    SEND_BACK = "send_back", _("Zurückgegeben")
    REJECT = "reject", _("Zurückgewiesen")


class ApprovalStep(models.Model):
    """One decision taken on an invoice; the approval history, append-only."""

    invoice = models.ForeignKey(
        ReceivedInvoice, on_delete=models.PROTECT, related_name="approval_steps"
    )
    step = models.CharField(_("Schritt"), max_length=12, choices=Step.choices)
    decision = models.CharField(_("Entscheidung"), max_length=12, choices=Decision.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("Von")
    )
    note = models.TextField(_("Bemerkung"), blank=True)
    decided_at = models.DateTimeField(_("Am"), default=timezone.now)
    # Confirmations before a send-back no longer count toward the approval.
    valid = models.BooleanField(_("Gültig"), default=True)

    class Meta:
        verbose_name = _("Prüfschritt")
        verbose_name_plural = _("Prüfschritte")
        ordering = ["invoice", "decided_at", "id"]

    def __str__(self) -> str:
        return f"{self.get_step_display()}: {self.get_decision_display()}"


class RouteKey(models.TextChoices):
    BUYER_REFERENCE = "buyer_reference", _("Leitweg-ID / Käuferreferenz (BT-10)")
    ORDER_REFERENCE = "order_reference", _("Bestellreferenz (BT-13)")


class InvoiceRoute(models.Model):
    """Which department ordered what: an invoice whose BT-10 or BT-13 equals `value` goes to
    `org_unit` for the factual check."""

    key = models.CharField(_("Merkmal"), max_length=20, choices=RouteKey.choices)
    value = models.CharField(_("Wert"), max_length=200)
    org_unit = models.ForeignKey(
        OrgUnit, on_delete=models.PROTECT, related_name="+", verbose_name=_("Bestellende Stelle")
    )

    class Meta:
        verbose_name = _("Rechnungsweg")
        verbose_name_plural = _("Rechnungswege")
        ordering = ["key", "value"]
        constraints = [
            models.UniqueConstraint(fields=["key", "value"], name="invoice_route_unique")
        ]

    def __str__(self) -> str:
        return f"{self.get_key_display()} {self.value} → {self.org_unit}"


class ApprovalBand(models.Model):
    """A row of the approval matrix: gross amounts from `amount_from` (inclusive) up to
    `amount_to` (exclusive, open when empty) need `approvers` Anordnungen. A band of a
    department wins over a band for all departments."""

    org_unit = models.ForeignKey(
        OrgUnit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("Bestellende Stelle (leer: alle)"),
    )
    amount_from = models.DecimalField(_("Betrag ab (EUR)"), max_digits=19, decimal_places=2)
    amount_to = models.DecimalField(
        _("Betrag bis unter (EUR)"), max_digits=19, decimal_places=2, null=True, blank=True
    )
    approvers = models.PositiveSmallIntegerField(
        _("Anzahl Anordnungen"), choices=[(1, "1"), (2, "2")], default=1
    )

    class Meta:
        verbose_name = _("Betragsstufe")
        verbose_name_plural = _("Betragsstufen (Freigabematrix)")
        ordering = ["org_unit__name", "amount_from"]

    def __str__(self) -> str:
        upper = self.amount_to if self.amount_to is not None else "∞"
        return f"{self.org_unit or _('alle')}: {self.amount_from}–{upper} → {self.approvers}"


class ApproverLimit(models.Model):
    """Up to which gross amount a user may order a payment (Anordnungsbefugnis), for one
    department or, without one, for every department they are a member of."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="approver_limits",
        verbose_name=_("Anordnungsbefugte Person"),
    )
    org_unit = models.ForeignKey(
        OrgUnit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("Organisationseinheit (leer: alle eigenen)"),
    )
    limit = models.DecimalField(_("Betragsgrenze (EUR)"), max_digits=19, decimal_places=2)

    class Meta:
        verbose_name = _("Anordnungsgrenze")
        verbose_name_plural = _("Anordnungsgrenzen")
        ordering = ["user__username", "org_unit__name"]

    def __str__(self) -> str:
        return f"{self.user}: {self.limit}"


class RejectionNotice(models.Model):
    """The letter to the supplier why an invoice is not accepted: text for e-mail or portal,
    and the same as PDF."""

    invoice = models.OneToOneField(
        ReceivedInvoice, on_delete=models.PROTECT, related_name="rejection_notice"
    )
    text = models.TextField(_("Text"))
    pdf_blob = models.CharField(_("PDF-Ablagepfad"), max_length=200)
    created_at = models.DateTimeField(_("Erstellt am"), default=timezone.now)

    class Meta:
        verbose_name = _("Zurückweisungsschreiben")
        verbose_name_plural = _("Zurückweisungsschreiben")

    def __str__(self) -> str:
        return str(self.invoice)
