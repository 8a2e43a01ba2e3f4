"""The roles of DESIGN.md as Django groups, with the model permissions each one holds.

Model permissions say *what kind* of thing a role may do; `efile.permissions` adds *where*
(the user's departments). The data migration and `roles_sync` apply this table.
"""

from enum import StrEnum


class Role(StrEnum):
    CLERK = "Sachbearbeitung"
    REGISTRY = "Registratur"
    ACCOUNTING = "Kreditorenbuchhaltung"
    APPROVER = "Anordnungsbefugte"
    BUILDING = "Bauamt"
    STATEMENT = "Fachstelle"
    APPLICANT = "Antragsteller"
    ADMINISTRATOR = "Administration"


_FILE_WORK = [
    "efile.view_efile",
    "efile.add_efile",
    "efile.change_efile",
    "efile.close_efile",
    "efile.view_document",
    "efile.add_document",
    "efile.add_documentversion",
    "efile.view_party",
    "efile.add_party",
    "efile.view_resubmission",
    "efile.add_resubmission",
    "efile.change_resubmission",
    "efile.view_filingplanitem",
]

# Departments that ordered goods confirm them (sachlich richtig) on invoices routed to them.
_FACTUAL_CHECK = ["invoicing.view_receivedinvoice", "invoicing.confirm_factual"]

ROLE_PERMISSIONS: dict[Role, list[str]] = {
    Role.CLERK: [*_FILE_WORK, *_FACTUAL_CHECK],
    Role.BUILDING: [
        *_FILE_WORK,
        *_FACTUAL_CHECK,
        "workflows.view_buildingapplication",
        "workflows.add_buildingapplication",
        "workflows.change_buildingapplication",
        "workflows.sign_off_buildingapplication",
    ],
    Role.ACCOUNTING: [
        "efile.view_efile",
        "efile.view_document",
        "efile.add_document",
        "efile.add_documentversion",
        "efile.view_party",
        "efile.add_party",
        "efile.change_party",
        "efile.view_resubmission",
        "efile.add_resubmission",
        "efile.change_resubmission",
        "invoicing.view_receivedinvoice",
        "invoicing.add_receivedinvoice",
        "invoicing.view_invoiceattachment",
        "invoicing.confirm_arithmetic",
        "invoicing.export_invoices",
        "invoicing.view_bookingbatch",
        "invoicing.view_paymentrun",
        "invoicing.view_approvalband",
        "invoicing.view_invoiceroute",
        "invoicing.add_invoiceroute",
        "invoicing.change_invoiceroute",
    ],
    Role.APPROVER: [
        "efile.view_efile",
        "efile.view_document",
        "invoicing.view_receivedinvoice",
        "invoicing.view_invoiceattachment",
        "invoicing.approve_invoice",
        "invoicing.view_approvalband",
    ],
    Role.REGISTRY: [
        "efile.view_efile",
        "efile.view_all_efiles",
        "efile.close_efile",
        "efile.dispose_efile",
        "efile.view_filingplanitem",
        "efile.add_filingplanitem",
        "efile.change_filingplanitem",
        "efile.view_party",
        "efile.view_auditevent",
    ],
    Role.STATEMENT: ["workflows.give_statement"],
    Role.APPLICANT: ["workflows.submit_buildingapplication"],
    Role.ADMINISTRATOR: [
        "efile.view_orgunit",
        "efile.add_orgunit",
        "efile.change_orgunit",
        "efile.view_filingplanitem",
        "efile.add_filingplanitem",
        "efile.change_filingplanitem",
        "efile.view_auditevent",
        "auth.view_user",
        "auth.add_user",
        "auth.change_user",
        "auth.view_group",
        "invoicing.view_ownrulelevel",
        "invoicing.add_ownrulelevel",
        "invoicing.change_ownrulelevel",
        "invoicing.delete_ownrulelevel",
        "invoicing.view_approvalband",
        "invoicing.add_approvalband",
        "invoicing.change_approvalband",
        "invoicing.delete_approvalband",
        "invoicing.view_approverlimit",
        "invoicing.add_approverlimit",
        "invoicing.change_approverlimit",
        "invoicing.delete_approverlimit",
        "invoicing.view_invoiceroute",
        "invoicing.add_invoiceroute",
        "invoicing.change_invoiceroute",
        "invoicing.delete_invoiceroute",
        "workflows.view_buildingauthority",
        "workflows.add_buildingauthority",
        "workflows.change_buildingauthority",
        "workflows.view_checklistitem",
        "workflows.add_checklistitem",
        "workflows.change_checklistitem",
        "workflows.delete_checklistitem",
    ],
}
