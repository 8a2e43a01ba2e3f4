"""The append-only, hash-chained audit trail."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .documents import ImmutableRowError

AUDIT_ACTION_LABELS = {
    "efile.create": _("Akte angelegt"),
    "efile.update": _("Akte geändert"),
    "efile.close": _("Akte geschlossen"),
    "efile.reopen": _("Akte wieder geöffnet"),
    "efile.archive": _("Akte archiviert"),
    "efile.destroy": _("Akte vernichtet"),
    "document.create": _("Dokument abgelegt"),
    "documentversion.create": _("Version abgelegt"),
    "documentversion.read": _("Text der Version erkannt"),
    "party.create": _("Beteiligte(n) erfasst"),
    "party.update": _("Beteiligte(n) geändert"),
    "resubmission.create": _("Wiedervorlage gesetzt"),
    "resubmission.complete": _("Wiedervorlage erledigt"),
    "orgunit.create": _("Organisationseinheit angelegt"),
    "orgunit.update": _("Organisationseinheit geändert"),
    "filingplanitem.create": _("Aktenplanposition angelegt"),
    "filingplanitem.update": _("Aktenplanposition geändert"),
    "intake.receive": _("Eingang gespeichert"),
    "intake.read": _("Eingang gelesen"),
    "intake.fail": _("In die Fehlerablage gelegt"),
    "intake.retry": _("Erneut zum Lesen gegeben"),
    "intake.file": _("Eingang abgelegt"),
    "intake.split": _("Eingang aufgeteilt"),
    "intake.merged": _("Eingang zusammengeführt"),
    "intake.hand_over": _("Eingang übergeben"),
    "paperless.import": _("Aus Paperless-ngx übernommen"),
    "paperless.transfer": _("In Paperless-ngx als übertragen markiert"),
    "paperless.push": _("Aktenzeichen an Paperless-ngx zurückgeschrieben"),
    "invoice.receive": _("Rechnung entgegengenommen"),
    "ownrulelevel.create": _("Stufe einer eigenen Prüfung festgelegt"),
    "ownrulelevel.update": _("Stufe einer eigenen Prüfung geändert"),
}


class AuditEvent(models.Model):
    """An append-only, hash-chained record of one change.

    `hash` covers this event's content and `previous_hash`; editing or deleting any row
    breaks the chain at that point, which `manage.py audit_verify` reports.
    """

    timestamp = models.DateTimeField(_("Zeitpunkt"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("Handelnde Person"),
    )
    actor_name = models.CharField(_("Benutzername"), max_length=150, blank=True)
    action = models.CharField(_("Aktion"), max_length=30)
    object_type = models.CharField(_("Objektart"), max_length=60)
    object_id = models.CharField(_("Objekt-ID"), max_length=64)
    object_repr = models.CharField(_("Objekt"), max_length=300)
    changes = models.JSONField(_("Änderungen"), default=dict)
    previous_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        verbose_name = _("Protokolleintrag")
        verbose_name_plural = _("Protokoll")
        ordering = ["id"]
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        return f"{self.timestamp:%Y-%m-%d %H:%M} {self.action} {self.object_repr}"

    def save(self, *args, **kwargs) -> None:
        if not self._state.adding:
            raise ImmutableRowError("Audit events are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ImmutableRowError("Audit events are append-only.")

    @property
    def action_label(self) -> str:
        return str(AUDIT_ACTION_LABELS.get(self.action, self.action))


class AuditChainHead(models.Model):
    """A single row holding the chain's last hash and length.

    Writers lock it (`select_for_update`) so events are appended one after the other even
    with concurrent transactions; the stored length also reveals deleted trailing events.
    """

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    last_hash = models.CharField(max_length=64)
    length = models.PositiveBigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.length} events, last {self.last_hash[:12]}"
