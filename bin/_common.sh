# shellcheck shell=bash
# Shared helpers for bin/demo, bin/test and .ci/run. Source it, do not run it.
#
# Environment knobs:
#   PYTHON            interpreter used to create the venv (default: python3, must be >= 3.11)
#   AKTENFLUSS_VENV   venv directory (default: <repo>/.venv)

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="${AKTENFLUSS_VENV:-$ROOT/.venv}"
PYTHON="${PYTHON:-python3}"

# Debian packages. The demo only needs a Python that can create a venv with pip;
# the test suite also needs a PostgreSQL server, chromium (Playwright tests) and Redis
# (the Celery broker in production; installed now so the machine matches production).
# shellcheck disable=SC2034
DEMO_APT_PACKAGES=(python3 python3-venv ca-certificates tesseract-ocr tesseract-ocr-deu tesseract-ocr-eng tesseract-ocr-osd fonts-dejavu-core)
# shellcheck disable=SC2034 # used by the scripts that source this file
TEST_APT_PACKAGES=("${DEMO_APT_PACKAGES[@]}" postgresql redis-server chromium)

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
die() { printf '\033[31mFEHLER / ERROR: %s\033[0m\n' "$*" >&2; exit 1; }

as_root() {
    if [ "$(id -u)" -eq 0 ]; then
        "$@"
    elif command -v sudo >/dev/null 2>&1; then
        sudo "$@"
    else
        die "need root for: $* (sudo is not installed)"
    fi
}

pkg_installed() {
    dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'
}

# apt_ensure PKG...: install the packages that are missing; no apt call when all are there.
apt_ensure() {
    local missing=() pkg
    if ! command -v dpkg-query >/dev/null 2>&1; then
        say "Kein dpkg – Pakete bitte selbst installieren / no dpkg, install yourself: $*"
        return 0
    fi
    for pkg in "$@"; do
        pkg_installed "$pkg" || missing+=("$pkg")
    done
    [ "${#missing[@]}" -eq 0 ] && return 0
    say "Installiere Systempakete / installing apt packages: ${missing[*]}"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get update -q
    as_root env DEBIAN_FRONTEND=noninteractive \
        apt-get install -y -q --no-install-recommends "${missing[@]}"
}

# venv_ensure REQUIREMENTS_FILE: create the venv if missing and install the pinned
# requirements plus the project itself (editable, without dependencies). A stamp with the
# hash of the lock file and pyproject.toml makes a re-run with unchanged files instant.
venv_ensure() {
    local requirements="$1" stamp digest
    if ! "$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
        die "$PYTHON is missing or older than Python 3.11"
    fi
    if [ ! -x "$VENV/bin/python" ]; then
        say "Lege virtuelle Umgebung an / creating venv: $VENV"
        "$PYTHON" -m venv "$VENV" || die "python3 -m venv failed (is python3-venv installed?)"
    fi
    stamp="$VENV/.aktenfluss-$(basename "$requirements" .txt).sha256"
    digest="$(cat "$ROOT/$requirements" "$ROOT/pyproject.toml" | sha256sum | cut -d' ' -f1)"
    if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$digest" ]; then
        say "Python-Pakete aktuell / Python packages up to date ($requirements)"
        return 0
    fi
    say "Installiere Python-Pakete / installing Python packages: $requirements"
    "$VENV/bin/python" -m pip install --disable-pip-version-check -q -r "$ROOT/$requirements"
    "$VENV/bin/python" -m pip install --disable-pip-version-check -q --no-deps -e "$ROOT"
    printf '%s\n' "$digest" >"$stamp"
}
