"""The letters of the procedure, worded in German and filed into the e-file as documents.

Each `*_letter` function returns a `pdf.Letter`; `letter_file` renders it and files it through
`efile.services.document_receive` (audited, read by the OCR task like every upload).
"""

import io

from django.utils import formats, timezone
from django.utils.translation import gettext as _

from efile.letter_pdf import Letter, Section, render_letter
from efile.models import Document, DocumentKind
from efile.permissions import Action, efile_can
from efile.services import document_receive

from ..models import BuildingApplication, Decision, Nachforderung


def file_actor(actor, application: BuildingApplication):
    """The user to record on filed documents: `actor` if they may upload into the e-file,
    otherwise the system (applicants and Fachstellen file through the procedure)."""
    if actor is not None and efile_can(actor, Action.UPLOAD, application.efile):
        return actor
    return None


def _recipient(application: BuildingApplication) -> tuple[str, ...]:
    party = application.applicant
    lines = [party.name, party.street, f"{party.postcode} {party.city}".strip()]
    return tuple(line for line in lines if line)


def letter_base(application: BuildingApplication, title: str, **kwargs) -> Letter:
    authority = application.org_unit.building_authority
    return Letter(
        authority=authority.name,
        authority_address=authority.address,
        recipient=_recipient(application),
        reference=application.efile.reference,
        date=timezone.localdate(),
        title=title,
        reference_label=_("Aktenzeichen"),
        date_label=_("Datum"),
        page_label=_("Seite {page}"),
        **kwargs,
    )


def _money(value) -> str:
    return f"{formats.number_format(value, 2, use_l10n=True, force_grouping=True)} EUR"


def _facts(application: BuildingApplication) -> tuple[tuple[str, str], ...]:
    return (
        (_("Antragsteller(in)"), application.applicant.name),
        (_("Vorhaben"), application.get_project_kind_display()),
        (_("Baugrundstück"), application.site_address),
        (_("Flurstück / Parzelle"), application.parcel),
        (_("Beschreibung"), application.description),
        (_("Geschätzte Baukosten"), _money(application.estimated_costs)),
    )


def acknowledgement_letter(application: BuildingApplication, documents: list[Document]) -> Letter:
    received = timezone.localtime(application.received_at)
    listing = "\n".join(f"– {doc.title}" for doc in documents) or _("keine")
    return letter_base(
        application,
        _("Eingangsbestätigung zu Ihrem Bauantrag"),
        facts=(
            (_("Eingegangen am"), f"{received:%d.%m.%Y, %H:%M} Uhr"),
            *_facts(application),
        ),
        sections=(
            Section(
                "",
                (
                    _(
                        "wir bestätigen den Eingang Ihres Bauantrags. Bitte geben Sie bei "
                        "Rückfragen immer das Aktenzeichen %(reference)s an."
                    )
                    % {"reference": application.efile.reference},
                ),
            ),
            Section(_("Eingereichte Unterlagen"), (listing,)),
            Section(
                _("Wie es weitergeht"),
                (
                    _(
                        "Wir prüfen zunächst, ob die Unterlagen vollständig sind. Fehlt etwas, "
                        "erhalten Sie eine Nachforderung mit Frist. Den Stand Ihres Antrags "
                        "sehen Sie jederzeit online."
                    ),
                ),
            ),
        ),
    )


def nachforderung_letter(nachforderung: Nachforderung) -> Letter:
    application = nachforderung.application
    missing = "\n".join(f"– {label}" for label in nachforderung.missing)
    paragraphs = [
        _(
            "bei der Prüfung Ihres Bauantrags auf Vollständigkeit haben wir festgestellt, dass "
            "folgende Unterlagen fehlen oder unvollständig sind:"
        ),
        missing,
    ]
    if nachforderung.note:
        paragraphs.append(nachforderung.note)
    paragraphs.append(
        _(
            "Bitte reichen Sie die Unterlagen bis zum %(deadline)s nach. Geht bis dahin nichts "
            "ein, kann der Antrag als unvollständig zurückgewiesen werden."
        )
        % {"deadline": f"{nachforderung.deadline:%d.%m.%Y}"}
    )
    return letter_base(
        application,
        _("Nachforderung von Unterlagen"),
        facts=_facts(application)[:4],
        sections=(Section("", tuple(paragraphs)),),
    )


def decision_text(application: BuildingApplication) -> str:
    """The operative sentence (Tenor) of the notice."""
    if application.decision == Decision.APPROVAL:
        if application.conditions.strip():
            return _("Die Baugenehmigung wird unter Nebenbestimmungen erteilt.")
        return _("Die Baugenehmigung wird erteilt.")
    if application.decision == Decision.REFUSAL:
        return _("Der Bauantrag wird abgelehnt.")
    return _("Der Bauantrag wird als unvollständig zurückgewiesen.")


def notice_letter(application: BuildingApplication, *, signed_by_name: str) -> Letter:
    sections = [Section(_("Entscheidung"), (decision_text(application),))]
    if application.decision == Decision.APPROVAL and application.conditions.strip():
        sections.append(Section(_("Nebenbestimmungen"), (application.conditions.strip(),)))
    if application.reasons.strip():
        sections.append(Section(_("Begründung"), (application.reasons.strip(),)))
    sections.append(
        Section(
            _("Rechtsbehelfsbelehrung"), (application.org_unit.building_authority.legal_remedy,)
        )
    )
    return letter_base(
        application,
        _("Bescheid"),
        facts=_facts(application)[:5],
        sections=tuple(sections),
        signature=(_("Im Auftrag"), signed_by_name),
    )


def letter_file(
    *,
    actor,
    application: BuildingApplication,
    letter: Letter,
    filename: str,
    title: str,
    kind: str = DocumentKind.LETTER,
) -> Document:
    return document_receive(
        actor=file_actor(actor, application),
        efile=application.efile,
        stream=io.BytesIO(render_letter(letter)),
        filename=filename,
        title=title,
        kind=kind,
    )
