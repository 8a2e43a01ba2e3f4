"""URL mounting of the flows' task views (without Viewflow's own dashboards and task lists:
clerks reach their tasks from the department-scoped pages, e.g. the Posteingang)."""

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from viewflow.urls import Application, AppMenuMixin, Viewset

from .building_application import BuildingApplicationFlow
from .intake import IntakeFlow
from .views.inbox import DeadlineCalendarView, DeadlineFeedView, InboxView


class FlowTasksViewset(Viewset):
    """Only the task views of one flow; every view checks the task's own permissions."""

    def __init__(self, flow_class, *, app_name: str, success_url=None, **kwargs):
        super().__init__(**kwargs)
        self.flow_class = flow_class
        self.app_name = app_name
        self.success_url = success_url

    def _get_urls(self):
        patterns, _app_name, _namespace = self.flow_class.instance.urls
        self.flow_class.parent = self
        self.flow_class.app_name = None
        return patterns

    def _get_resolver_extra(self):
        return {"flow_viewset": self, **super()._get_resolver_extra()}

    def has_view_permission(self, user, obj=None):
        return self.flow_class.instance.has_view_permission(user, obj=obj)

    def get_success_url(self, request):
        if self.success_url is not None:
            return self.success_url(request)
        return reverse("efile:intake:index")


def intake_tasks() -> FlowTasksViewset:
    return FlowTasksViewset(IntakeFlow, app_name="intake_tasks")


def _application_page(request) -> str:
    process = request.activation.process
    return reverse("building:applications:detail", args=[process.artifact_object_id])


def building_tasks() -> FlowTasksViewset:
    return FlowTasksViewset(
        BuildingApplicationFlow, app_name="building_tasks", success_url=_application_page
    )


class InboxViewset(AppMenuMixin, Viewset):
    app_name = "inbox"
    title = _("Meine Aufgaben")
    icon = "inbox"

    index_path = path("", InboxView.as_view(), name="index")
    calendar_path = path("kalender/", DeadlineCalendarView.as_view(), name="calendar")
    ical_path = path("kalender/<str:token>.ics", DeadlineFeedView.as_view(), name="ical")

    def has_view_permission(self, user, obj=None):
        return user.is_authenticated


class TasksApplication(Application):
    """The unified inbox across all flows (the start page links to it)."""

    app_name = "tasks"
    title = _("Aufgaben")
    icon = "task_alt"
    viewsets = [InboxViewset()]

    def has_view_permission(self, user, obj=None):
        return True  # the pages send anonymous users to the login form
