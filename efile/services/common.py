"""What every service module shares: the actor convention and the audited field lists."""


def is_system(actor) -> bool:
    """`actor=None` stands for the system (commands, migrations): no permission check."""
    return actor is None


EFILE_FIELDS = ("reference", "plan_item", "year", "number", "title", "org_unit", "status")
DOCUMENT_FIELDS = ("efile", "title", "kind", "received_on", "sender")
VERSION_FIELDS = ("document", "number", "sha256", "filename", "mime_type", "size", "page_count")
PARTY_FIELDS = (
    "kind",
    "name",
    "street",
    "postcode",
    "city",
    "country",
    "email",
    "iban",
    "vat_id",
    "leitweg_id",
)
