"""Configuration of the invoice reception: which of our own checks reject invoices."""

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from efile.admin import AuditedAdmin

from .models import ApprovalBand, ApproverLimit, InvoiceRoute, OwnRuleLevel
from .validation.registry import RULES


def _own_rule_choices() -> list[tuple[str, str]]:
    import invoicing.validation.rules  # noqa: F401 - registers the rules

    own = {rule.id: rule.message_de for rule in RULES.values() if rule.id.startswith("OWN-")}
    own.setdefault("OWN-DUPLICATE", _("Gleiche Rechnungsnummer desselben Verkäufers"))
    return sorted((rule_id, f"{rule_id}") for rule_id in own)


class OwnRuleLevelForm(forms.ModelForm):
    rule = forms.ChoiceField(label=_("Regel"), choices=_own_rule_choices)

    class Meta:
        model = OwnRuleLevel
        fields = ["rule", "reject"]


@admin.register(OwnRuleLevel)
class OwnRuleLevelAdmin(AuditedAdmin):
    form = OwnRuleLevelForm
    list_display = ["rule", "reject"]

    def has_delete_permission(self, request, obj=None):
        # Switching back is done with the checkbox, so the audit trail shows it.
        return False


@admin.register(ApprovalBand)
class ApprovalBandAdmin(AuditedAdmin):
    list_display = ["org_unit", "amount_from", "amount_to", "approvers"]


@admin.register(ApproverLimit)
class ApproverLimitAdmin(AuditedAdmin):
    list_display = ["user", "org_unit", "limit"]


@admin.register(InvoiceRoute)
class InvoiceRouteAdmin(AuditedAdmin):
    list_display = ["key", "value", "org_unit"]
    search_fields = ["value"]
