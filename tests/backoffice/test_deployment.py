"""Deployment files agree with the code: docker-compose.yml, .env.example, Dockerfile, locks.

The settings are the single source of truth for environment variables: every variable a
deployment file sets must be read by `backoffice/settings/`, and every variable the settings
read must be documented in `.env.example`.
"""

import ast
import importlib
import os
import re
import secrets
import shlex
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
import yaml
from django.core.exceptions import ImproperlyConfigured
from django.core.management import get_commands
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from backoffice.settings.environment import env_bool, env_int, env_list, env_path, env_str

ROOT = Path(__file__).resolve().parents[2]
SETTINGS_DIR = ROOT / "backoffice" / "settings"
ENV_HELPERS = {"env_str", "env_bool", "env_int", "env_list", "env_path"}
REQUIRED_SERVICES = {"web", "worker-ocr", "worker-default", "scheduler", "postgres", "redis"}
COMPOSE_ONLY_MARKER = "# --- docker-compose.yml only"


# --- helpers -------------------------------------------------------------------------------


def settings_env_reads() -> dict[str, str]:
    """Variable name -> settings file, for every environment read in backoffice/settings/.

    Reads are the env_* helper calls and os.environ.get / os.getenv with a literal name;
    os.environ.setdefault in the test settings is a write and does not count.
    """
    found: dict[str, str] = {}
    for path in sorted(SETTINGS_DIR.glob("*.py")):
        if path.name == "environment.py":  # the helpers themselves, no literal names
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call) or not node.args:
                continue
            func = node.func
            name = (
                func.id
                if isinstance(func, ast.Name)
                else f"{ast.unparse(func.value)}.{func.attr}"
                if isinstance(func, ast.Attribute)
                else ""
            )
            first = node.args[0]
            if name in ENV_HELPERS or name in {"os.environ.get", "os.getenv"}:
                assert isinstance(first, ast.Constant) and isinstance(first.value, str), (
                    f"{path.name}:{node.lineno}: environment variable name must be a literal"
                )
                found.setdefault(first.value, path.name)
    return found


def parse_env_example() -> tuple[dict[str, str], dict[str, str]]:
    """(variables for Django, variables for docker-compose.yml only) from .env.example."""
    django_vars: dict[str, str] = {}
    compose_vars: dict[str, str] = {}
    target = django_vars
    for number, line in enumerate(
        (ROOT / ".env.example").read_text(encoding="utf-8").splitlines(), 1
    ):
        if line.startswith(COMPOSE_ONLY_MARKER):
            target = compose_vars
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        match = re.fullmatch(r"([A-Z][A-Z0-9_]*)=(.*)", line)
        assert match, f".env.example:{number}: not NAME=value: {line!r}"
        name, value = match.groups()
        assert name not in django_vars and name not in compose_vars, f"{name} twice"
        target[name] = value
    return django_vars, compose_vars


def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))


def app_services() -> dict[str, dict]:
    """Services that run the Aktenfluss image (built from the Dockerfile)."""
    return {name: spec for name, spec in compose()["services"].items() if "build" in spec}


def command_words(spec: dict) -> list[str]:
    command = spec.get("command", [])
    return shlex.split(command) if isinstance(command, str) else [str(w) for w in command]


def option_value(words: list[str], *options: str) -> str | None:
    """The value of `-Q ocr`, `--hostname ocr@%h` or `--hostname=ocr@%h` in a command."""
    for index, word in enumerate(words):
        for option in options:
            if word == option and index + 1 < len(words):
                return words[index + 1]
            if option.startswith("--") and word.startswith(option + "="):
                return word.split("=", 1)[1]
    return None


def healthcheck_words(spec: dict) -> list[str]:
    test = spec["healthcheck"]["test"]
    if isinstance(test, str):
        return shlex.split(test)
    if test[0] == "CMD-SHELL":
        return shlex.split(test[1])
    return test[1:]


