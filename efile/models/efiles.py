"""E-files and their Aktenzeichen."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .organisation import FilingPlanItem, OrgUnit


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
