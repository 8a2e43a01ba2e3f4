"""Every write of the e-file core: keyword-only, checked, audited, atomic.

`actor` is the user on whose behalf the change happens; `None` stands for the system
(management commands, migrations) and skips the permission check, never the audit.
"""

from .documents import document_receive, document_version_add, validate_filename
from .efiles import (
    efile_close,
    efile_open,
    efile_reopen,
    efile_transition,
    efile_update,
    format_aktenzeichen,
)
from .parties import party_register, party_update
from .resubmissions import resubmission_complete, resubmission_create

__all__ = [
    "document_receive",
    "document_version_add",
    "efile_close",
    "efile_open",
    "efile_reopen",
    "efile_transition",
    "efile_update",
    "format_aktenzeichen",
    "party_register",
    "party_update",
    "resubmission_complete",
    "resubmission_create",
    "validate_filename",
]
