from django import forms
from django.utils.translation import gettext_lazy as _

from efile.forms import MultipleFileField
from efile.models import OrgUnit

from .models import Verdict


class InvoiceUploadForm(forms.Form):
    files = MultipleFileField(label=_("Rechnungsdateien (XML oder PDF)"), allow_empty_file=True)
    org_unit = forms.ModelChoiceField(
        label=_("Empfangende Organisationseinheit"), queryset=OrgUnit.objects.none()
    )

    def __init__(self, *args, org_units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org_unit"].queryset = org_units
        if org_units.count() == 1:
            self.fields["org_unit"].initial = org_units.first()


class InvoiceFilterForm(forms.Form):
    q = forms.CharField(label=_("Suche"), required=False)
    verdict = forms.ChoiceField(
        label=_("Prüfergebnis"), choices=[("", _("alle")), *Verdict.choices], required=False
    )
