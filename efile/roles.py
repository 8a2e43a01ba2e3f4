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

ROLE_PERMISSIONS: dict[Role, list[str]] = {
    Role.CLERK: _FILE_WORK,
    Role.BUILDING: _FILE_WORK,
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
    ],
    Role.APPROVER: [
        "efile.view_efile",
        "efile.view_document",
        "invoicing.view_receivedinvoice",
        "invoicing.view_invoiceattachment",
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
    Role.STATEMENT: [],
    Role.APPLICANT: [],
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
    ],
}
