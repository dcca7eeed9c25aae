#!/usr/bin/env bash
# Run every benchmark and rewrite benchmarks/RESULTS.md (see benchmarks/README.md).
#
#   bash benchmarks/run.sh                # full size, about 15-25 minutes on 2 cores
#   bash benchmarks/run.sh --quick        # smaller sizes: a smoke run of the scripts
#   bash benchmarks/run.sh --only scale   # some of them (task_cost, requests, wait, scale, inventory)
#
# Uses the project venv (created if needed, as scripts/test.sh does) and the working tree's collection.
set -euo pipefail
# shellcheck source=scripts/_env.sh
. "$(dirname "${BASH_SOURCE[0]}")/../scripts/_env.sh"
ensure_venv
setup_collection_path
cd "$REPO"
exec python benchmarks/run.py "$@"
