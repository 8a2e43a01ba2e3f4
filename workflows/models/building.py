"""Building applications (Bauanträge): the application, its formal check, the Nachforderungen,
the statements of the Fachstellen and the decision.

Names follow the XBau message set so that a later XBau interface maps one to one:
0200 Bauantrag (`BuildingApplication`), 0201 formelle Prüfung / Nachforderung
(`ChecklistItem`, `Nachforderung`), 0300–0306 Beteiligung der Fachstellen
(`StatementRequest`), 0205 Bescheid (the decision fields and `notice`).
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from viewflow.workflow.models import Process

from efile.models import Document, EFile, FilingPlanItem, OrgUnit, Party


class ProjectKind(models.TextChoices):
    NEW_BUILDING = "neubau", _("Neubau")
    CONVERSION = "umbau", _("Umbau")
    EXTENSION = "anbau", _("Anbau / Erweiterung")
    DEMOLITION = "abbruch", _("Abbruch")
    CHANGE_OF_USE = "nutzungsaenderung", _("Nutzungsänderung")
    ADVERTISING = "reklame", _("Reklameanlage")
    OTHER = "sonstiges", _("Sonstiges Vorhaben")


class BuildingStatus(models.TextChoices):
    RECEIVED = "received", _("Eingegangen, in formeller Prüfung")
    INCOMPLETE = "incomplete", _("Unterlagen nachgefordert")
    COMPLETE = "complete", _("Vollständig, Beteiligung wird vorbereitet")
    PARTICIPATION = "participation", _("Fachstellen beteiligt")
    DECISION = "decision", _("In Entscheidung")
    SIGN_OFF = "sign_off", _("Bescheid zur Zeichnung")
    APPROVED = "approved", _("Genehmigt")
    REFUSED = "refused", _("Abgelehnt")
    REJECTED = "rejected", _("Zurückgewiesen (Unterlagen unvollständig)")


FINAL_STATUSES = (BuildingStatus.APPROVED, BuildingStatus.REFUSED, BuildingStatus.REJECTED)


class Decision(models.TextChoices):
    APPROVAL = "approval", _("Genehmigung")
    REFUSAL = "refusal", _("Ablehnung")


class BuildingAuthority(models.Model):
    """The building department's configuration (Bauaufsichtsbehörde): where its files go in
    the filing plan, how its letters are signed, the Rechtsbehelfsbelehrung, default
    deadlines. One per building department; set up by the administrator."""

    org_unit = models.OneToOneField(
        OrgUnit,
        on_delete=models.PROTECT,
        related_name="building_authority",
        verbose_name=_("Organisationseinheit (Bauamt)"),
    )
    name = models.CharField(
        _("Behördenbezeichnung"),
        max_length=200,
        help_text=_("Steht im Briefkopf, z. B. „Stadt Kriens – Bauamt“."),
    )
    address = models.CharField(_("Anschrift"), max_length=300, blank=True)
    plan_item = models.ForeignKey(
        FilingPlanItem,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("Aktenplanposition für Bauanträge"),
    )
    legal_remedy = models.TextField(
        _("Rechtsbehelfsbelehrung"),
        help_text=_("Wird unverändert in jeden Bescheid übernommen."),
    )
    nachforderung_days = models.PositiveSmallIntegerField(
        _("Frist für Nachforderungen (Tage)"), default=28
    )
    statement_days = models.PositiveSmallIntegerField(
        _("Frist für Stellungnahmen (Tage)"), default=28
    )
    reminder_days = models.PositiveSmallIntegerField(
        _("Erinnerung so viele Tage vor Fristablauf"), default=3
    )

    class Meta:
        verbose_name = _("Bauaufsichtsbehörde")
        verbose_name_plural = _("Bauaufsichtsbehörden")

    def __str__(self) -> str:
        return self.name


class ChecklistItem(models.Model):
    """One document or statement the formal check (Vollständigkeitsprüfung) asks for, per
    project kind; the administrator maintains the list."""

    project_kind = models.CharField(_("Art des Vorhabens"), max_length=20, choices=ProjectKind)
    label = models.CharField(_("Unterlage"), max_length=200)
    hint = models.CharField(_("Hinweis für die Antragsteller"), max_length=300, blank=True)
    position = models.PositiveSmallIntegerField(_("Reihenfolge"), default=0)
    active = models.BooleanField(_("Aktiv"), default=True)

    class Meta:
        verbose_name = _("Prüfpunkt der Vollständigkeitsprüfung")
        verbose_name_plural = _("Prüfliste der Vollständigkeitsprüfung")
        ordering = ["project_kind", "position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["project_kind", "label"], name="checklistitem_unique_label"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_project_kind_display()}: {self.label}"


class BuildingApplication(models.Model):
    """A building application (XBau 0200 Bauantrag) with its e-file."""

    class Channel(models.TextChoices):
        API = "api", _("Online (Schnittstelle)")
        PAPER = "paper", _("Papierantrag (erfasst)")

    org_unit = models.ForeignKey(
        OrgUnit,
        on_delete=models.PROTECT,
        related_name="building_applications",
        verbose_name=_("Bauamt"),
    )
    efile = models.OneToOneField(
        EFile,
        on_delete=models.PROTECT,
        related_name="building_application",
        verbose_name=_("E-Akte"),
    )
    applicant = models.ForeignKey(
        Party,
        on_delete=models.PROTECT,
        related_name="building_applications",
        verbose_name=_("Antragsteller(in)"),
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="building_applications",
        null=True,
        blank=True,
        verbose_name=_("Eingereicht von (Konto)"),
    )
    channel = models.CharField(_("Eingangsweg"), max_length=10, choices=Channel)
    project_kind = models.CharField(_("Art des Vorhabens"), max_length=20, choices=ProjectKind)
    description = models.TextField(_("Beschreibung des Vorhabens"))
    parcel = models.CharField(_("Flurstück / Parzelle"), max_length=200)
    site_address = models.CharField(_("Adresse des Baugrundstücks"), max_length=300)
    estimated_costs = models.DecimalField(
        _("Geschätzte Baukosten (EUR)"), max_digits=14, decimal_places=2
    )
    status = models.CharField(
        _("Status"), max_length=20, choices=BuildingStatus, default=BuildingStatus.RECEIVED
    )
    received_at = models.DateTimeField(_("Eingegangen am"), default=timezone.now)
    checklist = models.JSONField(
        _("Ergebnis der Vollständigkeitsprüfung"),
        default=list,
        blank=True,
        help_text=_("Liste von {label, present} der letzten Prüfung."),
    )
    checked_at = models.DateTimeField(_("Geprüft am"), null=True, blank=True)
    decision = models.CharField(_("Entscheidung"), max_length=10, choices=Decision, blank=True)
    conditions = models.TextField(_("Nebenbestimmungen / Auflagen"), blank=True)
    reasons = models.TextField(_("Begründung"), blank=True)
    drafted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("Entwurf von"),
    )
    drafted_at = models.DateTimeField(_("Entwurf vom"), null=True, blank=True)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("Gezeichnet von"),
    )
    decided_at = models.DateTimeField(_("Entschieden am"), null=True, blank=True)
    acknowledgement = models.ForeignKey(
        Document,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("Eingangsbestätigung"),
    )
    notice = models.ForeignKey(
        Document,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("Bescheid"),
    )

    class Meta:
        verbose_name = _("Bauantrag")
        verbose_name_plural = _("Bauanträge")
        ordering = ["-received_at", "-id"]
        indexes = [models.Index(fields=["org_unit", "status", "-received_at"])]
        permissions = [
            ("submit_buildingapplication", _("Bauanträge einreichen")),
            ("sign_off_buildingapplication", _("Baubescheide zeichnen")),
            ("give_statement", _("Stellungnahmen zu Bauanträgen abgeben")),
        ]

    def __str__(self) -> str:
        return f"{self.efile.reference} {self.get_project_kind_display()}, {self.site_address}"

    @property
    def is_final(self) -> bool:
        return self.status in FINAL_STATUSES


class NachforderungStatus(models.TextChoices):
    OPEN = "open", _("Offen")
    ANSWERED = "answered", _("Unterlagen eingereicht")
    REJECTED = "rejected", _("Frist abgelaufen, Antrag zurückgewiesen")


class Nachforderung(models.Model):
    """A request for missing documents (XBau 0201 formelle Prüfung, Nachforderung)."""

    application = models.ForeignKey(
        BuildingApplication,
        on_delete=models.PROTECT,
        related_name="nachforderungen",
        verbose_name=_("Bauantrag"),
    )
    missing = models.JSONField(_("Fehlende Unterlagen"), default=list)
    note = models.TextField(_("Hinweis an die Antragsteller"), blank=True)
    deadline = models.DateField(_("Frist"))
    status = models.CharField(
        _("Status"), max_length=10, choices=NachforderungStatus, default=NachforderungStatus.OPEN
    )
    letter = models.ForeignKey(
        Document,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("Schreiben"),
    )
    created_at = models.DateTimeField(_("Erstellt am"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    reminded_at = models.DateTimeField(_("Erinnert am"), null=True, blank=True)
    answered_at = models.DateTimeField(_("Beantwortet am"), null=True, blank=True)

    class Meta:
        verbose_name = _("Nachforderung")
        verbose_name_plural = _("Nachforderungen")
        ordering = ["application", "created_at", "id"]

    def __str__(self) -> str:
        return f"{self.application.efile.reference}: Frist {self.deadline:%d.%m.%Y}"

    @property
    def is_overdue(self) -> bool:
        return self.status == NachforderungStatus.OPEN and self.deadline < timezone.localdate()


class StatementStatus(models.TextChoices):
    REQUESTED = "requested", _("Angefordert")
    GIVEN = "given", _("Abgegeben")


class StatementRequest(models.Model):
    """A Fachstelle asked for its statement (XBau 0300 Beteiligung, 0301 Stellungnahme)."""

    application = models.ForeignKey(
        BuildingApplication,
        on_delete=models.PROTECT,
        related_name="statements",
        verbose_name=_("Bauantrag"),
    )
    org_unit = models.ForeignKey(
        OrgUnit,
        on_delete=models.PROTECT,
        related_name="statement_requests",
        verbose_name=_("Fachstelle"),
    )
    deadline = models.DateField(_("Frist"))
    status = models.CharField(
        _("Status"), max_length=10, choices=StatementStatus, default=StatementStatus.REQUESTED
    )
    requested_at = models.DateTimeField(_("Angefordert am"), default=timezone.now)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    text = models.TextField(_("Stellungnahme"), blank=True)
    conditions = models.TextField(_("Vorgeschlagene Auflagen"), blank=True)
    document = models.ForeignKey(
        Document,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("Stellungnahme (Dokument)"),
    )
    given_at = models.DateTimeField(_("Abgegeben am"), null=True, blank=True)
    given_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("Abgegeben von"),
    )
    reminded_at = models.DateTimeField(_("Erinnert am"), null=True, blank=True)

    class Meta:
        verbose_name = _("Beteiligung einer Fachstelle")
        verbose_name_plural = _("Beteiligungen der Fachstellen")
        ordering = ["application", "org_unit__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "org_unit"], name="statementrequest_once_per_unit"
            )
        ]

    def __str__(self) -> str:
        return f"{self.application.efile.reference}: {self.org_unit.name}"

    @property
    def is_overdue(self) -> bool:
        return self.status == StatementStatus.REQUESTED and self.deadline < timezone.localdate()


class BuildingApplicationProcess(Process):
    """One building application on its way to the Bescheid; the application is the artifact."""

    class Meta:
        proxy = True
        verbose_name = _("Baugenehmigungsverfahren")
        verbose_name_plural = _("Baugenehmigungsverfahren")

    @property
    def application(self) -> BuildingApplication:
        return BuildingApplication.objects.select_related("efile", "org_unit", "applicant").get(
            pk=self.artifact_object_id
        )

    def is_complete(self) -> bool:
        return self.application.status == BuildingStatus.COMPLETE

    def documents_arrived(self) -> bool:
        return self.application.status == BuildingStatus.RECEIVED

    def needs_statements(self) -> bool:
        return self.application.status == BuildingStatus.PARTICIPATION

    def is_signed(self) -> bool:
        return self.application.signed_by_id is not None

    def deadline_extended(self) -> bool:
        return self.application.status == BuildingStatus.INCOMPLETE
