"""The invoice reception as a Viewflow application in the Material site."""

from django.urls import path
from django.utils.translation import gettext_lazy as _
from viewflow.urls import Application, AppMenuMixin, Viewset

from . import approval_views, views


class InvoiceViewset(AppMenuMixin, Viewset):
    app_name = "invoices"
    title = _("Eingangsrechnungen")
    icon = "receipt_long"

    index_path = path("", views.InvoiceListView.as_view(), name="index")
    upload_path = path("hochladen/", views.InvoiceUploadView.as_view(), name="upload")
    detail_path = path("<int:pk>/", views.InvoiceDetailView.as_view(), name="detail")
    original_path = path("<int:pk>/original/", views.InvoiceOriginalView.as_view(), name="original")
    pdf_path = path("<int:pk>/pdf/", views.InvoicePdfView.as_view(), name="pdf")
    attachment_path = path(
        "<int:pk>/anlagen/<int:attachment_pk>/",
        views.InvoiceAttachmentView.as_view(),
        name="attachment",
    )

    decide_path = path(
        "<int:pk>/entscheiden/", approval_views.InvoiceDecideView.as_view(), name="decide"
    )
    notice_path = path(
        "<int:pk>/zurueckweisung/", approval_views.RejectionNoticeView.as_view(), name="notice"
    )
    radar_path = path("skonto/", approval_views.SkontoRadarView.as_view(), name="radar")
    exports_path = path("zahlung/", approval_views.ExportsView.as_view(), name="exports")
    export_download_path = path(
        "zahlung/<str:kind>/<int:pk>/",
        approval_views.ExportDownloadView.as_view(),
        name="export_download",
    )
    matrix_path = path(
        "freigabematrix/", approval_views.ApprovalMatrixView.as_view(), name="matrix"
    )

    def has_view_permission(self, user, obj=None):
        # The administration reaches the approval matrix here without seeing invoices.
        return user.has_perm("invoicing.view_receivedinvoice") or user.has_perm(
            "invoicing.view_approvalband"
        )


class InvoicingApplication(Application):
    app_name = "invoicing"
    title = _("Rechnungseingang")
    icon = "euro"
    viewsets = [InvoiceViewset()]

    def has_view_permission(self, user, obj=None):
        # Anonymous users pass, so the pages send them to the login form (see efile.viewsets).
        return not user.is_authenticated or self.viewsets[0].has_view_permission(user)