def clean_env(**extra: str) -> dict[str, str]:
    """A minimal environment: nothing from the developer's shell or the test settings."""
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LANG": "C.UTF-8"}
    env.update(extra)
    return env


def run_python(code: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


# --- docker-compose.yml --------------------------------------------------------------------


def test_compose_has_the_required_services():
    assert set(compose()["services"]) >= REQUIRED_SERVICES


def test_every_long_running_service_has_a_healthcheck():
    for name, spec in compose()["services"].items():
        if spec.get("restart") == "no":
            continue  # one-shot jobs such as `migrate` exit; they are not checked
        healthcheck = spec.get("healthcheck")
        assert healthcheck and healthcheck.get("test"), f"{name} has no healthcheck"
        assert not healthcheck.get("disable"), f"{name} disables its healthcheck"


def test_one_shot_services_are_awaited_by_the_app_services():
    services = compose()["services"]
    one_shot = {name for name, spec in services.items() if spec.get("restart") == "no"}
    assert "migrate" in one_shot
    for name in ("web", "worker-ocr", "worker-default", "scheduler"):
        depends_on = services[name].get("depends_on", {})
        for job in one_shot:
            assert depends_on.get(job, {}).get("condition") == ("service_completed_successfully"), (
                f"{name} must wait until {job} has finished"
            )


def test_dependencies_on_infrastructure_wait_for_health():
    services = compose()["services"]
    for name, spec in services.items():
        for dependency, condition in (spec.get("depends_on") or {}).items():
            assert dependency in services, f"{name} depends on unknown {dependency}"
            if services[dependency].get("restart") != "no":
                assert condition["condition"] == "service_healthy", (name, dependency)


def test_named_volumes_for_database_broker_and_data_dir():
    data = compose()
    declared = set(data["volumes"])
    mounts = {
        name: {str(volume).split(":")[0] for volume in spec.get("volumes", [])}
        for name, spec in data["services"].items()
    }
    assert mounts["postgres"] & declared
    assert mounts["redis"] & declared
    for name in ("web", "worker-ocr", "worker-default", "migrate"):
        assert "aktenfluss-data" in mounts[name], f"{name} must see the blobs"


def test_compose_environment_variables_are_read_by_the_settings():
    read = settings_env_reads()
    for name, spec in app_services().items():
        assert spec.get("env_file") in (".env", [".env"]), f"{name} must use .env"
        environment = spec.get("environment", {})
        names = (
            [item.split("=", 1)[0] for item in environment]
            if isinstance(environment, list)
            else list(environment)
        )
        assert {"DATABASE_URL", "CELERY_BROKER_URL"} <= set(names), name
        unknown = sorted(set(names) - set(read))
        assert not unknown, f"{name} sets variables the settings never read: {unknown}"


def test_compose_interpolations_are_documented_in_env_example():
    text = (ROOT / "docker-compose.yml").read_text(encoding="utf-8")
    used = set(re.findall(r"(?<!\$)\$\{([A-Za-z_][A-Za-z0-9_]*)", text))
    django_vars, compose_vars = parse_env_example()
    assert used <= set(compose_vars) | set(django_vars), used


def test_web_runs_gunicorn_on_an_existing_wsgi_module():
    words = command_words(compose()["services"]["web"])
    assert words[0] == "gunicorn"
    target = next(word for word in words[1:] if not word.startswith("-"))
    module_name, _, attribute = target.partition(":")
    assert module_name == "backoffice.wsgi"
    module = importlib.import_module(module_name)
    assert callable(getattr(module, attribute or "application"))


def test_web_healthcheck_script_exists():
    words = healthcheck_words(compose()["services"]["web"])
    scripts = [word for word in words if word.endswith(".py")]
    assert scripts and all((ROOT / script).is_file() for script in scripts)


def test_celery_commands_name_the_backoffice_app():
    from celery.app.utils import find_app

    from backoffice.celery import app

    for name, spec in app_services().items():
        checks = healthcheck_words(spec) if "healthcheck" in spec else []
        for words in (command_words(spec), checks):
            if "celery" in words:
                target = option_value(words, "-A", "--app")
                assert target == "backoffice", f"{name}: celery -A {target}"
                assert find_app(target) is app


def test_manage_py_commands_exist():
    commands = get_commands()
    for name, spec in app_services().items():
        for used in re.findall(r"manage\.py\s+([\w-]+)", " ".join(command_words(spec))):
            assert used in commands, f"{name} runs unknown command manage.py {used}"


def test_worker_queues_exist_and_every_queue_has_a_worker():
    from backoffice.celery import app

    declared = {queue.name for queue in app.conf.task_queues}
    consumed = set()
    for name, spec in app_services().items():
        words = command_words(spec)
        if "worker" not in words:
            continue
        queues = option_value(words, "-Q", "--queues")
        assert queues, f"{name} must name its queues with -Q"
        names = set(queues.split(","))
        assert names <= declared, f"{name} consumes undeclared queues {names - declared}"
        consumed |= names
        # The healthcheck must ping this worker's own node name.
        node = option_value(words, "-n", "--hostname")
        assert node and "@" in node, f"{name} needs --hostname=<name>@%h"
        ping = " ".join(healthcheck_words(spec))
        assert "inspect ping" in ping and f"-d {node.split('@')[0]}@" in ping, name
    assert consumed == declared, f"queues without a worker: {declared - consumed}"


def test_ocr_queue_is_the_route_for_ocr_tasks():
    from backoffice.celery import app

    assert app.conf.task_routes["ocr.*"]["queue"] == "ocr"
    assert app.conf.task_default_queue == "default"


# --- .env.example --------------------------------------------------------------------------


def test_env_example_documents_exactly_the_variables_the_settings_read():
    read = settings_env_reads()
    django_vars, _ = parse_env_example()
    assert {"SECRET_KEY", "DATABASE_URL", "DEBUG", "CELERY_BROKER_URL"} <= set(read)
    not_read = sorted(set(django_vars) - set(read))
    assert not not_read, f".env.example sets variables the settings never read: {not_read}"
    missing = sorted(set(read) - set(django_vars))
    assert not missing, f"settings read variables missing from .env.example: {missing}"


def test_compose_only_variables_are_used_by_compose_and_not_by_django():
    _, compose_vars = parse_env_example()
    text = (ROOT / "docker-compose.yml").read_text(encoding="utf-8")
    read = settings_env_reads()
    for name in compose_vars:
        assert "${" + name in text, f"{name} is documented for compose but compose ignores it"
        assert name not in read, f"{name} is read by Django; move it above the compose section"


def test_every_env_example_variable_has_a_comment():
    lines = (ROOT / ".env.example").read_text(encoding="utf-8").splitlines()
    for index, line in enumerate(lines):
        if re.match(r"[A-Z][A-Z0-9_]*=", line):
            assert index and lines[index - 1].startswith("#"), f"no comment above {line!r}"


def test_env_example_holds_no_real_secret_and_is_production_safe():
    django_vars, compose_vars = parse_env_example()
    assert django_vars["DEBUG"] == "false"
    assert "CHANGE-ME" in django_vars["SECRET_KEY"]
    assert compose_vars["POSTGRES_PASSWORD"] == "CHANGE-ME"


def test_env_example_values_give_a_deployable_configuration(tmp_path):
    """The documented values load and pass `check --deploy` without a security warning."""
    django_vars, _ = parse_env_example()
    env = clean_env(**django_vars)
    env.update(SECRET_KEY=secrets.token_urlsafe(50), AKTENFLUSS_DATA_DIR=str(tmp_path))
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "ERROR"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    # W021: HSTS preload is a deliberate decision of the operator, not a default.
    warnings = set(re.findall(r"\(security\.(W\d+)\)", output)) - {"W021"}
    assert not warnings, output


# --- Dockerfile and lock files -------------------------------------------------------------


def test_dockerfile_builds_a_locked_non_root_image():
    text = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    assert re.search(r"^FROM python:3\.11-slim-bookworm\s*$", text, re.MULTILINE)
    assert "pip install -r requirements/production.txt" in text
    assert re.search(r"pip install --no-deps -e \.", text)
    assert re.search(r"\bOMP_THREAD_LIMIT=1\b", text)
    users = re.findall(r"^USER\s+(\S+)", text, re.MULTILINE)
    assert users and users[-1] not in {"root", "0"}


def _locked(path: Path) -> dict[str, str]:
    pins = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            requirement = Requirement(line.split(";", 1)[0].strip())
            specifiers = list(requirement.specifier)
            assert len(specifiers) == 1 and specifiers[0].operator == "==", line
            pins[canonicalize_name(requirement.name)] = specifiers[0].version
    return pins


@pytest.mark.parametrize(
    ("lock", "extras"),
    [("production.txt", []), ("test.txt", ["test", "dev"])],
)
def test_lock_files_pin_every_declared_dependency(lock, extras):
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    declared = list(project["dependencies"])
    for extra in extras:
        declared += project["optional-dependencies"][extra]
    pins = _locked(ROOT / "requirements" / lock)
    for text in declared:
        requirement = Requirement(text)
        name = canonicalize_name(requirement.name)
        if name == canonicalize_name(project["name"]):
            continue  # dev = ["aktenfluss[test]"]
        assert name in pins, f"{text} is not in requirements/{lock}: run bin/lock"
        assert requirement.specifier.contains(pins[name], prereleases=True), (
            f"requirements/{lock} pins {name}=={pins[name]}, pyproject wants {text}: run bin/lock"
        )
    if not extras:
        assert "pytest" not in pins, "test tools do not belong in production.txt"


@pytest.mark.parametrize("script", ["bin/demo", "bin/test", "bin/lock", ".ci/run"])
def test_scripts_are_valid_bash(script):
    result = subprocess.run(
        ["bash", "-n", str(ROOT / script)], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr


# --- backoffice/settings/environment.py ----------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        *[("1", True), ("true", True), (" Yes ", True), ("ON", True)],
        *[("0", False), ("false", False), ("no", False), ("off", False), ("", False)],
    ],
)
def test_env_bool_values(monkeypatch, raw, expected):
    monkeypatch.setenv("AKTENFLUSS_TEST_FLAG", raw)
    assert env_bool("AKTENFLUSS_TEST_FLAG", default=not expected) is expected


