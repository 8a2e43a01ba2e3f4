"""Optional cross-check against the official KoSIT validator configuration (pure Python).

An operator who has downloaded a KoSIT validator configuration (for example
`validator-configuration-xrechnung`) points `AKTENFLUSS_OFFICIAL_RULES_DIR` at the directory
holding its `scenarios.xml`. Each invoice is then additionally run through that
configuration's artefacts, the way the Java KoSIT validator does it, but with `saxonche` (no
Java):

1. the first `<scenario>` whose `<match>` XPath (XPath 3.1 via Saxon, with the scenario's
   `<namespace prefix=...>` declarations) is true for the invoice is selected;
2. the invoice is validated against the scenario's XML Schema (lxml, network off);
3. every `validateWithSchematron` resource (a compiled Schematron XSLT producing SVRL) is run;
   `svrl:failed-assert` and `svrl:successful-report` become messages with their `@id`,
   `@flag` (fatal/error/warning/information; `@role` when there is no flag; anything else
   counts as error, as in the KoSIT report) and `@location`;
4. the `customLevel` elements of the scenario's `createReport` override the level by rule id
   (their content is a whitespace separated token list, see the KoSIT `scenarios.xsd`);
5. the invoice is invalid when any message is at level fatal or error.

Nothing of the official files is part of this repository; they are only data read at run
time. Without the setting our own rules are the validation (see `invoicing.validation`).

Never fail open: whenever the official run cannot be completed (no scenario matches, a file is
missing, an XSLT does not compile or raises, the output is not SVRL, saxonche is missing) the
verdict is `valid=None` ("nicht geprüft") with the reason, and `compare` never reports
agreement for it.

Thread safety: SaxonC objects must not be used from several threads at once. One Saxon
processor serves the whole process; every use of it (and of the cached lxml schemas) happens
under one module lock, so concurrent checks are serialised. Compiled stylesheets and schemas
are kept per `OfficialRules` instance (recompiled only when the file changes);
`OfficialRules.from_directory` returns the same instance while `scenarios.xml` is unchanged.

Not modelled: the `createReport` stylesheet and `acceptMatch` (the KoSIT report format is not
built; acceptance is "no fatal/error message", which is what the XRechnung configuration's
report computes), `noScenarioReport`, the `psvi` option, and several `validateWithXmlSchema`
resources in one scenario (only the first is used; the others are expected to be imported by
it).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from lxml import etree

from invoicing.validation.run import NOT_CHECKED
from invoicing.xmlsafe import UnsafeXmlError, parse_xml

if TYPE_CHECKING:
    from invoicing.validation.run import ValidationResult

logger = logging.getLogger(__name__)

SCENARIOS_NS = "http://www.xoev.de/de/validator/framework/1/scenarios"
SVRL_NS = "http://purl.oclc.org/dsdl/svrl"
SCHEMA_RULE = "XSD"  # the rule id our own schema layer uses, too
WELLFORMED_RULE = "XML-WELLFORMED"
UNNAMED_RULE = "(ohne ID)"
REJECTING = ("fatal", "error")
LEVELS = ("fatal", "error", "warning", "information")
CUSTOM_LEVELS = ("error", "warning", "information")
MAX_SCHEMA_MESSAGES = 50
MAX_IDS_IN_SUMMARY = 8
MAX_SVRL_BYTES = 200 * 1024 * 1024

_S = f"{{{SCENARIOS_NS}}}"
_SVRL = f"{{{SVRL_NS}}}"

# One Saxon processor per process; every Saxon (and cached lxml schema) use runs under `_lock`.
_lock = threading.RLock()
_processor: Any = None


class OfficialRulesError(Exception):
    """The official configuration cannot be used; `args[0]` is a German reason."""


class OfficialMessage(NamedTuple):
    """One message of the official run: (rule id, level, text, location)."""

    rule: str
    level: str
    text: str
    location: str | None


@dataclass(frozen=True)
class Scenario:
    """One `<scenario>` of a `scenarios.xml`; paths are resolved against its directory."""

    name: str
    match: str
    namespaces: tuple[tuple[str, str], ...]
    schemas: tuple[Path, ...]
    schematrons: tuple[Path, ...]
    custom_levels: tuple[tuple[str, str], ...] = ()
    accept_match: str | None = None

    def level_for(self, rule: str, level: str) -> str:
        """The level of a message after the scenario's `customLevel` overrides."""
        for rule_id, custom in self.custom_levels:
            if rule_id == rule:
                return custom
        return level


