#!/usr/bin/env bash
# Create (or reuse) a cached virtualenv with radon, the code metrics tool of the complexity gate.
#
#   bash scripts/_radon_venv.sh        # -> .build/venv-radon
#
# The last line printed on stdout is the venv directory; progress goes to stderr.  Kept apart from
# .venv so that requirements-dev.txt (and the shared venv) do not change; rebuilt only when its
# recipe (the pin below, the Python version) changes; a lock serialises concurrent builds.  Used by
# scripts/complexity.py (the `lint` stage of scripts/test.sh).
#
# Knobs (environment): RADON_VENV_PYTHON=/path/to/python  (default: python3)

set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
BUILD="$REPO/.build"
VENV="$BUILD/venv-radon"
PIN="radon==6.0.1"
PY="${RADON_VENV_PYTHON:-python3}"

_log() { printf '==> %s\n' "$*" >&2; }

_build() {
    local want have=""
    want="$(printf '%s %s\n' "$PIN" "$("$PY" -c 'import sys; print(sys.version)')" | sha256sum | cut -d' ' -f1)"
    [ -f "$VENV/.vmops-recipe" ] && have="$(cat "$VENV/.vmops-recipe")"
    if [ -x "$VENV/bin/radon" ] && [ "$have" = "$want" ]; then
        return 0
    fi
    rm -rf "$VENV"
    _log "creating $VENV ($PIN, $("$PY" --version 2>&1))"
    "$PY" -m venv "$VENV"
    if ! PIP_DISABLE_PIP_VERSION_CHECK=1 "$VENV/bin/python" -m pip install -q "$PIN" >"$VENV.log" 2>&1; then
        tail -30 "$VENV.log" >&2
        rm -rf "$VENV"
        echo "ERROR: pip install of $PIN failed" >&2
        return 1
    fi
    echo "$want" >"$VENV/.vmops-recipe"
}

mkdir -p "$BUILD"
(
    flock -w 600 9 || { echo "ERROR: timed out waiting for $VENV.lock" >&2; exit 1; }
    _build
) 9>"$BUILD/.venv-radon.lock"
echo "$VENV"