def test_env_bool_default_and_error(monkeypatch):
    monkeypatch.delenv("AKTENFLUSS_TEST_FLAG", raising=False)
    assert env_bool("AKTENFLUSS_TEST_FLAG", default=True) is True
    monkeypatch.setenv("AKTENFLUSS_TEST_FLAG", "maybe")
    with pytest.raises(ImproperlyConfigured, match=r"AKTENFLUSS_TEST_FLAG.*'maybe'"):
        env_bool("AKTENFLUSS_TEST_FLAG")


def test_env_int_values_default_and_error(monkeypatch):
    monkeypatch.setenv("AKTENFLUSS_TEST_NUMBER", " 42 ")
    assert env_int("AKTENFLUSS_TEST_NUMBER", 7) == 42
    monkeypatch.setenv("AKTENFLUSS_TEST_NUMBER", "  ")
    assert env_int("AKTENFLUSS_TEST_NUMBER", 7) == 7
    monkeypatch.delenv("AKTENFLUSS_TEST_NUMBER")
    assert env_int("AKTENFLUSS_TEST_NUMBER", 7) == 7
    monkeypatch.setenv("AKTENFLUSS_TEST_NUMBER", "100MB")
    with pytest.raises(ImproperlyConfigured, match=r"AKTENFLUSS_TEST_NUMBER.*integer.*100MB"):
        env_int("AKTENFLUSS_TEST_NUMBER", 7)


