# shellcheck shell=bash
# Hook of `bash scripts/test.sh ee` (run with bash from the repository root, inside the project venv):
# the execution-environment tests (ansible-builder, offline), the AWX-style ansible-runner jobs
# against the emulator, and the documentation site build (bash scripts/docsite.sh).
#
#   python -m pytest tests/ee            # the same, by hand
set -euo pipefail
python -m pytest tests/ee -q -p no:cacheprovider "$@"
