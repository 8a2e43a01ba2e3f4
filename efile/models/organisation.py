"""Departments and the filing plan (Aktenplan)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
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
    lead = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("Leitung"),
        help_text=_("Erhält Eskalationen offener Aufgaben der Organisationseinheit."),
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
