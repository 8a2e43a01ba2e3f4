"""The Viewflow Material site: every application of the back office hangs here."""

from django.utils.translation import gettext_lazy as _
from viewflow.urls import Site

from efile.viewsets import RegistryApplication
from invoicing.viewsets import InvoicingApplication
from workflows.building_viewsets import BuildingApplicationsApp
from workflows.viewsets import TasksApplication

site = Site(
    title=_("Aktenfluss"),
    primary_color="#1b5e7a",
    viewsets=[
        RegistryApplication(),
        TasksApplication(),
        InvoicingApplication(),
        BuildingApplicationsApp(),
    ],
)
