"""Process proxy models of the flows and the tables of the building application."""

from .building import (
    BuildingApplication,
    BuildingApplicationProcess,
    BuildingAuthority,
    BuildingStatus,
    ChecklistItem,
    Decision,
    Nachforderung,
    NachforderungStatus,
    ProjectKind,
    StatementRequest,
    StatementStatus,
)
from .intake import IntakeProcess

__all__ = [
    "BuildingApplication",
    "BuildingApplicationProcess",
    "BuildingAuthority",
    "BuildingStatus",
    "ChecklistItem",
    "Decision",
    "IntakeProcess",
    "Nachforderung",
    "NachforderungStatus",
    "ProjectKind",
    "StatementRequest",
    "StatementStatus",
]
