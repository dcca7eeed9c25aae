#!/usr/bin/env bash
# Build the HTML documentation site of vmops.cloud, offline.
#
#   bash scripts/docsite.sh [DEST]
#
# DEST defaults to $DOCSITE_DIR, else .build/docsite (both gitignored). The site is
# DEST/html/index.html: a page for every module, the inventory plugin, every role that has
# meta/argument_specs.yml, and the user guide (docs/docsite/rst, listed in
# docs/docsite/extra-docs.yml).
#
# How: `antsibull-docs sphinx-init` writes a Sphinx project for the collection as installed
# (.build/collections/ansible_collections/vmops/cloud -> this checkout, so uncommitted edits
# show), `antsibull-docs collection --use-current` writes the RST, `sphinx-build -W` the HTML.
# No network: intersphinx is off (intersphinx_mapping = {}); scripts/docsite_refs.py turns
# references into the Ansible docs into plain links instead. Broken docs fail the build:
# antsibull-docs --fail-on-error (invalid DOCUMENTATION), Sphinx -W (any warning, such as a
# broken reference to a page of this collection).
#
# Needs: antsibull-docs and sphinx-build on PATH, ansible-pygments, and for the Ansible look
# sphinx-ansible-theme (without it, Sphinx's alabaster theme is used):
#   pip install antsibull-docs sphinx ansible-pygments sphinx-ansible-theme

set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
DEST="${1:-${DOCSITE_DIR:-$REPO/.build/docsite}}"
MARKER=".vmops-docsite"

die() { printf 'docsite: %s\n' "$*" >&2; exit 1; }

for tool in antsibull-docs sphinx-build ansible-doc; do
    command -v "$tool" >/dev/null 2>&1 ||
        die "$tool not found; pip install antsibull-docs sphinx sphinx-ansible-theme ansible-pygments ansible-core"
done

# The collection must be found as vmops.cloud: link .build/collections/.../vmops/cloud to the repo.
COLLECTIONS="$REPO/.build/collections"
mkdir -p "$COLLECTIONS/ansible_collections/vmops"
if [ "$(readlink "$COLLECTIONS/ansible_collections/vmops/cloud" 2>/dev/null)" != "$REPO" ]; then
    rm -rf "$COLLECTIONS/ansible_collections/vmops/cloud"
    ln -s "$REPO" "$COLLECTIONS/ansible_collections/vmops/cloud"
fi
export ANSIBLE_COLLECTIONS_PATH="$COLLECTIONS"
export ANSIBLE_HOME="${ANSIBLE_HOME:-$REPO/.build/ansible-home}"
export ANSIBLE_NOCOLOR=1

# A fresh DEST each time; never delete a directory this script did not create.
if [ -e "$DEST" ]; then
    if [ -f "$DEST/$MARKER" ]; then
        rm -rf "$DEST"
    elif [ -n "$(ls -A "$DEST" 2>/dev/null)" ]; then
        die "$DEST exists, is not empty and was not made by this script; choose another DEST"
    fi
fi
mkdir -p "$DEST"
DEST="$(cd "$DEST" && pwd -P)"
# antsibull-docs writes only into directories that are writable by their owner alone.
chmod 700 "$DEST"
touch "$DEST/$MARKER"

VERSION="$(python3 -c 'import sys, yaml; print(yaml.safe_load(open(sys.argv[1]))["version"])' "$REPO/galaxy.yml")"

antsibull-docs sphinx-init \
    --use-current --squash-hierarchy --fail-on-error \
    --dest-dir "$DEST" \
    --project "vmops.cloud" \
    --copyright "vmops.cloud contributors" \
    --title "vmops.cloud $VERSION" \
    --html-short-title "vmops.cloud" \
    vmops.cloud >/dev/null

cp "$REPO/scripts/docsite_refs.py" "$DEST/docsite_refs.py"
cat >>"$DEST/conf.py" <<'EOF'

# --- added by scripts/docsite.sh: offline build ---------------------------------------
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
intersphinx_mapping = {}
extensions = [e for e in extensions if e != 'sphinx.ext.intersphinx'] + ['docsite_refs']

# The Ansible theme when it is installed (pip install sphinx-ansible-theme), else Sphinx's own.
try:
    import sphinx_ansible_theme  # noqa: F401
except ImportError:
    sys.stderr.write('docsite: sphinx-ansible-theme is not installed; using the alabaster theme\n')
    html_theme = 'alabaster'
EOF

mkdir -p "$DEST/rst"
chmod 700 "$DEST/rst"
antsibull-docs \
    --config-file "$DEST/antsibull-docs.cfg" \
    collection \
    --use-current --squash-hierarchy --fail-on-error \
    --cleanup everything \
    --dest-dir "$DEST/rst" \
    vmops.cloud

sphinx-build -b html -W --keep-going -q -c "$DEST" "$DEST/rst" "$DEST/html"

echo "docsite: $DEST/html/index.html"