@dataclass(frozen=True)
class OfficialVerdict:
    """Outcome of one official run.

    `valid` is True/False when the run was complete, None ("nicht geprüft") otherwise;
    `error` then says why (German). `errors` are the fatal/error messages, `warnings` the
    warning messages, both after the customLevel overrides.
    """

    scenario: str | None
    valid: bool | None
    errors: tuple[OfficialMessage, ...] = ()
    warnings: tuple[OfficialMessage, ...] = ()
    error: str | None = None

    @property
    def checked(self) -> bool:
        return self.valid is not None

    @property
    def error_rules(self) -> tuple[str, ...]:
        return tuple(sorted({message.rule for message in self.errors}))


def not_checked(reason: str, scenario: str | None = None) -> OfficialVerdict:
    return OfficialVerdict(scenario=scenario, valid=None, error=reason)


# --------------------------------------------------------------------------- scenarios.xml


def _text(element, path: str) -> str:
    found = element.find(path)
    return " ".join((found.text or "").split()) if found is not None else ""


def _locations(element, path: str, base: Path) -> tuple[Path, ...]:
    out = []
    for location in element.iterfind(path):
        value = (location.text or "").strip()
        if value:
            out.append((base / value).resolve())
    return tuple(out)


def load_scenarios(scenarios_file: Path) -> tuple[str, tuple[Scenario, ...]]:
    """(configuration name, scenarios in document order) of a KoSIT `scenarios.xml`."""
    try:
        data = Path(scenarios_file).read_bytes()
    except OSError as exc:
        raise OfficialRulesError(
            f"Die Datei {scenarios_file} kann nicht gelesen werden ({exc.strerror or exc})."
        ) from exc
    try:
        root = parse_xml(data)
    except UnsafeXmlError as exc:
        raise OfficialRulesError(f"{scenarios_file} ist unbrauchbar: {exc.message_de}") from exc
    if root.tag != f"{_S}scenarios":
        raise OfficialRulesError(
            f"{scenarios_file} ist keine KoSIT-Szenariodatei (erwartet wird das Element "
            f"scenarios im Namensraum {SCENARIOS_NS})."
        )
    base = Path(scenarios_file).resolve().parent
    scenarios = []
    for number, element in enumerate(root.iterfind(f"{_S}scenario"), start=1):
        name = _text(element, f"{_S}name") or f"Szenario {number}"
        match = (element.findtext(f"{_S}match") or "").strip()
        if not match:
            raise OfficialRulesError(f"Das Szenario „{name}“ hat keinen match-Ausdruck.")
        namespaces = tuple(
            (ns.get("prefix", ""), (ns.text or "").strip())
            for ns in element.iterfind(f"{_S}namespace")
        )
        custom_levels = []
        for custom in element.iterfind(f"{_S}createReport/{_S}customLevel"):
            level = (custom.get("level") or "").strip()
            if level not in CUSTOM_LEVELS:
                raise OfficialRulesError(
                    f"Das Szenario „{name}“ enthält eine unbekannte Stufe „{level}“ in "
                    f"customLevel (erlaubt: {', '.join(CUSTOM_LEVELS)})."
                )
            custom_levels.extend((rule_id, level) for rule_id in (custom.text or "").split())
        accept = (element.findtext(f"{_S}acceptMatch") or "").strip() or None
        scenarios.append(
            Scenario(
                name=name,
                match=match,
                namespaces=namespaces,
                schemas=_locations(
                    element, f"{_S}validateWithXmlSchema/{_S}resource/{_S}location", base
                ),
                schematrons=_locations(
                    element, f"{_S}validateWithSchematron/{_S}resource/{_S}location", base
                ),
                # the last customLevel for an id wins, as in a dict built in document order
                custom_levels=tuple(reversed(custom_levels)),
                accept_match=accept,
            )
        )
    if not scenarios:
        raise OfficialRulesError(f"{scenarios_file} enthält kein Szenario.")
    return _text(root, f"{_S}name"), tuple(scenarios)


