"""URL mounting of the flows' task views (without Viewflow's own dashboards and task lists:
clerks reach their tasks from the department-scoped pages, e.g. the Posteingang)."""

from django.urls import reverse
from viewflow.urls import Viewset

from .intake import IntakeFlow


class FlowTasksViewset(Viewset):
    """Only the task views of one flow; every view checks the task's own permissions."""

    def __init__(self, flow_class, *, app_name: str, **kwargs):
        super().__init__(**kwargs)
        self.flow_class = flow_class
        self.app_name = app_name

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
        return reverse("efile:intake:index")


def intake_tasks() -> FlowTasksViewset:
    return FlowTasksViewset(IntakeFlow, app_name="intake_tasks")
