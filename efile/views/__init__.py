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
    IntakeMergeView,
    IntakeOriginalView,
    IntakePageView,
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
    "IntakeMergeView",
    "IntakeOriginalView",
    "IntakePageView",
    "IntakeUploadView",
    "ResubmissionCompleteView",
    "ResubmissionCreateView",
    "ResubmissionDueView",
    "StartView",
    "VersionDownloadView",
    "VersionUploadView",
]