# --------------------------------------------------------------------------- SVRL


def _level(flag: str | None) -> str:
    value = (flag or "").strip().lower()
    if value in LEVELS:
        return value
    if value in ("warn",):
        return "warning"
    if value in ("info",):
        return "information"
    return "error"  # KoSIT counts an assert without a known flag as an error


def parse_svrl(svrl: bytes | str, scenario: Scenario | None = None) -> list[OfficialMessage]:
    """Messages of an SVRL report, levels after the scenario's customLevel overrides.

    Raises `ValueError` when the text is not an SVRL `schematron-output` document.
    """
    data = svrl.encode("utf-8") if isinstance(svrl, str) else svrl
    try:
        root = parse_xml(data, max_bytes=MAX_SVRL_BYTES)
    except UnsafeXmlError as exc:
        raise ValueError(f"kein lesbares SVRL: {exc.message_de}") from exc
    if root.tag != f"{_SVRL}schematron-output":
        raise ValueError(f"kein SVRL (Wurzelelement {etree.QName(root).localname})")
    messages = []
    for element in root.iter(f"{_SVRL}failed-assert", f"{_SVRL}successful-report"):
        rule = (element.get("id") or "").strip() or UNNAMED_RULE
        flag = element.get("flag")
        if flag is None:
            flag = element.get("role")
        level = _level(flag)
        if scenario is not None:
            level = scenario.level_for(rule, level)
        text_element = element.find(f"{_SVRL}text")
        source = text_element if text_element is not None else element
        text = " ".join("".join(source.itertext()).split())
        messages.append(OfficialMessage(rule, level, text, element.get("location")))
    return messages


# --------------------------------------------------------------------------- the rules


def _saxon():
    """The process-wide Saxon processor (call under `_lock`)."""
    global _processor
    if _processor is None:
        try:
            from saxonche import PySaxonProcessor
        except ImportError as exc:
            raise OfficialRulesError(
                "Das Paket saxonche ist nicht installiert; die offiziellen XSLT-Regeln können "
                "nicht ausgeführt werden."
            ) from exc
        _processor = PySaxonProcessor(license=False)
    return _processor


def _signature(path: Path) -> tuple[int, int]:
    try:
        stat = path.stat()
    except OSError as exc:
        raise OfficialRulesError(f"Die Datei {path} fehlt ({exc.strerror or exc}).") from exc
    return stat.st_mtime_ns, stat.st_size


def _short(exc: BaseException, limit: int = 300) -> str:
    text = " ".join(str(exc).split()) or exc.__class__.__name__
    return text if len(text) <= limit else text[: limit - 1] + "…"


_instances: dict[Path, tuple[tuple[int, int], OfficialRules]] = {}


