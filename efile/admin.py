"""Configuration pages for administrators and the registry (Django admin).

Organisation units and the filing plan are configured here, each change audited. E-files,
documents, parties and the audit trail are shown read-only: they change only through the
services, which check permissions per department and write the audit trail.
"""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.models import User
from django.utils.translation import gettext_lazy as _

from .audit import audit_record
from .models import AuditEvent, EFile, FilingPlanItem, OrgUnit, PaperlessImport, Party


class AuditedAdmin(admin.ModelAdmin):
    """Writes an audit event for every change saved through the admin."""

    def save_model(self, request, obj, form, change):
        before = {name: form.initial.get(name) for name in form.changed_data} if change else {}
        super().save_model(request, obj, form, change)
        after = {name: form.cleaned_data.get(name) for name in form.changed_data}
        changes = {
            name: [str(before.get(name, "")), str(value)]
            for name, value in after.items()
            if name != "members"
        }
        if "members" in form.changed_data:
            changes["members"] = ["", ", ".join(u.get_username() for u in after["members"])]
        audit_record(
            actor=request.user,
            action=f"{obj._meta.model_name}.{'update' if change else 'create'}",
            obj=obj,
            changes=changes,
        )

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(OrgUnit)
class OrgUnitAdmin(AuditedAdmin):
    list_display = ["code", "name", "municipality"]
    search_fields = ["code", "name", "municipality"]
    list_filter = ["municipality"]
    filter_horizontal = ["members"]


@admin.register(FilingPlanItem)
class FilingPlanItemAdmin(AuditedAdmin):
    list_display = ["code", "title", "retention_years", "disposal_action", "files_allowed"]
    list_filter = ["disposal_action", "files_allowed"]
    search_fields = ["code", "title"]
    autocomplete_fields = ["parent"]


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(EFile)
class EFileAdmin(ReadOnlyAdmin):
    list_display = ["reference", "title", "org_unit", "status", "opened_at"]
    list_filter = ["status", "org_unit"]
    search_fields = ["reference", "title"]
    list_select_related = ["org_unit"]


@admin.register(Party)
class PartyAdmin(ReadOnlyAdmin):
    list_display = ["name", "postcode", "city", "vat_id", "iban", "leitweg_id"]
    search_fields = ["name", "vat_id", "iban", "leitweg_id"]


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ["id", "timestamp", "actor_name", "action", "object_type", "object_repr"]
    list_filter = ["action", "object_type"]
    search_fields = ["object_repr", "actor_name", "object_id"]
    date_hierarchy = "timestamp"


@admin.register(PaperlessImport)
class PaperlessImportAdmin(ReadOnlyAdmin):
    list_display = [
        "paperless_id",
        "title",
        "server_url",
        "state",
        "imported_at",
        "pushed_reference",
    ]
    list_filter = ["state", "server_url"]
    search_fields = ["title", "paperless_id__exact", "pushed_reference"]


admin.site.site_header = _("Aktenfluss – Konfiguration")
admin.site.site_title = _("Aktenfluss")
admin.site.index_title = _("Konfiguration")


class UserAdmin(DjangoUserAdmin):
    """User administration without the way up: only a superuser grants superuser status or
    single permissions; administrators assign roles (groups) and departments."""

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            fields += ["is_superuser", "user_permissions"]
        return fields


admin.site.unregister(User)
admin.site.register(User, UserAdmin)
