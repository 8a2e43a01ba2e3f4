"""Forms of the building application pages; they check the request's shape, services the rest."""

from django import forms
from django.utils.translation import gettext_lazy as _

from efile.forms import DateInput
from efile.models import OrgUnit, Party

from .models import BuildingAuthority, Decision, ProjectKind


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field; emptiness and types are checked by the service."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        kwargs.setdefault("allow_empty_file", True)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(item, initial) for item in data]
        return [super().clean(data, initial)] if data else []


class PaperApplicationForm(forms.Form):
    """A paper application entered by the building department; the same checks as online."""

    authority = forms.ModelChoiceField(
        label=_("Bauaufsichtsbehörde"), queryset=BuildingAuthority.objects.none()
    )
    applicant_kind = forms.ChoiceField(
        label=_("Antragsteller ist"), choices=Party.Kind.choices, initial=Party.Kind.PERSON
    )
    applicant_name = forms.CharField(label=_("Name"), max_length=300, required=False)
    applicant_street = forms.CharField(
        label=_("Straße und Hausnummer"), max_length=200, required=False
    )
    applicant_postcode = forms.CharField(label=_("PLZ"), max_length=10, required=False)
    applicant_city = forms.CharField(label=_("Ort"), max_length=100, required=False)
    applicant_email = forms.EmailField(label=_("E-Mail"), required=False)
    project_kind = forms.ChoiceField(
        label=_("Art des Vorhabens"), choices=[("", "—"), *ProjectKind.choices], required=False
    )
    description = forms.CharField(
        label=_("Beschreibung des Vorhabens"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )
    parcel = forms.CharField(label=_("Flurstück / Parzelle"), max_length=200, required=False)
    site_address = forms.CharField(
        label=_("Adresse des Baugrundstücks"), max_length=300, required=False
    )
    estimated_costs = forms.CharField(
        label=_("Geschätzte Baukosten (EUR)"), max_length=20, required=False
    )
    plans = MultipleFileField(label=_("Baupläne (PDF)"), required=False)
    attachments = MultipleFileField(label=_("Weitere Anlagen"), required=False)

    def __init__(self, *args, authorities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["authority"].queryset = authorities
        if authorities.count() == 1:
            self.fields["authority"].initial = authorities.first()


class CompletenessForm(forms.Form):
    other_missing = forms.CharField(
        label=_("Weitere fehlende Unterlagen (eine je Zeile)"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )
    note = forms.CharField(
        label=_("Hinweis an die Antragsteller"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )
    deadline = forms.DateField(
        label=_("Frist für die Nachforderung"),
        widget=DateInput(),
        required=False,
        help_text=_("Leer: Standardfrist der Behörde."),
    )

    def __init__(self, *args, items, **kwargs):
        super().__init__(*args, **kwargs)
        self.items = items
        for item in items:
            self.fields[f"item_{item.pk}"] = forms.BooleanField(
                label=item.label, required=False, help_text=item.hint
            )
        self.order_fields([f"item_{item.pk}" for item in items])

    def present(self) -> set[int]:
        return {item.pk for item in self.items if self.cleaned_data.get(f"item_{item.pk}")}


class OverdueForm(forms.Form):
    EXTEND, REJECT, CHECK = "extend", "reject", "check"
    action = forms.ChoiceField(
        label=_("Entscheidung"),
        widget=forms.RadioSelect,
        choices=[
            (EXTEND, _("Frist verlängern")),
            (REJECT, _("Antrag als unvollständig zurückweisen")),
            (CHECK, _("Nachgereichte Unterlagen prüfen")),
        ],
    )
    deadline = forms.DateField(label=_("Neue Frist"), widget=DateInput(), required=False)
    reasons = forms.CharField(
        label=_("Begründung der Zurückweisung"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )


class FachstellenForm(forms.Form):
    org_units = forms.ModelMultipleChoiceField(
        label=_("Zu beteiligende Fachstellen"),
        queryset=OrgUnit.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("Keine Auswahl: ohne Beteiligung direkt zur Entscheidung."),
    )
    deadline = forms.DateField(
        label=_("Frist für die Stellungnahmen"),
        widget=DateInput(),
        required=False,
        help_text=_("Leer: Standardfrist der Behörde."),
    )

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org_units"].queryset = candidates


class StatementForm(forms.Form):
    text = forms.CharField(label=_("Stellungnahme"), widget=forms.Textarea(attrs={"rows": 6}))
    conditions = forms.CharField(
        label=_("Vorgeschlagene Auflagen"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )
    document = forms.FileField(
        label=_("Stellungnahme als PDF (optional)"), required=False, allow_empty_file=True
    )


class DraftForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Entscheidung"), choices=Decision.choices, widget=forms.RadioSelect
    )
    conditions = forms.CharField(
        label=_("Nebenbestimmungen / Auflagen"),
        widget=forms.Textarea(attrs={"rows": 5}),
        required=False,
    )
    reasons = forms.CharField(
        label=_("Begründung"), widget=forms.Textarea(attrs={"rows": 5}), required=False
    )


class SignOffForm(forms.Form):
    SIGN, RETURN = "sign", "return"
    action = forms.ChoiceField(
        label=_("Zeichnung"),
        widget=forms.RadioSelect,
        choices=[(SIGN, _("Zeichnen – Bescheid erlassen")), (RETURN, _("Zurück zum Entwurf"))],
    )
    remark = forms.CharField(
        label=_("Anmerkung zum Entwurf"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )
