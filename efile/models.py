"""Tables of the e-file core: departments, filing plan, e-files, documents, parties, audit."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class OrgUnit(models.Model):
    """A department (Amt, Fachbereich) that owns e-files; users are its members."""

    code = models.SlugField(_("Kürzel"), max_length=20, unique=True)
    name = models.CharField(_("Bezeichnung"), max_length=200)
    municipality = models.CharField(_("Gemeinde"), max_length=200, blank=True)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        related_name="org_units",
        blank=True,
        verbose_name=_("Mitglieder"),
    )

    class Meta:
        verbose_name = _("Organisationseinheit")
        verbose_name_plural = _("Organisationseinheiten")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class DisposalAction(models.TextChoices):
    ARCHIVE = "archive", _("Archivieren")
    DESTROY = "destroy", _("Vernichten")
    EVALUATE = "evaluate", _("Bewerten")


class FilingPlanItem(models.Model):
    """A position of the filing plan (Aktenplan), e.g. `610.20 Baugenehmigungen`."""

    code = models.CharField(
        _("Aktenplankennzeichen"),
        max_length=30,
        unique=True,
        help_text=_("Ziffern, durch Punkte gegliedert, z. B. 610.20"),
    )
    title = models.CharField(_("Bezeichnung"), max_length=200)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("Übergeordnete Position"),
    )
    retention_years = models.PositiveSmallIntegerField(_("Aufbewahrungsfrist (Jahre)"), default=10)
    disposal_action = models.CharField(
        _("Aussonderung"),
        max_length=10,
        choices=DisposalAction.choices,
        default=DisposalAction.EVALUATE,
    )
    files_allowed = models.BooleanField(
        _("Akten zulässig"),
        default=True,
        help_text=_("Nur auf Positionen mit diesem Merkmal können Akten angelegt werden."),
    )

    class Meta:
        verbose_name = _("Aktenplanposition")
        verbose_name_plural = _("Aktenplan")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(code__regex=r"^[0-9]+(\.[0-9]+)*$"),
                name="filingplanitem_code_format",
            )
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    @property
    def depth(self) -> int:
        return self.code.count(".")


class AktenzeichenCounter(models.Model):
    """The last running number handed out per filing plan position and year."""

    plan_item = models.ForeignKey(FilingPlanItem, on_delete=models.PROTECT)
    year = models.PositiveSmallIntegerField()
    last_number = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["plan_item", "year"], name="aktenzeichen_counter_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.plan_item_id}/{self.year}: {self.last_number}"


class EFileStatus(models.TextChoices):
    OPEN = "open", _("Offen")
    CLOSED = "closed", _("Geschlossen")
    ARCHIVED = "archived", _("Archiviert")
    DESTROYED = "destroyed", _("Vernichtet")


class EFile(models.Model):
    """An e-file (Akte): identified by its Aktenzeichen, owned by one department."""

    reference = models.CharField(_("Aktenzeichen"), max_length=60, unique=True, editable=False)
    plan_item = models.ForeignKey(
        FilingPlanItem,
        on_delete=models.PROTECT,
        related_name="efiles",
        verbose_name=_("Aktenplanposition"),
    )
    year = models.PositiveSmallIntegerField(_("Jahr"), editable=False)
    number = models.PositiveIntegerField(_("Laufende Nummer"), editable=False)
    title = models.CharField(_("Betreff"), max_length=300)
    org_unit = models.ForeignKey(
        OrgUnit,
        on_delete=models.PROTECT,
        related_name="efiles",
        verbose_name=_("Federführende Organisationseinheit"),
    )
    status = models.CharField(
        _("Status"), max_length=10, choices=EFileStatus.choices, default=EFileStatus.OPEN
    )
    opened_at = models.DateTimeField(_("Angelegt am"), default=timezone.now)
    closed_at = models.DateTimeField(_("Geschlossen am"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("Angelegt von"),
    )

    class Meta:
        verbose_name = _("E-Akte")
        verbose_name_plural = _("E-Akten")
        ordering = ["-opened_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan_item", "year", "number"], name="efile_number_unique"
            )
        ]
        indexes = [models.Index(fields=["org_unit", "status", "-opened_at"])]
        permissions = [
            ("view_all_efiles", _("Metadaten aller Akten sehen")),
            ("close_efile", _("Akten schließen")),
            ("dispose_efile", _("Akten aussondern (archivieren oder vernichten)")),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"

    @property
    def is_open(self) -> bool:
        return self.status == EFileStatus.OPEN


class DocumentKind(models.TextChoices):
    LETTER = "letter", _("Schreiben")
    INVOICE = "invoice", _("Rechnung")
    APPLICATION = "application", _("Antrag")
    PLAN = "plan", _("Plan")
    NOTICE = "notice", _("Bescheid")
    STATEMENT = "statement", _("Stellungnahme")
    NOTE = "note", _("Vermerk")
    OTHER = "other", _("Sonstiges")


class Party(models.Model):
    """A person or organisation, entered once and reused (once-only principle)."""

    class Kind(models.TextChoices):
        PERSON = "person", _("Person")
        ORGANISATION = "organisation", _("Organisation")

    kind = models.CharField(_("Art"), max_length=12, choices=Kind.choices, default=Kind.PERSON)
    name = models.CharField(_("Name"), max_length=300)
    street = models.CharField(_("Straße und Hausnummer"), max_length=200, blank=True)
    postcode = models.CharField(_("PLZ"), max_length=10, blank=True)
    city = models.CharField(_("Ort"), max_length=100, blank=True)
    country = models.CharField(_("Land"), max_length=2, default="DE")
    email = models.EmailField(_("E-Mail"), blank=True)
    iban = models.CharField(_("IBAN"), max_length=34, blank=True)
    vat_id = models.CharField(_("USt-IdNr."), max_length=20, blank=True)
    leitweg_id = models.CharField(_("Leitweg-ID"), max_length=46, blank=True)
    name_key = models.CharField(max_length=300, editable=False, db_index=True)
    created_at = models.DateTimeField(_("Erfasst am"), auto_now_add=True)

    class Meta:
        verbose_name = _("Beteiligte(r)")
        verbose_name_plural = _("Beteiligte")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["vat_id"], condition=~Q(vat_id=""), name="party_vat_id_unique"
            ),
            models.UniqueConstraint(
                fields=["iban"], condition=~Q(iban=""), name="party_iban_unique"
            ),
            models.UniqueConstraint(
                fields=["name_key", "postcode"],
                condition=~Q(postcode=""),
                name="party_name_postcode_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name}, {self.postcode} {self.city}".strip(", ")


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


AUDIT_ACTION_LABELS = {
    "efile.create": _("Akte angelegt"),
    "efile.update": _("Akte geändert"),
    "efile.close": _("Akte geschlossen"),
    "efile.reopen": _("Akte wieder geöffnet"),
    "efile.archive": _("Akte archiviert"),
    "efile.destroy": _("Akte vernichtet"),
    "document.create": _("Dokument abgelegt"),
    "documentversion.create": _("Version abgelegt"),
    "party.create": _("Beteiligte(n) erfasst"),
    "party.update": _("Beteiligte(n) geändert"),
    "resubmission.create": _("Wiedervorlage gesetzt"),
    "resubmission.complete": _("Wiedervorlage erledigt"),
    "orgunit.create": _("Organisationseinheit angelegt"),
    "orgunit.update": _("Organisationseinheit geändert"),
    "filingplanitem.create": _("Aktenplanposition angelegt"),
    "filingplanitem.update": _("Aktenplanposition geändert"),
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
