"""The building application flow (Baugenehmigungsverfahren), aligned with XBau:

    submit (0200) ─▶ check_completeness (0201) ─▶ is_complete
        is_complete ─no──▶ await_documents ─▶ documents_arrived ─yes─▶ check_completeness
                                                  └no (deadline) ─▶ decide_overdue ─▶ after_overdue
        after_overdue: late documents ─▶ check_completeness, extended ─▶ await_documents,
                       rejected ─▶ issue_notice
        is_complete ─yes─▶ choose_fachstellen ─▶ needs_statements
        needs_statements ─yes─▶ split_statements ═▶ give_statement × n (0300–0306) ═▶ join
                         └no──────────────────────────────────────────────────────▶ draft_decision
        join_statements ─▶ draft_decision ─▶ sign_off (four eyes) ─▶ is_signed
        is_signed ─no─▶ draft_decision
                  └yes─▶ issue_notice (0205) ─▶ notify_applicant ─▶ close_file ─▶ end

`await_documents` is a `flow.Handle`: the applicant's upload (API) or the daily deadline job
completes it. The split creates one `give_statement` task per Fachstelle (its org unit in
`task.data`), which only members of that Fachstelle can take; the join waits for all of them.
Viewflow checks only model permissions for its task views, and assigning from code checks
nothing: the task nodes add the department checks, and every service checks them again.
"""

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from viewflow import this
from viewflow.workflow import STATUS, flow, lock
from viewflow.workflow.activation import Activation
from viewflow.workflow.exceptions import FlowRuntimeError
from viewflow.workflow.nodes.split import SplitActivation

from .building.access import (
    applications_visible,
    may_give_statement,
    may_sign_off,
    may_work_on,
    sign_off_refusal,
)
from .building.decision import (
    application_close,
    application_notify_decision,
    decision_open,
    notice_issue,
)
from .building.nachforderung import nachforderung_answer, open_nachforderung
from .building.submission import building_application_submit
from .models import (
    BuildingApplication,
    BuildingApplicationProcess,
    BuildingStatus,
    Nachforderung,
    NachforderungStatus,
    StatementRequest,
    StatementStatus,
)

CHANGE = "workflows.change_buildingapplication"


def _application(task) -> BuildingApplication:
    cached = getattr(task, "_building_application", None)
    if cached is None:
        cached = BuildingApplication.objects.select_related("org_unit").get(
            pk=task.process.artifact_object_id
        )
        task._building_application = cached
    return cached


class BuildingTask(flow.View):
    """A task of the building department: members of the application's department only."""

    def _may(self, user, task) -> bool:
        return may_work_on(user, _application(task))

    def can_assign(self, user, task):
        return super().can_assign(user, task) and self._may(user, task)

    def can_execute(self, user, task):
        return super().can_execute(user, task) and self._may(user, task)

    def can_unassign(self, user, task):
        return super().can_unassign(user, task) and self._may(user, task)


class SignOffTask(BuildingTask):
    """Sign-off: a member of the department allowed to sign, never the drafter."""

    def _may(self, user, task) -> bool:
        return may_sign_off(user, _application(task))

    def refusal(self, user, task) -> str:
        return sign_off_refusal(user, _application(task))


class StatementTask(BuildingTask):
    """One Fachstelle's statement: members of that Fachstelle only."""

    def _may(self, user, task) -> bool:
        request = StatementRequest.objects.filter(pk=task.data.get("statement")).first()
        return request is not None and may_give_statement(user, request)


class PerItemSplitActivation(SplitActivation):
    @Activation.status.super()
    def activate(self):
        for node, case, data_source in self.flow_task._branches:
            if case and not case(self):
                continue
            items = data_source(self) if data_source else [None]
            self.next_tasks.extend((node, item) for item in items)
        if not self.next_tasks:
            raise FlowRuntimeError(f"No next task available for {self.flow_task.name}")


class PerItemSplit(flow.Split):
    """A parallel split that creates one task per item of `data_source` (with the item as
    `task.data`). Viewflow 2.4's `Split` documents `data_source` but ignores it."""

    activation_class = PerItemSplitActivation

    def Next(self, node, case=None, data_source=None):
        self._activate_next.append((node, case, data_source))
        return self


def _task_view(name: str):
    from .views import building_tasks

    return getattr(building_tasks, name).as_view()


