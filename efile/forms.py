"""Forms of the e-file pages; they check the request's shape, services do the rest."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import DocumentKind, FilingPlanItem, OrgUnit, Party


class DateInput(forms.DateInput):
    """The browser's date picker; it always submits ISO dates."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class EFileCreateForm(forms.Form):
    plan_item = forms.ModelChoiceField(
        label=_("Aktenplanposition"),
        queryset=FilingPlanItem.objects.filter(files_allowed=True).order_by("code"),
    )
    org_unit = forms.ModelChoiceField(
        label=_("Federführende Organisationseinheit"), queryset=OrgUnit.objects.none()
    )
    title = forms.CharField(label=_("Betreff"), max_length=300)

    def __init__(self, *args, org_units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org_unit"].queryset = org_units
        if org_units.count() == 1:
            self.fields["org_unit"].initial = org_units.first()


class EFileTitleForm(forms.Form):
    title = forms.CharField(label=_("Betreff"), max_length=300)


class DocumentUploadForm(forms.Form):
    file = forms.FileField(label=_("Datei"), allow_empty_file=True)
    title = forms.CharField(
        label=_("Titel"),
        max_length=300,
        required=False,
        help_text=_("Leer lassen für den Dateinamen"),
    )
    kind = forms.ChoiceField(label=_("Dokumentart"), choices=DocumentKind.choices)
    received_on = forms.DateField(
        label=_("Eingangsdatum"), initial=timezone.localdate, widget=DateInput
    )
    sender = forms.ModelChoiceField(
        label=_("Absender"), queryset=Party.objects.order_by("name"), required=False
    )


class VersionUploadForm(forms.Form):
    file = forms.FileField(label=_("Neue Version"), allow_empty_file=True)


class ResubmissionForm(forms.Form):
    due_on = forms.DateField(label=_("Wiedervorlage am"), widget=DateInput)
    note = forms.CharField(label=_("Notiz"), max_length=500)
    for_org_unit = forms.BooleanField(label=_("Für die ganze Organisationseinheit"), required=False)


class TransitionForm(forms.Form):
    reason = forms.CharField(label=_("Begründung"), max_length=500, required=False)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files from one `<input type=file multiple>`."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else [data]
        return [super(MultipleFileField, self).clean(item, initial) for item in files if item]


class IntakeUploadForm(forms.Form):
    files = MultipleFileField(label=_("Dateien"), allow_empty_file=True)
    org_unit = forms.ModelChoiceField(label=_("Posteingang"), queryset=OrgUnit.objects.none())

    def __init__(self, *args, org_units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org_unit"].queryset = org_units
        if org_units.count() == 1:
            self.fields["org_unit"].initial = org_units.first()


class IntakeFileForm(forms.Form):
    """File an intake item into an existing e-file (by Aktenzeichen) or a new one."""

    reference = forms.CharField(label=_("Aktenzeichen"), max_length=60, required=False)
    new_plan_item = forms.ModelChoiceField(
        label=_("oder neue Akte unter Aktenplanposition"),
        queryset=FilingPlanItem.objects.filter(files_allowed=True).order_by("code"),
        required=False,
    )
    new_title = forms.CharField(label=_("Betreff der neuen Akte"), max_length=300, required=False)
    title = forms.CharField(label=_("Titel des Dokuments"), max_length=300, required=False)
    kind = forms.ChoiceField(label=_("Dokumentart"), choices=DocumentKind.choices)
    received_on = forms.DateField(label=_("Eingangsdatum"), widget=DateInput)
    sender = forms.ModelChoiceField(
        label=_("Absender"), queryset=Party.objects.none(), required=False
    )

    def __init__(self, *args, senders, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sender"].queryset = senders

    def clean(self):
        data = super().clean()
        has_reference = bool(data.get("reference", "").strip())
        has_new = bool(data.get("new_plan_item") and data.get("new_title", "").strip())
        if has_reference == has_new:
            raise forms.ValidationError(
                _(
                    "Bitte geben Sie entweder das Aktenzeichen einer offenen Akte an oder "
                    "Aktenplanposition und Betreff einer neuen Akte."
                )
            )
        return data
