from django import forms
from django.utils.translation import gettext_lazy as _

from efile.forms import MultipleFileField
from efile.models import OrgUnit

from .models import ApprovalStatus, Decision, Verdict


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
    mine = forms.BooleanField(label=_("Nur Rechnungen, die auf mich warten"), required=False)
    q = forms.CharField(label=_("Suche"), required=False)
    verdict = forms.ChoiceField(
        label=_("Prüfergebnis"), choices=[("", _("alle")), *Verdict.choices], required=False
    )
    status = forms.ChoiceField(
        label=_("Bearbeitungsstand"),
        choices=[("", _("alle")), *ApprovalStatus.choices],
        required=False,
    )
    amount_min = forms.DecimalField(label=_("Betrag ab"), required=False, min_value=0)
    amount_max = forms.DecimalField(label=_("Betrag bis"), required=False, min_value=0)
    due_until = forms.DateField(
        label=_("Fällig bis"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


class DecisionForm(forms.Form):
    """One decision on the invoice's open step; which fields matter depends on the step."""

    decision = forms.ChoiceField(choices=Decision.choices)
    note = forms.CharField(
        label=_("Bemerkung / Grund"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    org_unit = forms.ModelChoiceField(
        label=_("Bestellende Stelle"), queryset=OrgUnit.objects.all(), required=False
    )
    account = forms.CharField(label=_("Sachkonto"), max_length=20, required=False)
    cost_centre = forms.CharField(label=_("Kostenstelle"), max_length=20, required=False)


class PaymentRunForm(forms.Form):
    execution_date = forms.DateField(
        label=_("Ausführungsdatum"), widget=forms.DateInput(attrs={"type": "date"})
    )
