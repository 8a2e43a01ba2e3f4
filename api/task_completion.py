"""Completing a task over the API: `POST /api/v1/tasks/{id}/complete/` with the decision the
task's node needs. The body names the node (`node`, as listed by `GET /api/v1/tasks/`) and
carries that node's fields; each node calls the same service as its task page and completes
the task in the same transaction (`workflows.task_execution.task_execute`, or
`invoice_decide` for the invoice steps).

Answers: 200 with the completed task; 400 for a body that does not fit the node or a
decision the service refuses; 403 when the task is done, someone else's, or not for the user
(e.g. the drafter signing their own draft); 404 when the task concerns nothing the user may
see (another department's task, or no task at all).
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiExample, PolymorphicProxySerializer, extend_schema
from rest_framework import exceptions, serializers
from rest_framework.response import Response
from rest_framework.views import APIView
from viewflow.workflow.models import Task

from api.invoices import DecisionSerializer
from efile import services as efile_services
from efile.models import (
    DocumentKind,
    EFile,
    EFileStatus,
    FilingPlanItem,
    IntakeItem,
    Party,
)
from efile.permissions import efiles_visible, intake_items_visible
from efile.services.intake import intake_file, intake_retry
from invoicing.permissions import invoices_visible
from workflows.building.access import applications_visible
from workflows.building.checklist import completeness_check
from workflows.building.decision import decision_draft, decision_sign_off
from workflows.building.nachforderung import (
    OVERDUE_CHECK,
    OVERDUE_EXTEND,
    OVERDUE_REJECT,
    overdue_decide,
)
from workflows.building.statements import statement_candidates, statement_give, statements_request
from workflows.building_application import BuildingApplicationFlow
from workflows.inbox import visible_task
from workflows.intake import IntakeFlow, queue_reading
from workflows.invoice_approval import InvoiceApprovalFlow, invoice_decide, invoice_of
from workflows.models import BuildingApplication, StatementRequest
from workflows.models import Decision as BuildingDecision
from workflows.task_execution import task_execute

KINDS = {IntakeFlow: "intake", InvoiceApprovalFlow: "invoice", BuildingApplicationFlow: "building"}


def node_key(task: Task) -> str:
    """`kind.node`, e.g. `invoice.factual`: what the body's `node` must say."""
    node = task.flow_task
    return f"{KINDS.get(node.flow_class, 'other')}.{node.name}"


def _node_field(*keys: str):
    return serializers.ChoiceField(
        choices=list(keys), help_text="Der Schritt der Aufgabe (`node` aus der Aufgabenliste)."
    )


# Intake: Zuordnen and the Fehlerablage


class IntakeFilingSerializer(serializers.Serializer):
    node = _node_field("intake.file_item")
    efile = serializers.IntegerField(
        required=False, allow_null=True, help_text="Id einer offenen E-Akte, in die abgelegt wird."
    )
    new_plan_item = serializers.SlugRelatedField(
        slug_field="code",
        queryset=FilingPlanItem.objects.filter(files_allowed=True),
        required=False,
        allow_null=True,
        help_text="Oder: Aktenplanposition (Kennzeichen) einer neuen Akte …",
    )
    new_title = serializers.CharField(
        max_length=300, required=False, allow_blank=True, default="", help_text="… und ihr Betreff."
    )
    title = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    kind = serializers.ChoiceField(choices=DocumentKind.choices)
    received_on = serializers.DateField()
    sender = serializers.PrimaryKeyRelatedField(
        queryset=Party.objects.all(), required=False, allow_null=True, help_text="Id des Absenders."
    )

    def validate(self, data):
        has_efile = data.get("efile") is not None
        has_new = bool(data.get("new_plan_item") and data.get("new_title", "").strip())
        if has_efile == has_new:
            raise serializers.ValidationError(
                _(
                    "Bitte geben Sie entweder eine offene Akte an oder "
                    "Aktenplanposition und Betreff einer neuen Akte."
                )
            )
        return data


class IntakeReviewSerializer(IntakeFilingSerializer):
    RETRY, FILE = "retry", "file"
    node = _node_field("intake.review_failure")
    action = serializers.ChoiceField(
        choices=[RETRY, FILE], help_text="`retry`: erneut lesen; `file`: von Hand ablegen."
    )
    kind = serializers.ChoiceField(choices=DocumentKind.choices, required=False)
    received_on = serializers.DateField(required=False)

    def validate(self, data):
        if data["action"] == self.RETRY:
            return data
        for field in ("kind", "received_on"):
            if not data.get(field):
                raise serializers.ValidationError({field: [_("Dieses Feld ist zwingend.")]})
        return super().validate(data)


