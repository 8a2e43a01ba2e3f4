"""Pages of the building applications: the department's queue, the Fachstelle's requests, the
application page (checklist, Nachforderungen, statements, documents, tasks), the paper
application form, document downloads and the process chart. Every page asks
`workflows.building.access`."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import FormView, TemplateView
from viewflow.workflow import STATUS
from viewflow.workflow.flow.views.chart import FlowChartView

from efile.models import AuditEvent, DocumentVersion
from efile.views.downloads import blob_response

from ..building.access import (
    applications_for_department,
    applications_visible,
    is_department_member,
    statement_requests_for,
)
from ..building.states import ACTION_LABELS
from ..building.submission import ApplicantData, ApplicationData, SubmissionInvalid
from ..building_application import (
    BuildingApplicationFlow,
    building_application_start,
    open_tasks,
    open_tasks_by_application,
    process_of,
)
from ..forms import PaperApplicationForm
from ..models import BuildingApplication, BuildingAuthority, BuildingStatus, ProjectKind


def application_or_404(user, pk: int) -> BuildingApplication:
    try:
        return applications_visible(user).get(pk=pk)
    except BuildingApplication.DoesNotExist as exc:
        raise Http404(_("Bauantrag nicht gefunden.")) from exc


def _task_actions(user, application: BuildingApplication, tasks=None) -> list[dict]:
    actions = []
    for task in open_tasks(application) if tasks is None else tasks:
        node = task.flow_task
        entry = {"task": task, "title": node.task_title, "execute": None, "take": None}
        if task.status == STATUS.NEW and node.can_assign(user, task):
            entry["take"] = reverse("building:applications:take", args=[application.pk, task.pk])
        elif task.status in (STATUS.ASSIGNED, STATUS.STARTED) and node.can_execute(user, task):
            entry["execute"] = node.reverse("execute", args=[task.process_id, task.pk])
        actions.append(entry)
    return actions


def application_context(user, application: BuildingApplication) -> dict:
    department = is_department_member(user, application)
    statements = application.statements.select_related("org_unit", "document").order_by(
        "org_unit__name"
    )
    documents = application.efile.documents.prefetch_related("versions").order_by(
        "received_on", "id"
    )
    return {
        "application": application,
        "is_department": department,
        "statements": statements,
        "nachforderungen": application.nachforderungen.select_related("letter"),
        "documents": [
            {"document": document, "version": document.versions.order_by("number").first()}
            for document in documents
        ],
        "tasks": _task_actions(user, application),
        "history": [
            {"event": event, "label": ACTION_LABELS.get(event.action, event.action)}
            for event in AuditEvent.objects.filter(
                object_type=application._meta.label_lower, object_id=str(application.pk)
            ).select_related("actor")
        ]
        if department
        else [],
    }


class BuildingPage(LoginRequiredMixin):
    def dispatch(self, request, *args, **kwargs):
        user = request.user
        if user.is_authenticated and not (
            user.has_perm("workflows.view_buildingapplication")
            or user.has_perm("workflows.give_statement")
        ):
            raise PermissionDenied(_("Sie haben keine Berechtigung für diese Seite."))
        return super().dispatch(request, *args, **kwargs)


class QueueView(BuildingPage, TemplateView):
    """The building department's queue: its applications, open ones first."""

    template_name = "workflows/building_queue.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        applications = applications_for_department(user)
        status = self.request.GET.get("status", "")
        if status in BuildingStatus.values:
            applications = applications.filter(status=status)
        elif status != "alle":
            applications = applications.exclude(
                status__in=[
                    BuildingStatus.APPROVED,
                    BuildingStatus.REFUSED,
                    BuildingStatus.REJECTED,
                ]
            )
        page = Paginator(applications.order_by("received_at", "id"), 25).get_page(
            self.request.GET.get("page")
        )
        tasks = open_tasks_by_application(page)
        rows = [{"application": a, "tasks": _task_actions(user, a, tasks[a.pk])} for a in page]
        return {
            **super().get_context_data(**kwargs),
            "page_obj": page,
            "rows": rows,
            "status": status,
            "statuses": BuildingStatus.choices,
            "may_enter": user.has_perm("workflows.add_buildingapplication"),
        }


