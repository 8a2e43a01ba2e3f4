"""Exports: one application as JSON with XBau-like keys, processing times as open-data CSV.

Keys follow the element names of XBau (Bauantrag 0200, formelle Prüfung 0201, Beteiligung
0300–0306, Bescheid 0205) where one exists, in XBau's lowerCamelCase spelling:
`aktenzeichen`, `antragsteller`, `bauvorhaben` (`art`, `beschreibung`, `baukosten`),
`baugrundstueck` (`flurstueck`, `anschrift`), `zustaendigeBehoerde`, `eingangsdatum`,
`formellePruefung` (`pruefpunkte`, `nachforderungen` with `fehlendeUnterlagen` and `frist`),
`beteiligungen` (`fachstelle`, `frist`, `stellungnahme`, `nebenbestimmungen`),
`bescheid` (`entscheidung`, `nebenbestimmungen`, `begruendung`, `datum`). Keys without an
XBau counterpart are prefixed `af:` (`af:status`, `af:statusverlauf`). The names were chosen
after the XBau element naming, not validated against the XBau schema; a later XBau
interface maps them one to one.
"""

import csv
import io
import statistics
from collections import defaultdict

from django.db.models import QuerySet
from django.utils import timezone

from efile.models import AuditEvent

from ..models import BuildingApplication, BuildingStatus, ProjectKind

XBAU_MESSAGES = {"antrag": "0200", "formellePruefung": "0201", "beteiligung": "0300"}


def _date(value) -> str | None:
    if value is None:
        return None
    if hasattr(value, "astimezone"):
        return timezone.localtime(value).isoformat(timespec="seconds")
    return value.isoformat()


def status_history(application: BuildingApplication) -> list[dict]:
    """Status changes from the audit trail (the state machine audits every transition)."""
    events = AuditEvent.objects.filter(
        object_type=application._meta.label_lower, object_id=str(application.pk)
    ).order_by("id")
    history = []
    for event in events:
        status = event.changes.get("status")
        if event.action == "building.submit":
            history.append(
                {"status": BuildingStatus.RECEIVED.value, "zeitpunkt": _date(event.timestamp)}
            )
        elif status:
            history.append({"status": status[1], "zeitpunkt": _date(event.timestamp)})
    return history


def application_export(application: BuildingApplication) -> dict:
    party = application.applicant
    notice = None
    if application.is_final:
        notice = {
            "entscheidung": application.decision or "zurueckweisung",
            "nebenbestimmungen": application.conditions,
            "begruendung": application.reasons,
            "datum": _date(application.decided_at),
        }
    return {
        "nachrichtentyp": XBAU_MESSAGES["antrag"],
        "aktenzeichen": application.efile.reference,
        "zustaendigeBehoerde": application.org_unit.building_authority.name,
        "eingangsdatum": _date(application.received_at),
        "antragsteller": {
            "name": party.name,
            "anschrift": {
                "strasse": party.street,
                "postleitzahl": party.postcode,
                "ort": party.city,
                "staat": party.country,
            },
        },
        "bauvorhaben": {
            "art": application.project_kind,
            "bezeichnung": application.get_project_kind_display(),
            "beschreibung": application.description,
            "baukosten": str(application.estimated_costs),
        },
        "baugrundstueck": {"flurstueck": application.parcel, "anschrift": application.site_address},
        "formellePruefung": {
            "pruefdatum": _date(application.checked_at),
            "pruefpunkte": [
                {"bezeichnung": item["label"], "vorhanden": item["present"]}
                for item in application.checklist
            ],
            "nachforderungen": [
                {
                    "datum": _date(n.created_at),
                    "fehlendeUnterlagen": n.missing,
                    "frist": _date(n.deadline),
                    "status": n.status,
                    "beantwortetAm": _date(n.answered_at),
                }
                for n in application.nachforderungen.all()
            ],
        },
        "beteiligungen": [
            {
                "fachstelle": s.org_unit.name,
                "angefordertAm": _date(s.requested_at),
                "frist": _date(s.deadline),
                "status": s.status,
                "stellungnahme": s.text,
                "nebenbestimmungen": s.conditions,
                "abgegebenAm": _date(s.given_at),
            }
            for s in application.statements.select_related("org_unit")
        ],
        "bescheid": notice,
        "af:status": application.status,
        "af:statusverlauf": status_history(application),
    }


DECIDED = (BuildingStatus.APPROVED, BuildingStatus.REFUSED)
CSV_HEADER = [
    "art",
    "bezeichnung",
    "anzahl_entschieden",
    "genehmigt",
    "abgelehnt",
    "tage_mittelwert",
    "tage_median",
    "tage_min",
    "tage_max",
]


def processing_times_csv(applications: QuerySet[BuildingApplication]) -> str:
    """Days from receipt to decision per project kind, over decided applications."""
    days: dict[str, list[float]] = defaultdict(list)
    counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for received_at, decided_at, kind, status in applications.filter(
        status__in=DECIDED, decided_at__isnull=False
    ).values_list("received_at", "decided_at", "project_kind", "status"):
        days[kind].append((decided_at - received_at).total_seconds() / 86400)
        counts[kind][status] += 1
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_HEADER)
    for kind in ProjectKind:
        values = days.get(kind.value)
        if not values:
            continue
        writer.writerow(
            [
                kind.value,
                kind.label,
                len(values),
                counts[kind.value][BuildingStatus.APPROVED],
                counts[kind.value][BuildingStatus.REFUSED],
                f"{statistics.fmean(values):.1f}",
                f"{statistics.median(values):.1f}",
                f"{min(values):.1f}",
                f"{max(values):.1f}",
            ]
        )
    return out.getvalue()