def _target_efile(user, item: IntakeItem, data) -> EFile:
    if data.get("efile") is None:
        return efile_services.efile_open(
            actor=user,
            plan_item=data["new_plan_item"],
            org_unit=item.org_unit,
            title=data["new_title"],
        )
    efile = efiles_visible(user).filter(pk=data["efile"], status=EFileStatus.OPEN).first()
    if efile is None:
        raise exceptions.ValidationError(
            {"efile": [_("Eine offene Akte mit dieser Id gibt es für Sie nicht.")]}
        )
    return efile


def _complete_intake(user, task: Task, data) -> None:
    item = IntakeItem.objects.get(pk=task.process.artifact_object_id)

    def perform():
        if data.get("action") == IntakeReviewSerializer.RETRY:
            queue_reading(intake_retry(actor=user, item=item))
            return
        intake_file(
            actor=user,
            item=item,
            efile=_target_efile(user, item, data),
            title=data["title"],
            kind=data["kind"],
            received_on=data["received_on"],
            sender=data.get("sender"),
        )

    task_execute(user=user, task=task, perform=perform)


# Invoice approval: triage, sachlich/rechnerisch richtig, Anordnung

INVOICE_NODES = ("invoice.triage", "invoice.factual", "invoice.arithmetic", "invoice.approval")


class InvoiceStepSerializer(DecisionSerializer):
    """The body of `POST /invoices/{id}/decision/`, plus the node."""

    node = _node_field(*INVOICE_NODES)


def _complete_invoice_step(user, task: Task, data) -> None:
    invoice_decide(
        actor=user,
        invoice=invoice_of(task.process),
        decision=data["decision"],
        task_id=task.pk,
        note=data["note"],
        org_unit=data.get("ordering_unit"),
        account=data["account"],
        cost_centre=data["cost_centre"],
    )


# Building applications


class CompletenessSerializer(serializers.Serializer):
    node = _node_field("building.check_completeness")
    present = serializers.ListField(
        child=serializers.IntegerField(), help_text="Ids der vorliegenden Prüfpunkte."
    )
    other_missing = serializers.CharField(required=False, allow_blank=True, default="")
    note = serializers.CharField(required=False, allow_blank=True, default="")
    deadline = serializers.DateField(required=False, allow_null=True, default=None)


class OverdueSerializer(serializers.Serializer):
    node = _node_field("building.decide_overdue")
    action = serializers.ChoiceField(choices=[OVERDUE_EXTEND, OVERDUE_REJECT, OVERDUE_CHECK])
    deadline = serializers.DateField(required=False, allow_null=True, default=None)
    reasons = serializers.CharField(required=False, allow_blank=True, default="")


class FachstellenSerializer(serializers.Serializer):
    node = _node_field("building.choose_fachstellen")
    org_units = serializers.ListField(
        child=serializers.CharField(max_length=50),
        help_text="Kürzel der zu beteiligenden Fachstellen; leer: direkt zur Entscheidung.",
    )
    deadline = serializers.DateField(required=False, allow_null=True, default=None)


class StatementGivingSerializer(serializers.Serializer):
    node = _node_field("building.give_statement")
    text = serializers.CharField()
    conditions = serializers.CharField(required=False, allow_blank=True, default="")


class DraftSerializer(serializers.Serializer):
    node = _node_field("building.draft_decision")
    decision = serializers.ChoiceField(choices=BuildingDecision.choices)
    conditions = serializers.CharField(required=False, allow_blank=True, default="")
    reasons = serializers.CharField(required=False, allow_blank=True, default="")


class SignOffSerializer(serializers.Serializer):
    SIGN, RETURN = "sign", "return"
    node = _node_field("building.sign_off")
    action = serializers.ChoiceField(choices=[SIGN, RETURN])
    remark = serializers.CharField(required=False, allow_blank=True, default="")


def _fachstellen(application, codes: list[str]) -> list:
    units = list(statement_candidates(application).filter(code__in=codes))
    if len(units) != len(set(codes)):
        raise exceptions.ValidationError(
            {"org_units": [_("Diese Fachstelle kann nicht beteiligt werden.")]}
        )
    return units


def _building_perform(user, task: Task, data) -> Callable[[], object]:
    application = BuildingApplication.objects.get(pk=task.process.artifact_object_id)
    node = task.flow_task
    flow = BuildingApplicationFlow
    if node is flow.check_completeness:
        return lambda: completeness_check(
            actor=user,
            application=application,
            present=set(data["present"]),
            other_missing=data["other_missing"],
            note=data["note"],
            deadline=data["deadline"],
        )
    if node is flow.decide_overdue:
        return lambda: overdue_decide(
            actor=user,
            application=application,
            action=data["action"],
            deadline=data["deadline"],
            reasons=data["reasons"],
        )
    if node is flow.choose_fachstellen:
        return lambda: statements_request(
            actor=user,
            application=application,
            org_units=_fachstellen(application, data["org_units"]),
            deadline=data["deadline"],
        )
    if node is flow.give_statement:
        return lambda: statement_give(
            actor=user,
            request=StatementRequest.objects.get(pk=task.data["statement"]),
            text=data["text"],
            conditions=data["conditions"],
        )
    if node is flow.draft_decision:
        return lambda: decision_draft(
            actor=user,
            application=application,
            decision=data["decision"],
            conditions=data["conditions"],
            reasons=data["reasons"],
        )
    return lambda: decision_sign_off(
        actor=user,
        application=application,
        approve=data["action"] == SignOffSerializer.SIGN,
        remark=data["remark"],
    )


