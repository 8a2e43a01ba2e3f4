"""Decision draft, sign-off by a second person (four eyes), the Bescheid (XBau 0205) as PDF,
notifying the applicant and closing the e-file."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from efile.audit import audit_record
from efile.models import DocumentKind
from efile.services import efile_close

from ..models import BuildingApplication, BuildingStatus, Decision, StatementStatus
from .access import require_work_on, sign_off_refusal
from .checklist import lock_application
from .letters import decision_text, letter_file, notice_letter
from .notify import notify_applicant
from .states import transition


def conditions_from_statements(application: BuildingApplication) -> str:
    """The Fachstellen's proposed conditions, as a starting point for the draft."""
    return "\n".join(
        f"{request.conditions} ({request.org_unit.name})"
        for request in application.statements.filter(status=StatementStatus.GIVEN)
        .exclude(conditions="")
        .select_related("org_unit")
    )


@transaction.atomic
def decision_open(*, application: BuildingApplication) -> BuildingApplication:
    """All statements are in (or none were needed, or the signer sent the draft back)."""
    application = lock_application(application)
    if application.status != BuildingStatus.DECISION:
        transition(actor=None, application=application, name="open_decision")
    return application


@transaction.atomic
def decision_draft(
    *, actor, application: BuildingApplication, decision: str, conditions: str, reasons: str
) -> BuildingApplication:
    require_work_on(actor, application)
    application = lock_application(application)
    if application.status != BuildingStatus.DECISION:
        raise ValidationError(
            _("Für diesen Antrag kann jetzt keine Entscheidung entworfen werden."),
            code="not_in_decision",
        )
    errors = {}
    if decision not in Decision.values:
        errors["decision"] = [_("Bitte wählen Sie Genehmigung oder Ablehnung.")]
    if decision == Decision.REFUSAL and not reasons.strip():
        errors["reasons"] = [_("Eine Ablehnung muss begründet werden.")]
    if errors:
        raise ValidationError(errors)
    application.decision = decision
    application.conditions = conditions.strip() if decision == Decision.APPROVAL else ""
    application.reasons = reasons.strip()
    application.drafted_by = actor
    application.signed_by = None
    transition(
        actor=actor,
        application=application,
        name="submit_draft",
        decision=decision,
        conditions=application.conditions,
    )
    return application


@transaction.atomic
def decision_sign_off(
    *, actor, application: BuildingApplication, approve: bool, remark: str = ""
) -> BuildingApplication:
    """Sign the draft (then the flow issues the Bescheid) or send it back to the drafter.
    The drafter can never sign their own draft."""
    application = lock_application(application)
    if application.status != BuildingStatus.SIGN_OFF or application.signed_by_id:
        raise ValidationError(
            _("Dieser Entwurf liegt nicht zur Zeichnung vor."), code="not_for_sign_off"
        )
    refusal = sign_off_refusal(actor, application)
    if refusal:
        raise PermissionDenied(refusal)
    if approve:
        application.signed_by = actor
        application.save(update_fields=["signed_by"])
        audit_record(
            actor=actor,
            action="building.sign_off",
            obj=application,
            changes={"signed_by": [None, actor.get_username()]},
        )
    else:
        if not remark.strip():
            raise ValidationError(
                {"remark": [_("Bitte schreiben Sie, was am Entwurf zu ändern ist.")]}
            )
        transition(
            actor=actor, application=application, name="open_decision", remark=remark.strip()
        )
    return application


@transaction.atomic
def notice_issue(*, application: BuildingApplication) -> BuildingApplication:
    """Generate the Bescheid from the signed decision (or the rejection as incomplete), file
    it into the e-file and set the final status."""
    application = lock_application(application)
    signer = application.signed_by
    if application.status == BuildingStatus.SIGN_OFF:
        if signer is None or signer.pk == application.drafted_by_id:
            raise PermissionDenied(_("Der Bescheid ist nicht von einer zweiten Person gezeichnet."))
        name = "approve" if application.decision == Decision.APPROVAL else "refuse"
        transition(actor=signer, application=application, name=name)
    elif application.status != BuildingStatus.REJECTED or application.notice_id:
        raise ValidationError(_("Für diesen Antrag ist kein Bescheid zu erstellen."))
    signer_name = (signer.get_full_name() or signer.get_username()) if signer else ""
    application.notice = letter_file(
        actor=None,
        application=application,
        letter=notice_letter(application, signed_by_name=signer_name),
        filename=f"Bescheid-{application.efile.reference}.pdf",
        title=_("Bescheid vom %(date)s") % {"date": f"{timezone.localdate():%d.%m.%Y}"},
        kind=DocumentKind.NOTICE,
    )
    application.save(update_fields=["notice"])
    return application


def application_notify_decision(*, application: BuildingApplication) -> None:
    notify_applicant(
        application=application,
        subject=_("Bescheid zu Ihrem Bauantrag"),
        body=_(
            "über Ihren Bauantrag wurde entschieden: %(decision)s\n\nDen Bescheid können Sie "
            "online abrufen."
        )
        % {"decision": decision_text(application)},
    )


def application_close(*, application: BuildingApplication) -> None:
    efile_close(
        actor=None, efile=application.efile, reason=_("Baugenehmigungsverfahren abgeschlossen")
    )
