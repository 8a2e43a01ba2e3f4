"""Configuration of the building applications for administrators: the building authorities
(filing plan position, letterhead, Rechtsbehelfsbelehrung, deadlines) and the checklist of the
formal check per project kind. Every change is audited; the applications themselves change
only through the flow and its services."""

from django.contrib import admin

from efile.admin import AuditedAdmin

from .models import BuildingAuthority, ChecklistItem


@admin.register(BuildingAuthority)
class BuildingAuthorityAdmin(AuditedAdmin):
    list_display = ["name", "org_unit", "plan_item", "nachforderung_days", "statement_days"]


@admin.register(ChecklistItem)
class ChecklistItemAdmin(AuditedAdmin):
    list_display = ["label", "project_kind", "position", "active"]
    list_filter = ["project_kind", "active"]
    list_editable = ["position", "active"]
    ordering = ["project_kind", "position", "id"]