class OfficialRules:
    """A loaded KoSIT validator configuration; `check` runs an invoice through it."""

    def __init__(self, scenarios_file: Path, name: str, scenarios: tuple[Scenario, ...]):
        self.scenarios_file = Path(scenarios_file)
        self.directory = self.scenarios_file.parent
        self.name = name
        self.scenarios = scenarios
        self.compilations = 0  # XSLT compilations so far (tests check the caching)
        self._stylesheets: dict[Path, tuple[tuple[int, int], Any]] = {}
        self._schemas: dict[Path, tuple[tuple[int, int], etree.XMLSchema]] = {}

    def __repr__(self) -> str:
        return f"<OfficialRules {self.name!r} from {self.scenarios_file}>"

    @classmethod
    def from_directory(cls, path: str | Path) -> OfficialRules:
        """The configuration in `path` (a directory with `scenarios.xml`, or that file).

        Cached: the same instance (with its compiled stylesheets) is returned while
        `scenarios.xml` is unchanged. Raises `OfficialRulesError` (German reason).
        """
        location = Path(path).expanduser()
        scenarios_file = location if location.is_file() else location / "scenarios.xml"
        scenarios_file = scenarios_file.resolve()
        if not scenarios_file.is_file():
            raise OfficialRulesError(
                f"Im Verzeichnis {location} liegt keine scenarios.xml einer "
                "KoSIT-Prüfkonfiguration."
            )
        signature = _signature(scenarios_file)
        with _lock:
            cached = _instances.get(scenarios_file)
            if cached is not None and cached[0] == signature:
                return cached[1]
            name, scenarios = load_scenarios(scenarios_file)
            rules = cls(scenarios_file, name, scenarios)
            _instances[scenarios_file] = (signature, rules)
            return rules

    # -- compiled artefacts (call under _lock)

    def _stylesheet(self, path: Path):
        signature = _signature(path)
        cached = self._stylesheets.get(path)
        if cached is not None and cached[0] == signature:
            return cached[1]
        processor = _saxon()
        try:
            executable = processor.new_xslt30_processor().compile_stylesheet(
                stylesheet_file=str(path)
            )
        except Exception as exc:  # PySaxonApiError, or anything else from the native side
            raise OfficialRulesError(
                f"Das Prüfskript {path.name} lässt sich nicht übersetzen: {_short(exc)}"
            ) from exc
        if executable is None:
            raise OfficialRulesError(f"Das Prüfskript {path.name} lässt sich nicht übersetzen.")
        self.compilations += 1
        self._stylesheets[path] = (signature, executable)
        return executable

    def _schema(self, path: Path) -> etree.XMLSchema:
        signature = _signature(path)
        cached = self._schemas.get(path)
        if cached is not None and cached[0] == signature:
            return cached[1]
        parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
        try:
            schema = etree.XMLSchema(etree.parse(str(path), parser))
        except (etree.XMLSyntaxError, etree.XMLSchemaParseError, OSError) as exc:
            raise OfficialRulesError(
                f"Das XML-Schema {path.name} lässt sich nicht laden: {_short(exc)}"
            ) from exc
        self._schemas[path] = (signature, schema)
        return schema

    # -- the run

    def select(self, document) -> Scenario | None:
        """The first scenario whose match expression holds for the Saxon `document`."""
        processor = _saxon()
        for scenario in self.scenarios:
            xpath = processor.new_xpath_processor()
            for prefix, uri in scenario.namespaces:
                xpath.declare_namespace(prefix, uri)
            xpath.set_context(xdm_item=document)
            try:
                matched = xpath.effective_boolean_value(scenario.match)
            except Exception as exc:
                raise OfficialRulesError(
                    f"Der match-Ausdruck des Szenarios „{scenario.name}“ ist fehlerhaft: "
                    f"{_short(exc)}"
                ) from exc
            if matched:
                return scenario
        return None

    def _schema_messages(self, scenario: Scenario, root) -> list[OfficialMessage]:
        if not scenario.schemas:
            return []
        schema = self._schema(scenario.schemas[0])
        if schema.validate(root.getroottree()):
            return []
        messages = []
        for entry in list(schema.error_log)[:MAX_SCHEMA_MESSAGES]:
            messages.append(
                OfficialMessage(
                    SCHEMA_RULE,
                    scenario.level_for(SCHEMA_RULE, "error"),
                    entry.message,
                    f"Zeile {entry.line}" if entry.line else None,
                )
            )
        return messages

    def _schematron_messages(self, scenario: Scenario, document) -> list[OfficialMessage]:
        messages = []
        for path in scenario.schematrons:
            executable = self._stylesheet(path)
            try:
                output = executable.transform_to_string(xdm_node=document)
            except Exception as exc:
                raise OfficialRulesError(
                    f"Das Prüfskript {path.name} ist bei der Ausführung abgebrochen: {_short(exc)}"
                ) from exc
            if not output:
                raise OfficialRulesError(f"Das Prüfskript {path.name} hat nichts ausgegeben.")
            try:
                messages.extend(parse_svrl(output, scenario))
            except ValueError as exc:
                raise OfficialRulesError(
                    f"Die Ausgabe des Prüfskripts {path.name} ist {exc}."
                ) from exc
        return messages

    def check(self, xml: bytes) -> OfficialVerdict:
        """Run the invoice XML through the configuration; never raises."""
        try:
            root = parse_xml(xml)
        except UnsafeXmlError as exc:
            if exc.code in ("not-wellformed", "encoding", "empty"):
                message = OfficialMessage(WELLFORMED_RULE, "fatal", exc.message_de, None)
                return OfficialVerdict(scenario=None, valid=False, errors=(message,))
            return not_checked(exc.message_de)
        except Exception as exc:  # TypeError for non-bytes and the like
            return not_checked(f"Die Rechnung konnte nicht gelesen werden ({_short(exc)}).")
        scenario = None
        try:
            # the already checked tree goes to Saxon: no DTD, no entities, no network
            text = etree.tostring(root, encoding="unicode")
            with _lock:
                document = _saxon().parse_xml(xml_text=text)
                scenario = self.select(document)
                if scenario is None:
                    return not_checked(
                        "Kein Szenario der offiziellen Prüfkonfiguration "
                        f"„{self.name or self.scenarios_file}“ passt zu dieser Rechnung."
                    )
                messages = self._schema_messages(scenario, root)
                messages += self._schematron_messages(scenario, document)
        except OfficialRulesError as exc:
            logger.warning("official rules not applied: %s", exc)
            return not_checked(str(exc), scenario.name if scenario else None)
        except Exception as exc:  # never fail open, never take the caller down
            logger.exception("official rules failed")
            return not_checked(
                f"Interner Fehler beim Ausführen der offiziellen Regeln ({_short(exc)}).",
                scenario.name if scenario else None,
            )
        errors = tuple(m for m in messages if m.level in REJECTING)
        warnings = tuple(m for m in messages if m.level == "warning")
        return OfficialVerdict(
            scenario=scenario.name, valid=not errors, errors=errors, warnings=warnings
        )


