#!/usr/bin/env bash
# Create (or reuse) a cached virtualenv with one ansible-core release, for compatibility tests.
#
#   bash scripts/_core_venv.sh 2.17      # -> .build/venv-core-2.17 (ansible-core 2.17.x)
#   bash scripts/_core_venv.sh 2.21      # -> .build/venv-core-2.21 (needs Python >= 3.12)
#
# The last line printed on stdout is the venv directory; progress goes to stderr.  The venv holds
# ansible-core, the collection's runtime requirements (requirements.txt) and pytest (to run
# tests/unit and pytest integration tests with that ansible-core).  It is rebuilt only when its
# recipe (package pins, Python version, this script's VENV_LAYOUT) changes; a lock serialises
# concurrent builds.  Used by the `compat` stage of scripts/test.sh and by tests that need an older
# or newer ansible-core than the pinned one in .venv.
#
# Knobs (environment): CORE_VENV_PYTHON=/path/to/python  (default: chosen per ansible-core version)

set -euo pipefail

VERSION="${1:-}"
case "$VERSION" in
    2.[0-9]*) ;;
    *) echo "usage: bash scripts/_core_venv.sh MAJOR.MINOR (e.g. 2.17)" >&2; exit 2 ;;
esac

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
BUILD="$REPO/.build"
VENV="$BUILD/venv-core-$VERSION"
VENV_LAYOUT="1"
# the same test tooling versions as requirements-dev.txt
TOOLS=(pytest==9.2.0 pytest-mock==3.17.0 mock==5.2.0)

# ansible-core pin per minor release (newest patch at the time of writing); other values: ~=X.Y.0
case "$VERSION" in
    2.17) CORE="ansible-core==2.17.14" ;;
    2.18) CORE="ansible-core==2.18.19" ;;
    2.19) CORE="ansible-core==2.19.14" ;;
    2.20) CORE="ansible-core==2.20.10" ;;
    2.21) CORE="ansible-core==2.21.5" ;;
    *.*.*) CORE="ansible-core==$VERSION" ;;
    *) CORE="ansible-core~=$VERSION.0" ;;
esac

_log() { printf '==> %s\n' "$*" >&2; }

_minor() { echo "$VERSION" | cut -d. -f2; }

_python_for_core() {
    # ansible-core 2.17-2.19 run on Python 3.10-3.13 (controller); 2.20+ need >= 3.12.
    local wants cand v root="${PYENV_ROOT:-$HOME/.pyenv}"
    if [ -n "${CORE_VENV_PYTHON:-}" ]; then echo "$CORE_VENV_PYTHON"; return 0; fi
    if [ "$(_minor)" -ge 20 ]; then wants="3.12 3.13"; else wants="3.11 3.12"; fi
    for v in $wants; do
        for cand in "$(command -v "python$v" 2>/dev/null || true)" "$root"/versions/"$v".*/bin/"python$v"; do
            [ -n "$cand" ] && [ -x "$cand" ] || continue
            if "$cand" -c 'import sys, venv' >/dev/null 2>&1; then echo "$cand"; return 0; fi
        done
    done
    return 1
}

_recipe() {
    {
        echo "layout=$VENV_LAYOUT $CORE ${TOOLS[*]}"
        "$1" -c 'import sys; print(sys.version)'
        [ -f "$REPO/requirements.txt" ] && cat "$REPO/requirements.txt"
    } | sha256sum | cut -d' ' -f1
}

_build() {
    local py="$1" want="$2" have=""
    [ -f "$VENV/.vmops-recipe" ] && have="$(cat "$VENV/.vmops-recipe")"
    if [ -x "$VENV/bin/ansible" ] && [ "$have" = "$want" ]; then
        return 0
    fi
    rm -rf "$VENV"
    _log "creating $VENV ($CORE, $("$py" --version 2>&1))"
    "$py" -m venv "$VENV"
    local logf="$VENV/pip-install.log" req=()
    [ -f "$REPO/requirements.txt" ] && req=(-r "$REPO/requirements.txt")
    if ! PIP_DISABLE_PIP_VERSION_CHECK=1 "$VENV/bin/python" -m pip install -q "$CORE" "${TOOLS[@]}" "${req[@]}" >"$logf" 2>&1; then
        grep -v "^WARNING: Location '" "$logf" | tail -30 >&2
        rm -rf "$VENV"
        echo "ERROR: pip install of $CORE failed" >&2
        return 1
    fi
    echo "$want" >"$VENV/.vmops-recipe"
    _log "ready: $("$VENV/bin/ansible" --version | head -1)"
}

PY="$(_python_for_core)" || { echo "ERROR: no suitable Python for ansible-core $VERSION (install python3.12 or set CORE_VENV_PYTHON)" >&2; exit 1; }
mkdir -p "$BUILD"
WANT="$(_recipe "$PY")"
(
    flock -w 1800 9 || { echo "ERROR: timed out waiting for $VENV.lock" >&2; exit 1; }
    _build "$PY" "$WANT"
) 9>"$BUILD/.venv-core-$VERSION.lock"
echo "$VENV"
