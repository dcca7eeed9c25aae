# shellcheck shell=bash
# Shared environment for scripts/test.sh and scripts/demo.sh.  Source it, do not run it.
#
# It creates (or reuses) the project virtualenv at $REPO/.venv from requirements-dev.txt and
# exports the paths every stage needs.  The venv is rebuilt only when the hash of the
# requirement files + Python version + VENV_LAYOUT changes; .venv/.vmops-req-hash records it.
#
# Knobs (environment):
#   PYTHON           interpreter used to create .venv (default: python3.11, else python3 if it is 3.11)
#   VMOPS_NO_VENV=1  skip venv management and use whatever is on PATH (for debugging only)

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
VENV="$REPO/.venv"
BUILD="$REPO/.build"
# pip used inside .venv; also the pip version ansible-test 2.19 bootstraps into its sanity venvs.
VENV_PIP_VERSION="24.2"
# bump to force every checkout to rebuild .venv after a change in how it is built
VENV_LAYOUT="1"
export REPO VENV BUILD

_log() { printf '==> %s\n' "$*" >&2; }
_die() { printf 'ERROR: %s\n' "$*" >&2; exit 1; }

_find_python() {
    local cand
    for cand in "${PYTHON:-}" python3.11 python3; do
        [ -n "$cand" ] || continue
        command -v "$cand" >/dev/null 2>&1 || continue
        if "$cand" -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 11) else 1)' 2>/dev/null; then
            command -v "$cand"
            return 0
        fi
    done
    return 1
}

_req_hash() {
    local py="$1"
    {
        echo "layout=$VENV_LAYOUT pip=$VENV_PIP_VERSION"
        "$py" -c 'import sys; print(sys.version)'
        cat "$REPO/requirements-dev.txt"
        [ -f "$REPO/requirements.txt" ] && cat "$REPO/requirements.txt"
    } | "$py" -c 'import hashlib, sys; print(hashlib.sha256(sys.stdin.buffer.read()).hexdigest())'
}

_with_lock() {
    # Serialise venv (re)builds between concurrent runs in the same checkout, when flock exists.
    local lock="$1"; shift
    if command -v flock >/dev/null 2>&1; then
        ( flock -w 1800 9 || _die "timed out waiting for $lock"; "$@" ) 9>"$lock"
    else
        "$@"
    fi
}

_build_venv() {
    local py="$1" want="$2" have=""
    [ -f "$VENV/.vmops-req-hash" ] && have="$(cat "$VENV/.vmops-req-hash")"
    if [ -x "$VENV/bin/python" ] && [ "$have" = "$want" ]; then
        return 0
    fi
    if [ -e "$VENV" ]; then
        _log "requirements changed: rebuilding $VENV"
        rm -rf "$VENV"
    else
        _log "creating $VENV with $py"
    fi
    "$py" -m venv "$VENV" || _die "could not create a venv with $py (Debian: apt-get install python3.11-venv)"
    local logf="$VENV/pip-install.log"
    {
        "$VENV/bin/python" -m pip install --disable-pip-version-check "pip==$VENV_PIP_VERSION" &&
        "$VENV/bin/python" -m pip install --disable-pip-version-check -r "$REPO/requirements-dev.txt"
    } >"$logf" 2>&1 || {
        grep -v "^WARNING: Location '" "$logf" | tail -40 >&2
        rm -rf "$VENV"
        _die "pip install failed (full log was in $logf)"
    }
    echo "$want" >"$VENV/.vmops-req-hash"
    _log "venv ready: $("$VENV/bin/python" -m pip --version | cut -d' ' -f1-2), $("$VENV/bin/ansible" --version | head -1)"
}

ensure_venv() {
    if [ "${VMOPS_NO_VENV:-}" = "1" ]; then
        _log "VMOPS_NO_VENV=1: using tools from PATH"
        return 0
    fi
    local py want
    py="$(_find_python)" || _die "Python 3.11 not found (set PYTHON=/path/to/python3.11)"
    want="$(_req_hash "$py")"
    mkdir -p "$BUILD"
    _with_lock "$BUILD/.venv.lock" _build_venv "$py" "$want" || exit 1
    export VIRTUAL_ENV="$VENV"
    export PATH="$VENV/bin:$PATH"
    hash -r
}

# .build/collections/ansible_collections/vmops/cloud -> repo root, so ansible-playbook, ansible-doc and
# `python -m ansible_collections.vmops.cloud.plugins.modules.X args.json` resolve the working tree.
setup_collection_path() {
    local ns="$BUILD/collections/ansible_collections/vmops"
    mkdir -p "$ns"
    if [ "$(readlink "$ns/cloud" 2>/dev/null)" != "$REPO" ]; then
        rm -rf "$ns/cloud"
        ln -s "$REPO" "$ns/cloud"
    fi
    export ANSIBLE_COLLECTIONS_PATH="$BUILD/collections"
    export PYTHONPATH="$BUILD/collections${PYTHONPATH:+:$PYTHONPATH}"
}

# Keep ansible's own state (galaxy cache, tmp, collections/roles installs) inside the checkout.
export ANSIBLE_HOME="${ANSIBLE_HOME:-$BUILD/ansible-home}"
export ANSIBLE_LOCAL_TEMP="${ANSIBLE_LOCAL_TEMP:-$BUILD/ansible-home/tmp}"
export PIP_DISABLE_PIP_VERSION_CHECK=1
export PYTHONDONTWRITEBYTECODE=1