class UnavailableRules:
    """Stands in for a configuration that cannot be loaded: every check is "nicht geprüft"."""

    def __init__(self, reason: str):
        self.reason = reason

    def __repr__(self) -> str:
        return f"<UnavailableRules {self.reason!r}>"

    def check(self, xml: bytes) -> OfficialVerdict:
        return not_checked(self.reason)


def official_rules(directory: str | Path) -> OfficialRules | UnavailableRules:
    """The configuration in `directory` (cached), or a stand-in whose checks are not checked.

    Never raises, so a broken setting shows up as "nicht geprüft" on the invoice page.
    """
    try:
        return OfficialRules.from_directory(directory)
    except OfficialRulesError as exc:
        logger.warning("official rules unavailable: %s", exc)
        return UnavailableRules(str(exc))
    except Exception as exc:
        logger.exception("official rules could not be loaded")
        return UnavailableRules(
            f"Die offizielle Prüfkonfiguration konnte nicht geladen werden ({_short(exc)})."
        )


def clear_cache() -> None:
    """Forget loaded configurations (tests; a changed scenarios.xml is reloaded anyway)."""
    with _lock:
        _instances.clear()


# --------------------------------------------------------------------------- comparison


@dataclass(frozen=True)
class Comparison:
    """Our verdict next to the official one.

    `agree` is True only when both runs were complete and reach the same verdict; rule ids
    that only one side reports at error level are listed in `only_ours` / `only_official`
    (also when the verdicts agree). `summary_de` is the sentence for the invoice page.
    """

    agree: bool
    ours_valid: bool | None
    official_valid: bool | None
    only_ours: tuple[str, ...]
    only_official: tuple[str, ...]
    scenario: str | None
    summary_de: str
    summary_en: str
    reason: str | None = None

    @property
    def checked(self) -> bool:
        return self.ours_valid is not None and self.official_valid is not None

    @property
    def same_rules(self) -> bool:
        return not self.only_ours and not self.only_official


def _ids(ids: Iterable[str]) -> str:
    ids = list(ids)
    if len(ids) <= MAX_IDS_IN_SUMMARY:
        return ", ".join(ids)
    shown = ", ".join(ids[:MAX_IDS_IN_SUMMARY])
    return f"{shown} und {len(ids) - MAX_IDS_IN_SUMMARY} weitere"


