"""The e-file pages as Viewflow viewsets, so they appear in the Material site menu."""

from django.urls import path
from django.utils.translation import gettext_lazy as _
from viewflow.urls import Application, AppMenuMixin, Viewset

from workflows.viewsets import intake_tasks

from . import views


class StartViewset(AppMenuMixin, Viewset):
    app_name = "start"
    title = _("Übersicht")
    icon = "dashboard"

    index_path = path("", views.StartView.as_view(), name="index")


class EFileViewset(AppMenuMixin, Viewset):
    app_name = "efiles"
    title = _("E-Akten")
    icon = "folder"

    index_path = path("", views.EFileListView.as_view(), name="index")
    create_path = path("neu/", views.EFileCreateView.as_view(), name="create")
    detail_path = path("<int:pk>/", views.EFileDetailView.as_view(), name="detail")
    update_path = path("<int:pk>/betreff/", views.EFileUpdateView.as_view(), name="update")
    upload_path = path("<int:pk>/dokumente/", views.DocumentUploadView.as_view(), name="upload")
    close_path = path(
        "<int:pk>/schliessen/", views.EFileTransitionView.as_view(transition="close"), name="close"
    )
    reopen_path = path(
        "<int:pk>/oeffnen/", views.EFileTransitionView.as_view(transition="reopen"), name="reopen"
    )
    resubmission_path = path(
        "<int:pk>/wiedervorlage/", views.ResubmissionCreateView.as_view(), name="resubmit"
    )
    version_upload_path = path(
        "dokumente/<int:pk>/versionen/", views.VersionUploadView.as_view(), name="version_upload"
    )
    download_path = path(
        "versionen/<int:pk>/download/", views.VersionDownloadView.as_view(), name="download"
    )

    def has_view_permission(self, user, obj=None):
        return user.has_perm("efile.view_efile")


class IntakeViewset(AppMenuMixin, Viewset):
    app_name = "intake"
    title = _("Posteingang")
    icon = "move_to_inbox"

    index_path = path("", views.IntakeInboxView.as_view(), name="index")
    upload_path = path("hochladen/", views.IntakeUploadView.as_view(), name="upload")
    item_path = path("<int:pk>/", views.IntakeFileView.as_view(), name="item")
    original_path = path("<int:pk>/original/", views.IntakeOriginalView.as_view(), name="original")
    page_path = path("<int:pk>/seiten/<int:number>/", views.IntakePageView.as_view(), name="page")
    merge_path = path("zusammenfuehren/", views.IntakeMergeView.as_view(), name="merge")

    def has_view_permission(self, user, obj=None):
        return user.has_perm("efile.add_document")


class ResubmissionViewset(AppMenuMixin, Viewset):
    app_name = "resubmissions"
    title = _("Wiedervorlagen")
    icon = "event"

    index_path = path("", views.ResubmissionDueView.as_view(), name="index")
    complete_path = path(
        "<int:pk>/erledigt/", views.ResubmissionCompleteView.as_view(), name="complete"
    )

    def has_view_permission(self, user, obj=None):
        return user.has_perm("efile.view_resubmission")


class FilingPlanViewset(AppMenuMixin, Viewset):
    app_name = "filing_plan"
    title = _("Aktenplan")
    icon = "account_tree"

    index_path = path("", views.FilingPlanView.as_view(), name="index")

    def has_view_permission(self, user, obj=None):
        return user.has_perm("efile.view_filingplanitem")


class RegistryApplication(Application):
    app_name = "efile"
    title = _("Registratur")
    icon = "inventory_2"
    viewsets = [
        StartViewset(),
        IntakeViewset(),
        intake_tasks(),
        EFileViewset(),
        ResubmissionViewset(),
        FilingPlanViewset(),
    ]

    def has_view_permission(self, user, obj=None):
        # Viewflow's SiteMiddleware answers False with a 403 before the view runs; every page
        # requires login itself and sends anonymous users to the login form instead.
        return True
