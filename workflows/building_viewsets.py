"""The building applications (Bauanträge) as an application of the Viewflow Material site."""

from django.urls import path
from django.utils.translation import gettext_lazy as _
from viewflow.urls import Application, AppMenuMixin, Viewset

from .views import building as views
from .viewsets import building_tasks


class ApplicationViewset(AppMenuMixin, Viewset):
    app_name = "applications"
    title = _("Bauanträge")
    icon = "home_work"

    index_path = path("", views.QueueView.as_view(), name="index")
    create_path = path("erfassen/", views.PaperApplicationView.as_view(), name="create")
    detail_path = path("<int:pk>/", views.ApplicationDetailView.as_view(), name="detail")
    take_path = path(
        "<int:pk>/aufgaben/<int:task_pk>/uebernehmen/", views.TaskTakeView.as_view(), name="take"
    )
    download_path = path(
        "<int:pk>/dokumente/<int:version_pk>/",
        views.DocumentDownloadView.as_view(),
        name="download",
    )
    chart_path = path("<int:pk>/ablauf.svg", views.ProcessChartView.as_view(), name="chart")
    flow_chart_path = path("ablauf.svg", views.ProcessChartView.as_view(), name="flow_chart")

    def has_view_permission(self, user, obj=None):
        return user.has_perm("workflows.view_buildingapplication")


class StatementViewset(AppMenuMixin, Viewset):
    app_name = "statements"
    title = _("Stellungnahmen")
    icon = "rate_review"

    index_path = path("", views.StatementInboxView.as_view(), name="index")

    def has_view_permission(self, user, obj=None):
        return user.has_perm("workflows.give_statement")


class BuildingApplicationsApp(Application):
    app_name = "building"
    title = _("Bauanträge")
    icon = "apartment"
    viewsets = [ApplicationViewset(), StatementViewset(), building_tasks()]

    def has_view_permission(self, user, obj=None):
        # Anonymous users pass, so the pages send them to the login form (see efile.viewsets).
        return not user.is_authenticated or (
            user.has_perm("workflows.view_buildingapplication")
            or user.has_perm("workflows.give_statement")
        )