def test_env_list_splits_strips_and_defaults(monkeypatch):
    monkeypatch.setenv("AKTENFLUSS_TEST_LIST", " a.example.de, ,b.example.de ,")
    assert env_list("AKTENFLUSS_TEST_LIST", ["x"]) == ["a.example.de", "b.example.de"]
    monkeypatch.setenv("AKTENFLUSS_TEST_LIST", "")
    assert env_list("AKTENFLUSS_TEST_LIST", ["x"]) == []
    monkeypatch.delenv("AKTENFLUSS_TEST_LIST")
    assert env_list("AKTENFLUSS_TEST_LIST", ["x"]) == ["x"]


def test_env_str_required_names_the_variable(monkeypatch):
    monkeypatch.delenv("AKTENFLUSS_TEST_TEXT", raising=False)
    assert env_str("AKTENFLUSS_TEST_TEXT", default="d") == "d"
    with pytest.raises(ImproperlyConfigured, match="AKTENFLUSS_TEST_TEXT"):
        env_str("AKTENFLUSS_TEST_TEXT")
    # An empty value (`NAME=` in .env) counts as unset.
    monkeypatch.setenv("AKTENFLUSS_TEST_TEXT", "")
    assert env_str("AKTENFLUSS_TEST_TEXT", default="d") == "d"
    with pytest.raises(ImproperlyConfigured, match="AKTENFLUSS_TEST_TEXT"):
        env_str("AKTENFLUSS_TEST_TEXT")


