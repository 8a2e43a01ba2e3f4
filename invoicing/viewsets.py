"""The invoice reception as a Viewflow application in the Material site."""

from django.urls import path
from django.utils.translation import gettext_lazy as _
from viewflow.urls import Application, AppMenuMixin, Viewset

from . import views


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

    def has_view_permission(self, user, obj=None):
        return user.has_perm("invoicing.view_receivedinvoice")


class InvoicingApplication(Application):
    app_name = "invoicing"
    title = _("Rechnungseingang")
    icon = "euro"
    viewsets = [InvoiceViewset()]

    def has_view_permission(self, user, obj=None):
        # Anonymous users pass, so the pages send them to the login form (see efile.viewsets).
        return not user.is_authenticated or user.has_perm("invoicing.view_receivedinvoice")
