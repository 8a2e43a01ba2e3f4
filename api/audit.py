"""Audit events of one object, read-only: an e-file (with its documents and versions), a
document (with its versions) or a party. Who may read them is decided in
`efile.permissions` (`efile_audit_can`, `party_audit_can`), as for the pages."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import exceptions, generics, serializers

from efile import selectors
from efile.models import AuditEvent, Party
from efile.permissions import efile_audit_can, parties_visible, party_audit_can

from .documents import visible_document, visible_efile
from .openapi import errors


class AuditEventSerializer(serializers.ModelSerializer):
    actor = serializers.CharField(source="actor_name", help_text="Benutzername, leer = System.")
    action_label = serializers.CharField(help_text="Die Aktion auf Deutsch.")
    changes = serializers.DictField(help_text="Geänderte Felder: `{feld: [alt, neu]}`.")

    class Meta:
        model = AuditEvent
        fields = [
            "id",
            "timestamp",
            "actor",
            "action",
            "action_label",
            "object_type",
            "object_id",
            "object_repr",
            "changes",
        ]
        read_only_fields = fields


AUDIT_EXAMPLE = OpenApiExample(
    "Protokoll",
    value={
        "count": 1,
        "next": None,
        "previous": None,
        "results": [
            {
                "id": 118,
                "timestamp": "2026-03-02T09:15:00+01:00",
                "actor": "sachbearbeitung",
                "action": "efile.update",
                "action_label": "Akte geändert",
                "object_type": "efile.efile",
                "object_id": "42",
                "object_repr": "610.20-2026-0042 Neubau Sporthalle",
                "changes": {"title": ["Sporthalle", "Neubau Sporthalle"]},
            }
        ],
    },
    response_only=True,
)


def _refuse() -> None:
    raise exceptions.PermissionDenied(_("Sie dürfen das Protokoll dieses Eintrags nicht sehen."))


@extend_schema(responses={200: AuditEventSerializer(many=True), **errors(403, 404)})
class _AuditListView(generics.ListAPIView):
    serializer_class = AuditEventSerializer
    filterset_fields = ["action"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation
            return AuditEvent.objects.none()
        return self.audit_events()


class EFileAuditView(_AuditListView):
    """Audit events of the e-file, its documents and versions, newest first."""

    @extend_schema(examples=[AUDIT_EXAMPLE])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def audit_events(self):
        efile = visible_efile(self.request.user, self.kwargs["pk"])
        if not efile_audit_can(self.request.user, efile):
            _refuse()
        return selectors.efile_audit_trail(efile=efile)


class DocumentAuditView(_AuditListView):
    """Audit events of the document and its versions, newest first."""

    def audit_events(self):
        document = visible_document(self.request.user, self.kwargs["pk"])
        if not efile_audit_can(self.request.user, document.efile):
            _refuse()
        return selectors.document_audit_trail(document=document)


class PartyAuditView(_AuditListView):
    """Audit events of the party (registered, changed), newest first."""

    def audit_events(self):
        try:
            party = parties_visible(self.request.user).get(pk=self.kwargs["pk"])
        except Party.DoesNotExist as exc:
            raise exceptions.NotFound(_("Beteiligte(r) nicht gefunden.")) from exc
        if not party_audit_can(self.request.user):
            _refuse()
        return selectors.party_audit_trail(party=party)