def _complete_building(user, task: Task, data) -> None:
    task_execute(user=user, task=task, perform=_building_perform(user, task, data))


@dataclass(frozen=True)
class NodeCompletion:
    serializer: type[serializers.Serializer]
    complete: Callable[[object, Task, dict], None]


NODES: dict[str, NodeCompletion] = {
    "intake.file_item": NodeCompletion(IntakeFilingSerializer, _complete_intake),
    "intake.review_failure": NodeCompletion(IntakeReviewSerializer, _complete_intake),
    **{key: NodeCompletion(InvoiceStepSerializer, _complete_invoice_step) for key in INVOICE_NODES},
    "building.check_completeness": NodeCompletion(CompletenessSerializer, _complete_building),
    "building.decide_overdue": NodeCompletion(OverdueSerializer, _complete_building),
    "building.choose_fachstellen": NodeCompletion(FachstellenSerializer, _complete_building),
    "building.give_statement": NodeCompletion(StatementGivingSerializer, _complete_building),
    "building.draft_decision": NodeCompletion(DraftSerializer, _complete_building),
    "building.sign_off": NodeCompletion(SignOffSerializer, _complete_building),
}

COMPLETION_REQUEST = PolymorphicProxySerializer(
    component_name="TaskCompletion",
    serializers={key: spec.serializer for key, spec in NODES.items()},
    resource_type_field_name="node",
)


class CompletedTaskSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    node = serializers.CharField()
    status = serializers.CharField(help_text="`DONE`")
    process_id = serializers.IntegerField()
    process_status = serializers.CharField(help_text="`NEW` solange der Vorgang weiterläuft.")


_VISIBLE_OBJECTS = {
    IntakeFlow: intake_items_visible,
    InvoiceApprovalFlow: invoices_visible,
    BuildingApplicationFlow: applications_visible,
}


def _task_for(user, pk: int) -> Task:
    """The task from the user's inbox; a task outside it is still found (to be refused with
    its reason, 403) when it concerns an object the user may see, else it is a 404."""
    try:
        return visible_task(user, pk)
    except PermissionDenied:
        pass
    task = Task.objects.filter(pk=pk).select_related("process").first()
    visible = task is not None and _VISIBLE_OBJECTS.get(task.flow_task.flow_class)
    if not visible or not visible(user).filter(pk=task.process.artifact_object_id).exists():
        raise exceptions.NotFound(_("Aufgabe nicht gefunden."))
    return task


class TaskCompleteView(APIView):
    @extend_schema(
        request=COMPLETION_REQUEST,
        responses={200: CompletedTaskSerializer},
        examples=[
            OpenApiExample(
                "Zuordnen in eine bestehende Akte",
                value={
                    "node": "intake.file_item",
                    "efile": 12,
                    "title": "Nachreichung Statik",
                    "kind": "letter",
                    "received_on": "2026-11-23",
                    "sender": 4,
                },
                request_only=True,
            ),
            OpenApiExample(
                "Sachlich richtig",
                value={"node": "invoice.factual", "decision": "confirm"},
                request_only=True,
            ),
            OpenApiExample(
                "Bescheid zeichnen",
                value={"node": "building.sign_off", "action": "sign"},
                request_only=True,
            ),
        ],
    )
    def post(self, request, pk: int):
        """Complete the task with the decision its node needs (`node` names it). A free task
        is taken first if you may take it. 403 for a task that is done, someone else's or
        not for you (four eyes); 404 for a task of another department."""
        task = _task_for(request.user, pk)
        key = node_key(task)
        spec = NODES.get(key)
        if spec is None:
            raise exceptions.NotFound(_("Aufgabe nicht gefunden."))
        named = request.data.get("node") if hasattr(request.data, "get") else None
        if named != key:
            raise exceptions.ValidationError(
                {"node": [_("Diese Aufgabe ist der Schritt „%(node)s“.") % {"node": key}]}
            )
        given = spec.serializer(data=request.data)
        given.is_valid(raise_exception=True)
        spec.complete(request.user, task, given.validated_data)
        task.refresh_from_db()
        return Response(
            CompletedTaskSerializer(
                {
                    "id": task.pk,
                    "node": key,
                    "status": task.status,
                    "process_id": task.process_id,
                    "process_status": task.process.status,
                }
            ).data
        )
