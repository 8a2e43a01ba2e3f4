"""Tables of the e-file core, one module per concept."""

from .audit import AUDIT_ACTION_LABELS, AuditChainHead, AuditEvent
from .documents import Document, DocumentKind, DocumentVersion, ImmutableRowError
from .efiles import AktenzeichenCounter, EFile, EFileStatus
from .intake import IntakeChannel, IntakeItem, IntakeStatus
from .organisation import DisposalAction, FilingPlanItem, OrgUnit
from .paperless import PaperlessImport, PaperlessImportState
from .parties import Party
from .resubmissions import Resubmission

__all__ = [
    "AUDIT_ACTION_LABELS",
    "AktenzeichenCounter",
    "AuditChainHead",
    "AuditEvent",
    "DisposalAction",
    "Document",
    "DocumentKind",
    "DocumentVersion",
    "EFile",
    "EFileStatus",
    "FilingPlanItem",
    "ImmutableRowError",
    "IntakeChannel",
    "IntakeItem",
    "IntakeStatus",
    "OrgUnit",
    "PaperlessImport",
    "PaperlessImportState",
    "Party",
    "Resubmission",
]
