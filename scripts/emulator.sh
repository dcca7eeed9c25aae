#!/usr/bin/env bash
# Start the local Civo + Zomro API emulator in the foreground, to try the collection without an account.
#
#   bash scripts/emulator.sh                  # a free loopback port, state in memory
#   bash scripts/emulator.sh --port 8080      # a fixed port
#   bash scripts/emulator.sh --state FILE     # keep the state in a SQLite file across restarts
#
# It prints the `export` lines to paste into another terminal (credentials, API addresses, and the
# paths that make `ansible-playbook` find this checkout's vmops.cloud), then serves until Ctrl-C.
# Nothing leaves the machine: the emulator listens on 127.0.0.1 only.

set -uo pipefail

# shellcheck source=scripts/_env.sh
. "$(dirname "${BASH_SOURCE[0]}")/_env.sh"

port=""
state=""
build_seconds="${VMOPS_EMULATOR_BUILD_SECONDS:-2}"
while [ $# -gt 0 ]; do
    case "$1" in
        --port) port="$2"; shift ;;
        --state) state="$2"; shift ;;
        --build-seconds) build_seconds="$2"; shift ;;
        -h|--help) sed -n '2,10p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "unknown argument: $1 (see --help)" >&2; exit 2 ;;
    esac
    shift
done

ensure_venv
setup_collection_path

[ -n "$port" ] || port=$(python -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
token="emulator-civo-token-$(python -c 'import secrets; print(secrets.token_hex(8))')"
zomro_password="emulator-zomro-$(python -c 'import secrets; print(secrets.token_hex(8))')"

args=(--host 127.0.0.1 --port "$port" --civo-token "$token" --zomro-user demo
      --zomro-password "$zomro_password" --build-seconds "$build_seconds")
[ -n "$state" ] && args+=(--state "$state")

python "$REPO/tests/emulator" "${args[@]}" &
emulator_pid=$!
stop_emulator() { kill "$emulator_pid" 2>/dev/null; wait "$emulator_pid" 2>/dev/null; exit 0; }
trap stop_emulator INT TERM

for _ in $(seq 1 150); do
    if python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:$port/_sim/config', timeout=1)" 2>/dev/null; then
        break
    fi
    kill -0 "$emulator_pid" 2>/dev/null || _die "the emulator did not start"
    sleep 0.1
done

cat <<EOF
# vmops.cloud API emulator on http://127.0.0.1:$port (Civo and Zomro). Paste these lines into
# another terminal, then run your playbook there (e.g. the README's Quick start). Ctrl-C here stops it.
export CIVO_TOKEN=$token
export CIVO_API_URL=http://127.0.0.1:$port
export CIVO_REGION=LON1
export ZOMRO_USERNAME=demo
export ZOMRO_PASSWORD=$zomro_password
export ZOMRO_API_URL=http://127.0.0.1:$port/
export ANSIBLE_COLLECTIONS_PATH=$ANSIBLE_COLLECTIONS_PATH
export PATH=$VENV/bin:\$PATH
EOF

wait "$emulator_pid"