class BuildingApplicationFlow(flow.Flow):
    process_class = BuildingApplicationProcess
    process_title = _("Baugenehmigungsverfahren")
    process_description = _(
        "Ein Bauantrag von der Vollständigkeitsprüfung über die Beteiligung der Fachstellen "
        "bis zum Bescheid."
    )
    lock_impl = lock.select_for_update_lock

    submit = (
        flow.StartHandle(this.start_process)
        .Annotation(title=_("Bauantrag eingegangen (0200)"))
        .Next(this.check_completeness)
    )
    check_completeness = (
        BuildingTask(this.completeness_view)
        .Annotation(title=_("Vollständigkeit prüfen (0201)"))
        .Permission(CHANGE)
        .Next(this.is_complete)
    )
    is_complete = (
        flow.If(this.complete)
        .Annotation(title=_("Vollständig?"))
        .Then(this.choose_fachstellen)
        .Else(this.await_documents)
    )
    await_documents = (
        flow.Handle()
        .Annotation(title=_("Nachgeforderte Unterlagen abwarten"))
        .Next(this.documents_arrived)
    )
    documents_arrived = (
        flow.If(this.arrived)
        .Annotation(title=_("Unterlagen eingegangen?"))
        .Then(this.check_completeness)
        .Else(this.decide_overdue)
    )
    decide_overdue = (
        BuildingTask(this.overdue_view)
        .Annotation(title=_("Frist abgelaufen: verlängern oder zurückweisen"))
        .Permission(CHANGE)
        .Next(this.after_overdue)
    )
    after_overdue = (
        flow.Switch()
        .Annotation(title=_("Wie weiter?"))
        .Case(this.check_completeness, this.arrived)
        .Case(this.await_documents, this.extended)
        .Default(this.issue_notice)
    )
    choose_fachstellen = (
        BuildingTask(this.fachstellen_view)
        .Annotation(title=_("Fachstellen auswählen"))
        .Permission(CHANGE)
        .Next(this.needs_statements)
    )
    needs_statements = (
        flow.If(this.participation)
        .Annotation(title=_("Fachstellen beteiligt?"))
        .Then(this.split_statements)
        .Else(this.draft_decision)
    )
    split_statements = (
        PerItemSplit()
        .Annotation(title=_("Beteiligung (0300)"))
        .Next(this.give_statement, data_source=this.statement_tasks)
    )
    give_statement = (
        StatementTask(this.statement_view)
        .Annotation(title=_("Stellungnahme abgeben (0301)"))
        .Permission("workflows.give_statement")
        .Next(this.join_statements)
    )
    join_statements = (
        flow.Join().Annotation(title=_("Alle Stellungnahmen da")).Next(this.draft_decision)
    )
    draft_decision = (
        BuildingTask(this.draft_view)
        .Annotation(title=_("Entscheidung entwerfen"))
        .Permission(CHANGE)
        .onCreate(this.decision_opened)
        .Next(this.sign_off)
    )
    sign_off = (
        SignOffTask(this.sign_off_view)
        .Annotation(title=_("Bescheid zeichnen (Vier-Augen-Prinzip)"))
        .Permission("workflows.sign_off_buildingapplication")
        .Next(this.is_signed)
    )
    is_signed = (
        flow.If(this.signed)
        .Annotation(title=_("Gezeichnet?"))
        .Then(this.issue_notice)
        .Else(this.draft_decision)
    )
    issue_notice = (
        flow.Function(this.issue)
        .Annotation(title=_("Bescheid erstellen und ablegen (0205)"))
        .Next(this.notify_applicant)
    )
    notify_applicant = (
        flow.Function(this.notify)
        .Annotation(title=_("Antragsteller benachrichtigen"))
        .Next(this.close_file)
    )
    close_file = flow.Function(this.close).Annotation(title=_("Akte schließen")).Next(this.end)
    end = flow.End()

    @property
    def completeness_view(self):
        return _task_view("CompletenessTaskView")

    @property
    def overdue_view(self):
        return _task_view("OverdueTaskView")

    @property
    def fachstellen_view(self):
        return _task_view("FachstellenTaskView")

    @property
    def statement_view(self):
        return _task_view("StatementTaskView")

    @property
    def draft_view(self):
        return _task_view("DraftTaskView")

    @property
    def sign_off_view(self):
        return _task_view("SignOffTaskView")

    def start_process(self, activation, application: BuildingApplication):
        activation.process.artifact = application
        activation.process.data = {"reference": application.efile.reference}
        activation.process.save()
        return activation.process

    def complete(self, activation) -> bool:
        return activation.process.is_complete()

    def arrived(self, activation) -> bool:
        return activation.process.documents_arrived()

    def extended(self, activation) -> bool:
        return activation.process.deadline_extended()

    def participation(self, activation) -> bool:
        return activation.process.needs_statements()

    def signed(self, activation) -> bool:
        return activation.process.is_signed()

    def statement_tasks(self, activation) -> list[dict]:
        requests = StatementRequest.objects.filter(
            application_id=activation.process.artifact_object_id,
            status=StatementStatus.REQUESTED,
        ).order_by("org_unit__name")
        return [{"statement": r.pk, "org_unit": r.org_unit_id} for r in requests]

    def decision_opened(self, activation) -> None:
        decision_open(application=activation.process.application)

    def issue(self, activation) -> None:
        notice_issue(application=activation.process.application)

    def notify(self, activation) -> None:
        application_notify_decision(application=activation.process.application)

    def close(self, activation) -> None:
        application_close(application=activation.process.application)

    def has_view_permission(self, user, obj=None):
        if obj is not None:
            process = getattr(obj, "process", obj)
            return applications_visible(user).filter(pk=process.artifact_object_id).exists()
        return user.is_authenticated and (
            user.has_perm("workflows.view_buildingapplication")
            or user.has_perm("workflows.give_statement")
        )

    def has_manage_permission(self, user, obj=None):
        return user.is_authenticated and user.is_superuser


