"""People and organisations, entered once (once-only principle)."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


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
