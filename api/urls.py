from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView

from . import (
    audit,
    building_applications,
    documents,
    efiles,
    invoice_report,
    invoices,
    parties,
    task_completion,
    tasks,
    views,
)

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("redoc/", SpectacularRedocView.as_view(url_name="api-schema"), name="api-redoc"),
    path("efiles/", efiles.EFileListView.as_view(), name="api-efile-list"),
    path("efiles/<int:pk>/", efiles.EFileDetailView.as_view(), name="api-efile-detail"),
    path(
        "efiles/<int:pk>/documents/",
        documents.EFileDocumentsView.as_view(),
        name="api-efile-documents",
    ),
    path(
        "efiles/<int:pk>/audit-events/",
        audit.EFileAuditView.as_view(),
        name="api-efile-audit-events",
    ),
    path("documents/<int:pk>/", documents.DocumentDetailView.as_view(), name="api-document-detail"),
    path(
        "documents/<int:pk>/versions/",
        documents.DocumentVersionsView.as_view(),
        name="api-document-versions",
    ),
    path(
        "documents/<int:pk>/original/",
        documents.DocumentOriginalView.as_view(),
        name="api-document-original",
    ),
    path(
        "documents/<int:pk>/searchable/",
        documents.DocumentSearchableView.as_view(),
        name="api-document-searchable",
    ),
    path(
        "documents/<int:pk>/audit-events/",
        audit.DocumentAuditView.as_view(),
        name="api-document-audit-events",
    ),
    path("parties/", parties.PartyListView.as_view(), name="api-party-list"),
    path("parties/<int:pk>/", parties.PartyDetailView.as_view(), name="api-party-detail"),
    path(
        "parties/<int:pk>/audit-events/",
        audit.PartyAuditView.as_view(),
        name="api-party-audit-events",
    ),
    path(
        "versions/<int:pk>/download/",
        views.VersionDownloadView.as_view(),
        name="api-version-download",
    ),
    path(
        "building-applications/",
        building_applications.BuildingApplicationListView.as_view(),
        name="api-building-application-list",
    ),
    path(
        "building-applications/statistics.csv",
        building_applications.ProcessingTimesView.as_view(),
        name="api-building-application-statistics",
    ),
    path(
        "building-applications/<int:pk>/",
        building_applications.BuildingApplicationDetailView.as_view(),
        name="api-building-application-detail",
    ),
    path(
        "building-applications/<int:pk>/documents/",
        building_applications.BuildingApplicationDocumentsView.as_view(),
        name="api-building-application-documents",
    ),
    path(
        "building-applications/<int:pk>/documents/<int:document_pk>/",
        building_applications.BuildingApplicationDocumentView.as_view(),
        name="api-building-application-document",
    ),
    path(
        "building-applications/<int:pk>/export/",
        building_applications.BuildingApplicationExportView.as_view(),
        name="api-building-application-export",
    ),
    path("invoices/", invoices.InvoiceListView.as_view(), name="api-invoice-list"),
    path("invoices/<int:pk>/", invoices.InvoiceDetailView.as_view(), name="api-invoice-detail"),
    path(
        "invoices/<int:pk>/report/",
        invoice_report.InvoiceReportView.as_view(),
        name="api-invoice-report",
    ),
    path(
        "invoices/<int:pk>/decision/",
        invoices.InvoiceDecisionView.as_view(),
        name="api-invoice-decision",
    ),
    path("tasks/", tasks.TaskListView.as_view(), name="api-task-list"),
    path("tasks/<int:pk>/claim/", tasks.TaskClaimView.as_view(), name="api-task-claim"),
    path("tasks/<int:pk>/unclaim/", tasks.TaskUnclaimView.as_view(), name="api-task-unclaim"),
    path(
        "tasks/<int:pk>/complete/",
        task_completion.TaskCompleteView.as_view(),
        name="api-task-complete",
    ),
    path(
        "invoices/<int:pk>/original/",
        invoices.InvoiceOriginalView.as_view(),
        name="api-invoice-original",
    ),
]