def process_of(application: BuildingApplication) -> BuildingApplicationProcess | None:
    return (
        BuildingApplicationProcess.objects.filter(
            artifact_content_type=ContentType.objects.get_for_model(BuildingApplication),
            artifact_object_id=application.pk,
        )
        .order_by("-pk")
        .first()
    )


OPEN = [STATUS.NEW, STATUS.ASSIGNED, STATUS.STARTED]


def open_tasks_by_application(applications) -> dict[int, list]:
    """The open human tasks of several applications in one query, by application id."""
    by_id = {application.pk: application for application in applications}
    result: dict[int, list] = {pk: [] for pk in by_id}
    if not by_id:
        return result
    tasks = (
        BuildingApplicationFlow.task_class.objects.filter(
            process__artifact_content_type=ContentType.objects.get_for_model(BuildingApplication),
            process__artifact_object_id__in=list(by_id),
            status__in=OPEN,
        )
        .select_related("process", "owner")
        .order_by("pk")
    )
    for task in tasks:
        if isinstance(task.flow_task, flow.View):
            application = by_id[task.process.artifact_object_id]
            task._building_application = application
            result[application.pk].append(task)
    return result


def open_tasks(application: BuildingApplication) -> list:
    """The application's human tasks still to be done."""
    return open_tasks_by_application([application])[application.pk]


def open_tasks_for(user) -> list[tuple[object, BuildingApplication, object]]:
    """`(task, application, deadline)` of every open human task `user` may take or work on
    (for a personal task list): department tasks, and the statements of their Fachstellen
    (one task per Fachstelle, each with its own deadline)."""
    applications = {a.pk: a for a in applications_visible(user)}
    if not applications:
        return []
    tasks = (
        BuildingApplicationFlow.task_class.objects.filter(
            process__artifact_content_type=ContentType.objects.get_for_model(BuildingApplication),
            process__artifact_object_id__in=list(applications),
            status__in=OPEN,
        )
        .select_related("process", "owner")
        .order_by("pk")
    )
    statements = dict(
        StatementRequest.objects.filter(application_id__in=list(applications)).values_list(
            "pk", "deadline"
        )
    )
    result = []
    for task in tasks:
        node = task.flow_task
        if not isinstance(node, flow.View):
            continue
        if not (node.can_execute(user, task) or node.can_assign(user, task)):
            continue
        application = applications[task.process.artifact_object_id]
        deadline = None
        if node is BuildingApplicationFlow.give_statement:
            deadline = statements.get(task.data.get("statement"))
        elif node is BuildingApplicationFlow.decide_overdue:
            nachforderung = open_nachforderung(application)
            deadline = nachforderung.deadline if nachforderung else None
        result.append((task, application, deadline))
    return result


@transaction.atomic
def building_application_start(**kwargs) -> BuildingApplication:
    """Submit (see `building_application_submit`, same arguments) and start the flow."""
    application = building_application_submit(**kwargs)
    BuildingApplicationFlow.submit.run(application=application)
    return application


def _complete_waiting(application: BuildingApplication) -> bool:
    process = process_of(application)
    if process is None:
        return False
    task = (
        process.task_set.select_for_update()
        .filter(flow_task=BuildingApplicationFlow.await_documents, status=STATUS.NEW)
        .first()
    )
    if task is None:
        return False
    BuildingApplicationFlow.await_documents.run(task)
    return True


@transaction.atomic
def nachforderung_answered(*, actor, application: BuildingApplication, files: list):
    """The applicant hands in the requested documents; the flow returns to the formal check
    (if the deadline has already passed, the clerk's pending decision offers that)."""
    documents = nachforderung_answer(actor=actor, application=application, files=files)
    _complete_waiting(application)
    return documents


def overdue_nachforderungen_escalate() -> int:
    """Hand every application whose Nachforderung deadline has passed to the clerk
    (`decide_overdue`). Run daily by Celery beat; repeating it changes nothing."""
    count = 0
    overdue = Nachforderung.objects.filter(
        status=NachforderungStatus.OPEN,
        deadline__lt=timezone.localdate(),
        application__status=BuildingStatus.INCOMPLETE,
    ).select_related("application")
    for nachforderung in overdue:
        application = nachforderung.application
        if open_nachforderung(application) != nachforderung:
            continue
        with transaction.atomic():
            count += _complete_waiting(application)
    return count
