"""Reads of the e-file core, permission-filtered and tuned for their pages."""

import datetime as dt
import re
from dataclasses import dataclass

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from .models import (
    AuditEvent,
    Document,
    DocumentVersion,
    EFile,
    EFileStatus,
    FilingPlanItem,
    IntakeItem,
    Party,
    Resubmission,
)
from .permissions import efiles_visible, intake_items_visible, resubmission_visible_q


def efile_list(*, user) -> QuerySet[EFile]:
    return (
        efiles_visible(user)
        .select_related("plan_item", "org_unit")
        .annotate(document_count=Count("documents"))
    )


def efile_get(*, user, pk: int) -> EFile:
    """The e-file if `user` may see it; raises EFile.DoesNotExist otherwise (a 404, not a 403,
    so nobody learns which Aktenzeichen exist in other departments)."""
    return efiles_visible(user).select_related("plan_item", "org_unit", "created_by").get(pk=pk)


def efile_documents(*, efile: EFile) -> QuerySet[Document]:
    return (
        efile.documents.select_related("sender", "created_by")
        .prefetch_related(
            Prefetch(
                "versions",
                queryset=DocumentVersion.objects.select_related("created_by").order_by("-number"),
            )
        )
        .order_by("-received_on", "-id")
    )


def document_version_get(*, user, pk: int) -> DocumentVersion:
    return DocumentVersion.objects.select_related("document__efile").get(
        pk=pk, document__efile__in=efiles_visible(user)
    )


def document_get(*, user, pk: int) -> Document:
    return Document.objects.select_related("efile").get(pk=pk, efile__in=efiles_visible(user))


def resubmissions_due(*, user, on: dt.date | None = None) -> QuerySet[Resubmission]:
    """Open Wiedervorlagen for `user` or their departments that are due on or before `on`."""
    on = on or timezone.localdate()
    return (
        Resubmission.objects.filter(
            resubmission_visible_q(user),
            done_at__isnull=True,
            due_on__lte=on,
            efile__in=efiles_visible(user),
        )
        .select_related("efile", "user", "org_unit")
        .order_by("due_on", "id")
    )


def efile_resubmissions(*, efile: EFile) -> QuerySet[Resubmission]:
    return efile.resubmissions.filter(done_at__isnull=True).select_related("user", "org_unit")


def filing_plan_tree() -> list[FilingPlanItem]:
    """All plan positions in code order, each annotated with its number of e-files."""
    items = list(FilingPlanItem.objects.annotate(efile_count=Count("efiles")))
    items.sort(key=lambda item: [int(part) for part in item.code.split(".")])
    return items


def efile_audit_events(*, efile: EFile, limit: int = 50) -> QuerySet[AuditEvent]:
    return efile_audit_trail(efile=efile)[:limit]


def efile_audit_trail(*, efile: EFile) -> QuerySet[AuditEvent]:
    """Every audit event of the e-file, its documents and their versions, newest first."""
    document_ids = [str(pk) for pk in efile.documents.values_list("pk", flat=True)]
    version_ids = [
        str(pk)
        for pk in DocumentVersion.objects.filter(document__efile=efile).values_list("pk", flat=True)
    ]
    return (
        AuditEvent.objects.filter(
            Q(object_type="efile.efile", object_id=str(efile.pk))
            | Q(object_type="efile.document", object_id__in=document_ids)
            | Q(object_type="efile.documentversion", object_id__in=version_ids)
        )
        .select_related("actor")
        .order_by("-id")
    )


def document_audit_trail(*, document: Document) -> QuerySet[AuditEvent]:
    """Every audit event of the document and its versions, newest first."""
    version_ids = [str(pk) for pk in document.versions.values_list("pk", flat=True)]
    return (
        AuditEvent.objects.filter(
            Q(object_type="efile.document", object_id=str(document.pk))
            | Q(object_type="efile.documentversion", object_id__in=version_ids)
        )
        .select_related("actor")
        .order_by("-id")
    )


def party_audit_trail(*, party: Party) -> QuerySet[AuditEvent]:
    return (
        AuditEvent.objects.filter(object_type="efile.party", object_id=str(party.pk))
        .select_related("actor")
        .order_by("-id")
    )


def intake_inbox(*, user, status: str | None = None) -> QuerySet[IntakeItem]:
    items = intake_items_visible(user).select_related("org_unit", "received_by")
    if status:
        items = items.filter(status=status)
    return items.order_by("-received_at", "-id")


def intake_item_get(*, user, pk: int) -> IntakeItem:
    return intake_items_visible(user).select_related("org_unit", "document__efile").get(pk=pk)


_REFERENCE = re.compile(r"\b\d+(?:\.\d+)*-\d{4}-\d{4,}\b")
_IBAN_IN_TEXT = re.compile(r"\b([A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){3,7}(?: ?[A-Z0-9]{1,4})?)\b")
_VAT_IN_TEXT = re.compile(r"\b((?:DE|AT)\s?\d{9}|CHE[-\s]?\d{3}\.?\d{3}\.?\d{3})\b")


@dataclass(frozen=True)
class FilingSuggestions:
    efiles: list[EFile]  # Aktenzeichen found in the text, or earlier files of the sender
    senders: list[Party]


def intake_suggestions(*, user, item: IntakeItem) -> FilingSuggestions:
    """Where a received document probably belongs: Aktenzeichen quoted in its text, a known
    sender recognised by IBAN or VAT id, and the open files that sender wrote to before."""
    open_files = efiles_visible(user).filter(status=EFileStatus.OPEN, org_unit=item.org_unit)
    references = list(dict.fromkeys(_REFERENCE.findall(item.text)))[:10]
    by_reference = list(open_files.filter(reference__in=references))
    ibans = {re.sub(r"\s", "", iban) for iban in _IBAN_IN_TEXT.findall(item.text)}
    vat_ids = {re.sub(r"[\s.\-]", "", vat) for vat in _VAT_IN_TEXT.findall(item.text)}
    senders = list(Party.objects.filter(Q(iban__in=ibans) | Q(vat_id__in=vat_ids))[:5])
    earlier = list(
        open_files.filter(documents__sender__in=senders)
        .exclude(pk__in=[e.pk for e in by_reference])
        .distinct()
        .order_by("-opened_at")[:5]
    )
    return FilingSuggestions(efiles=by_reference + earlier, senders=senders)
