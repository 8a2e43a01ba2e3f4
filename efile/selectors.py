"""Reads of the e-file core, permission-filtered and tuned for their pages."""

import datetime as dt

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from .models import AuditEvent, Document, DocumentVersion, EFile, FilingPlanItem, Resubmission
from .permissions import efiles_visible, resubmission_visible_q


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
        .order_by("-id")[:limit]
    )
