#!/usr/bin/env bash
# Start or stop the API emulator for a molecule scenario.
#   emulator.sh start DIR   -> writes DIR/emulator.json {url, token, zomro_user, zomro_password}
#   emulator.sh stop DIR
set -euo pipefail
action=$1
dir=$2
repo=$(cd "$(dirname "$0")/../../.." && pwd)
python=${VMOPS_PYTHON:-python3}
mkdir -p "$dir"
case "$action" in
  start)
    if [ -f "$dir/emulator.pid" ] && kill -0 "$(cat "$dir/emulator.pid")" 2>/dev/null; then
      exit 0
    fi
    # Port 0: the emulator binds a free port itself and names it in its log, so no other process
    # can take a port chosen in advance (and no other emulator is mistaken for this one).
    nohup "$python" "$repo/tests/emulator" --host 127.0.0.1 --port 0 \
      --civo-token molecule-token --zomro-user molecule --zomro-password molecule-password \
      --state "$dir/emulator.sqlite" --build-seconds "${VMOPS_BUILD_SECONDS:-0.5}" \
      >"$dir/emulator.log" 2>&1 &
    echo $! >"$dir/emulator.pid"
    for _ in $(seq 1 300); do
      port=$(sed -n 's|.*emulator listening on http://127\.0\.0\.1:\([0-9]*\).*|\1|p' "$dir/emulator.log" | head -n 1)
      if [ -n "$port" ] && "$python" -c "import urllib.request,sys; urllib.request.urlopen('http://127.0.0.1:$port/_sim/journal', timeout=1)" 2>/dev/null; then
        printf '{"url": "http://127.0.0.1:%s", "token": "molecule-token", "zomro_user": "molecule", "zomro_password": "molecule-password"}\n' "$port" >"$dir/emulator.json"
        exit 0
      fi
      kill -0 "$(cat "$dir/emulator.pid")" 2>/dev/null || break
      sleep 0.1
    done
    echo "emulator did not start:" >&2
    cat "$dir/emulator.log" >&2
    exit 1
    ;;
  stop)
    if [ -f "$dir/emulator.pid" ]; then
      kill "$(cat "$dir/emulator.pid")" 2>/dev/null || true
      rm -f "$dir/emulator.pid" "$dir/emulator.json" "$dir/emulator.sqlite"
    fi
    ;;
esac
