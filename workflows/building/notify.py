"""E-mail to applicants and Fachstellen through Django's mail backend, sent after commit."""

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils.translation import gettext as _

from ..models import BuildingApplication


def applicant_address(application: BuildingApplication) -> str:
    if application.applicant.email:
        return application.applicant.email
    if application.submitted_by is not None and application.submitted_by.email:
        return application.submitted_by.email
    return ""


def mail_after_commit(*, recipients: list[str], subject: str, body: str) -> None:
    recipients = sorted({address for address in recipients if address})
    if not recipients:
        return
    # robust: a mail server that is down must not undo or break the committed step.
    transaction.on_commit(
        lambda: send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, recipients), robust=True
    )


def notify_applicant(*, application: BuildingApplication, subject: str, body: str) -> None:
    """Mail the applicant; the status in the API is the authoritative notice, so an applicant
    without e-mail address simply gets none."""
    signature = application.org_unit.building_authority.name
    mail_after_commit(
        recipients=[applicant_address(application)],
        subject=f"{subject} – {application.efile.reference}",
        body=_("Guten Tag,\n\n%(body)s\n\nMit freundlichen Grüßen\n%(authority)s")
        % {"body": body, "authority": signature},
    )
