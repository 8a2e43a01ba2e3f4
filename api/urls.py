from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView

from . import invoices, views

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("redoc/", SpectacularRedocView.as_view(url_name="api-schema"), name="api-redoc"),
    path("efiles/", views.EFileListView.as_view(), name="api-efile-list"),
    path("efiles/<int:pk>/", views.EFileDetailView.as_view(), name="api-efile-detail"),
    path(
        "versions/<int:pk>/download/",
        views.VersionDownloadView.as_view(),
        name="api-version-download",
    ),
    path("invoices/", invoices.InvoiceListView.as_view(), name="api-invoice-list"),
    path("invoices/<int:pk>/", invoices.InvoiceDetailView.as_view(), name="api-invoice-detail"),
    path(
        "invoices/<int:pk>/original/",
        invoices.InvoiceOriginalView.as_view(),
        name="api-invoice-original",
    ),
]