def _ids_en(ids: Iterable[str]) -> str:
    ids = list(ids)
    if len(ids) <= MAX_IDS_IN_SUMMARY:
        return ", ".join(ids)
    return f"{', '.join(ids[:MAX_IDS_IN_SUMMARY])} and {len(ids) - MAX_IDS_IN_SUMMARY} more"


def _verdict_de(valid: bool, ids: tuple[str, ...]) -> str:
    if valid:
        return "gültig"
    return f"ungültig ({_ids(ids)})" if ids else "ungültig"


def _verdict_en(valid: bool, ids: tuple[str, ...]) -> str:
    if valid:
        return "valid"
    return f"invalid ({_ids_en(ids)})" if ids else "invalid"


def compare(ours: ValidationResult, official: OfficialVerdict) -> Comparison:
    """Compare our `ValidationResult` with the official verdict (see `Comparison`)."""
    our_ids = tuple(sorted({f.rule for f in ours.errors if f.rule != NOT_CHECKED}))
    official_ids = official.error_rules
    only_ours = tuple(rule for rule in our_ids if rule not in official_ids)
    only_official = tuple(rule for rule in official_ids if rule not in our_ids)
    common = {
        "ours_valid": ours.valid,
        "official_valid": official.valid,
        "scenario": official.scenario,
    }

    if official.valid is None:
        reason = official.error or "unbekannter Grund"
        return Comparison(
            agree=False,
            only_ours=(),
            only_official=(),
            summary_de=(
                "Nicht geprüft: Die offiziellen KoSIT-Regeln konnten nicht angewandt werden. "
                f"{reason}"
            ),
            summary_en=f"Not checked: the official KoSIT rules could not be applied. {reason}",
            reason=reason,
            **common,
        )
    if ours.valid is None:
        return Comparison(
            agree=False,
            only_ours=(),
            only_official=only_official,
            summary_de=(
                "Die offiziellen KoSIT-Regeln halten die Rechnung für "
                f"{_verdict_de(official.valid, official_ids)}, unsere Prüfung konnte sie nicht "
                "vollständig prüfen (nicht geprüft)."
            ),
            summary_en=(
                "The official KoSIT rules find the invoice "
                f"{_verdict_en(official.valid, official_ids)}; our validation could not check "
                "it completely (not checked)."
            ),
            **common,
        )
    if ours.valid != official.valid:
        return Comparison(
            agree=False,
            only_ours=only_ours,
            only_official=only_official,
            summary_de=(
                "Die offiziellen KoSIT-Regeln halten die Rechnung für "
                f"{_verdict_de(official.valid, official_ids)}, unsere Prüfung für "
                f"{_verdict_de(ours.valid, our_ids)}."
            ),
            summary_en=(
                "The official KoSIT rules find the invoice "
                f"{_verdict_en(official.valid, official_ids)}, our validation "
                f"{_verdict_en(ours.valid, our_ids)}."
            ),
            **common,
        )
    summary_de = (
        f"Die offiziellen KoSIT-Regeln bestätigen unser Ergebnis: "
        f"{_verdict_de(ours.valid, official_ids)}."
    )
    summary_en = (
        f"The official KoSIT rules confirm our result: {_verdict_en(ours.valid, official_ids)}."
    )
    if only_ours or only_official:
        parts_de, parts_en = [], []
        if only_official:
            parts_de.append(f"nur offiziell: {_ids(only_official)}")
            parts_en.append(f"official only: {_ids_en(only_official)}")
        if only_ours:
            parts_de.append(f"nur bei uns: {_ids(only_ours)}")
            parts_en.append(f"ours only: {_ids_en(only_ours)}")
        summary_de += f" Abweichende Regeln – {'; '.join(parts_de)}."
        summary_en += f" Differing rules – {'; '.join(parts_en)}."
    return Comparison(
        agree=True,
        only_ours=only_ours,
        only_official=only_official,
        summary_de=summary_de,
        summary_en=summary_en,
        **common,
    )