class StatementInboxView(BuildingPage, TemplateView):
    """A Fachstelle's requests: only the applications it was asked about."""

    template_name = "workflows/statement_inbox.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        requests = list(statement_requests_for(user).order_by("status", "deadline"))
        tasks = open_tasks_by_application({r.application for r in requests})
        return {
            **super().get_context_data(**kwargs),
            "rows": [
                {
                    "request": r,
                    "tasks": _task_actions(user, r.application, tasks[r.application_id]),
                }
                for r in requests
            ],
        }


class ApplicationDetailView(BuildingPage, TemplateView):
    template_name = "workflows/building_detail.html"

    def get_context_data(self, **kwargs):
        application = application_or_404(self.request.user, kwargs["pk"])
        return {
            **super().get_context_data(**kwargs),
            **application_context(self.request.user, application),
        }


class TaskTakeView(BuildingPage, View):
    """Take a free task of the application and open it."""

    def post(self, request, pk: int, task_pk: int):
        application = application_or_404(request.user, pk)
        process = process_of(application)
        task = process.task_set.filter(pk=task_pk).first() if process else None
        if task is None:
            raise Http404(_("Aufgabe nicht gefunden."))
        node = task.flow_task
        with BuildingApplicationFlow.lock(task.process_id), transaction.atomic():
            task.refresh_from_db()
            if task.status == STATUS.NEW:
                if not node.can_assign(request.user, task):
                    raise PermissionDenied(_("Sie dürfen diese Aufgabe nicht übernehmen."))
                node.activation_class(task).assign(request.user)
        if not node.can_execute(request.user, task):
            messages.warning(request, _("Diese Aufgabe bearbeitet bereits jemand anderes."))
            return HttpResponseRedirect(reverse("building:applications:detail", args=[pk]))
        return HttpResponseRedirect(node.reverse("execute", args=[task.process_id, task.pk]))


class DocumentDownloadView(BuildingPage, View):
    """A document version of the application's e-file, for everyone who may see the
    application (the Fachstellen read the plans here)."""

    def get(self, request, pk: int, version_pk: int):
        application = application_or_404(request.user, pk)
        try:
            version = DocumentVersion.objects.get(
                pk=version_pk, document__efile_id=application.efile_id
            )
        except DocumentVersion.DoesNotExist as exc:
            raise Http404(_("Dokument nicht gefunden.")) from exc
        return blob_response(
            blob=version.blob, filename=version.filename, mime_type=version.mime_type, inline=True
        )


class ProcessChartView(FlowChartView):
    """Viewflow's BPMN chart of one application's process, with the done steps marked."""

    def dispatch(self, request, *args, **kwargs):
        self.flow_class = BuildingApplicationFlow
        if "pk" in kwargs:
            application = application_or_404(request.user, kwargs.pop("pk"))
            process = process_of(application)
            if process is None:
                raise Http404
            kwargs["process_pk"] = process.pk
        return super().dispatch(request, *args, **kwargs)


class PaperApplicationView(LoginRequiredMixin, FormView):
    """A paper application entered by the building department (same checks as online)."""

    template_name = "workflows/building_form.html"
    form_class = PaperApplicationForm

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not request.user.has_perm(
            "workflows.add_buildingapplication"
        ):
            raise PermissionDenied(_("Sie dürfen keine Bauanträge erfassen."))
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        user = self.request.user
        authorities = BuildingAuthority.objects.select_related("org_unit")
        if not user.is_superuser:
            authorities = authorities.filter(org_unit__members=user)
        return {**super().get_form_kwargs(), "authorities": authorities}

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            application = building_application_start(
                actor=self.request.user,
                org_unit=data["authority"].org_unit,
                applicant=ApplicantData.from_fields(data),
                data=ApplicationData.from_fields(data),
                plans=data["plans"],
                attachments=data["attachments"],
            )
        except SubmissionInvalid as error:
            for field, field_messages in error.errors.items():
                form.add_error(field if field in form.fields else None, field_messages)
            return self.form_invalid(form)
        except ValidationError as error:
            form.add_error(None, " ".join(error.messages))
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("Bauantrag erfasst: %(reference)s.") % {"reference": application.efile.reference},
        )
        return HttpResponseRedirect(reverse("building:applications:detail", args=[application.pk]))

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "project_kinds": ProjectKind.choices}
