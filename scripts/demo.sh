#!/usr/bin/env bash
# The main job: the vmops.cloud demo against the local Civo/Zomro API emulator.
#
#   bash scripts/demo.sh            # run the demo (state kept in .build/demo/, so a re-run changes nothing)
#   bash scripts/demo.sh --fresh    # forget the demo's state first
#   bash scripts/demo.sh -- -v      # anything after -- goes to ansible-playbook
#
# Creates/reuses .venv (scripts/_env.sh), starts the emulator with a state file
# (.build/demo/emulator.sqlite), runs playbooks/demo.yml with the credentials in
# the environment (as an AWX credential injects them), prints the recap and
# stops the emulator.

set -uo pipefail

# shellcheck source=scripts/_env.sh
. "$(dirname "${BASH_SOURCE[0]}")/_env.sh"

fresh=0
playbook_args=()
while [ $# -gt 0 ]; do
    case "$1" in
        --fresh) fresh=1 ;;
        --) shift; playbook_args=("$@"); break ;;
        *) playbook_args+=("$1") ;;
    esac
    shift
done

ensure_venv
setup_collection_path
cd "$REPO" || exit 1

DEMO_DIR="$BUILD/demo"
if [ "$fresh" -eq 1 ]; then
    rm -rf "$DEMO_DIR"
fi
mkdir -p "$DEMO_DIR"

port=$(python -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
token="demo-civo-token-$(python -c 'import secrets; print(secrets.token_hex(8))')"
zomro_password="demo-zomro-$(python -c 'import secrets; print(secrets.token_hex(8))')"

_log "starting the API emulator on 127.0.0.1:$port (state: $DEMO_DIR/emulator.sqlite)"
python "$REPO/tests/emulator" --host 127.0.0.1 --port "$port" \
    --civo-token "$token" --zomro-user demo --zomro-password "$zomro_password" \
    --state "$DEMO_DIR/emulator.sqlite" --build-seconds "${VMOPS_DEMO_BUILD_SECONDS:-2}" \
    >"$DEMO_DIR/emulator.log" 2>&1 &
emulator_pid=$!
stop_emulator() { kill "$emulator_pid" 2>/dev/null; wait "$emulator_pid" 2>/dev/null; }
trap stop_emulator EXIT

for _ in $(seq 1 100); do
    if python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:$port/_sim/journal', timeout=1)" 2>/dev/null; then
        break
    fi
    if ! kill -0 "$emulator_pid" 2>/dev/null; then
        cat "$DEMO_DIR/emulator.log" >&2
        _die "the emulator did not start"
    fi
    sleep 0.1
done

export CIVO_TOKEN="$token" CIVO_API_URL="http://127.0.0.1:$port" CIVO_REGION=LON1
export ZOMRO_USERNAME=demo ZOMRO_PASSWORD="$zomro_password" ZOMRO_API_URL="http://127.0.0.1:$port/"
export VMOPS_DEMO_STATE_DIR="$DEMO_DIR/markers"
export ANSIBLE_LOCALHOST_WARNING=False

_log "running playbooks/demo.yml"
ansible-playbook -i localhost, -c local "$REPO/playbooks/demo.yml" "${playbook_args[@]}"
rc=$?
requests=$(python -c "import json, urllib.request; print(len(json.load(urllib.request.urlopen('http://127.0.0.1:$port/_sim/journal'))))" 2>/dev/null || echo "?")
_log "the demo sent $requests API requests; run it again and it reports changed=0 (bash scripts/demo.sh --fresh starts over)"
exit "$rc"
