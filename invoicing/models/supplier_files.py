"""The supplier's e-file (Kreditorenakte): one per supplier party, where its paid and
rejected invoices are filed with their history."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from efile.models import EFile, Party


class SupplierFile(models.Model):
    party = models.OneToOneField(
        Party, on_delete=models.PROTECT, related_name="supplier_file", verbose_name=_("Lieferant")
    )
    efile = models.OneToOneField(
        EFile, on_delete=models.PROTECT, related_name="+", verbose_name=_("Kreditorenakte")
    )

    class Meta:
        verbose_name = _("Kreditorenakte")
        verbose_name_plural = _("Kreditorenakten")

    def __str__(self) -> str:
        return f"{self.party} → {self.efile}"