def test_env_path_resolves_and_defaults(monkeypatch, tmp_path):
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("AKTENFLUSS_TEST_PATH", "~/data/../blobs")
    assert env_path("AKTENFLUSS_TEST_PATH", Path("/unused")) == (tmp_path / "blobs").resolve()
    monkeypatch.setenv("AKTENFLUSS_TEST_PATH", "")
    assert env_path("AKTENFLUSS_TEST_PATH", tmp_path / "x" / "..") == tmp_path.resolve()


# --- importing the production settings -----------------------------------------------------

SETUP = "import django; django.setup(); from django.conf import settings; print(settings.DEBUG)"


def test_settings_refuse_to_load_without_secret_key_and_debug(tmp_path):
    env = clean_env(
        DJANGO_SETTINGS_MODULE="backoffice.settings.base", AKTENFLUSS_DATA_DIR=str(tmp_path)
    )
    result = run_python(SETUP, env)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "SECRET_KEY must be set" in result.stderr


def test_settings_load_with_debug_and_no_secret_key(tmp_path):
    env = clean_env(
        DJANGO_SETTINGS_MODULE="backoffice.settings.base",
        AKTENFLUSS_DATA_DIR=str(tmp_path),
        DEBUG="true",
    )
    result = run_python(SETUP, env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "True"


def test_settings_load_in_production_with_a_secret_key(tmp_path):
    env = clean_env(
        DJANGO_SETTINGS_MODULE="backoffice.settings.base",
        AKTENFLUSS_DATA_DIR=str(tmp_path),
        SECRET_KEY=secrets.token_urlsafe(50),
    )
    result = run_python(SETUP, env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"


def test_settings_name_a_malformed_variable(tmp_path):
    env = clean_env(
        DJANGO_SETTINGS_MODULE="backoffice.settings.base",
        AKTENFLUSS_DATA_DIR=str(tmp_path),
        DEBUG="true",
        AKTENFLUSS_PAGE_SIZE="many",
    )
    result = run_python(SETUP, env)
    assert result.returncode != 0
    assert "AKTENFLUSS_PAGE_SIZE must be an integer" in result.stderr


def test_empty_database_url_falls_back_to_sqlite_in_the_data_dir(tmp_path):
    result = run_python(
        "import django; from django.conf import settings; django.setup(); "
        "print(settings.DATABASES['default']['ENGINE'], settings.DATABASES['default']['NAME'])",
        clean_env(
            DJANGO_SETTINGS_MODULE="backoffice.settings.base",
            DEBUG="true",
            DATABASE_URL="",
            AKTENFLUSS_DATA_DIR=str(tmp_path),
        ),
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "django.db.backends.sqlite3",
        str(tmp_path / "aktenfluss.sqlite3"),
    ]
