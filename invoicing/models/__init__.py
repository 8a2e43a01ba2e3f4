from .approval import (
    ApprovalBand,
    ApprovalStep,
    ApproverLimit,
    Decision,
    InvoiceRoute,
    RejectionNotice,
    RouteKey,
    Step,
)
from .exports import BookingBatch, PaymentRun
from .reception import (
    OPEN_STATUSES,
    ApprovalStatus,
    InvoiceAttachment,
    InvoiceChannel,
    OwnRuleLevel,
    ReceivedInvoice,
    Verdict,
)
from .supplier_files import SupplierFile

__all__ = [
    "OPEN_STATUSES",
    "ApprovalBand",
    "ApprovalStatus",
    "ApprovalStep",
    "ApproverLimit",
    "BookingBatch",
    "Decision",
    "InvoiceAttachment",
    "InvoiceChannel",
    "InvoiceRoute",
    "OwnRuleLevel",
    "PaymentRun",
    "ReceivedInvoice",
    "RejectionNotice",
    "RouteKey",
    "Step",
    "SupplierFile",
    "Verdict",
]
