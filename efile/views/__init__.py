"""Pages of the e-file core: e-files and documents, the intake inbox."""

from .efiles import (
    DocumentUploadView,
    EFileCreateView,
    EFileDetailView,
    EFileListView,
    EFileTransitionView,
    EFileUpdateView,
    FilingPlanView,
    ResubmissionCompleteView,
    ResubmissionCreateView,
    ResubmissionDueView,
    StartView,
    VersionDownloadView,
    VersionUploadView,
)
from .intake import (
    IntakeFileView,
    IntakeInboxView,
    IntakeOriginalView,
    IntakeUploadView,
)

__all__ = [
    "DocumentUploadView",
    "EFileCreateView",
    "EFileDetailView",
    "EFileListView",
    "EFileTransitionView",
    "EFileUpdateView",
    "FilingPlanView",
    "IntakeFileView",
    "IntakeInboxView",
    "IntakeOriginalView",
    "IntakeUploadView",
    "ResubmissionCompleteView",
    "ResubmissionCreateView",
    "ResubmissionDueView",
    "StartView",
    "VersionDownloadView",
    "VersionUploadView",
]
