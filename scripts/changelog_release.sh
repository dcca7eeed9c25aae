#!/usr/bin/env bash
# Release the changelog for the version in galaxy.yml: fold every fragment of changelogs/fragments/
# into changelogs/changelog.yaml and regenerate CHANGELOG.rst.  The fragments stay (keep_fragments:
# true in changelogs/config.yaml), so a branch that edits its fragment after the release merges cleanly.
#
#   bash scripts/changelog_release.sh
#
# Re-run it whenever fragments were added or edited after the release of that version (the changelog
# stage of scripts/test.sh fails until then): antsibull-changelog merges new fragments into the
# existing release and keeps its release_summary, --refresh-fragments takes edits of released
# fragments, --reload-plugins picks up plugins and roles added since (by version_added).

set -euo pipefail

# shellcheck source=scripts/_env.sh
. "$(dirname "${BASH_SOURCE[0]}")/_env.sh"
ensure_venv
setup_collection_path
cd "$REPO"

version="$(python -c 'import yaml; print(yaml.safe_load(open("galaxy.yml"))["version"])')"
antsibull-changelog lint
antsibull-changelog release --version "$version" --reload-plugins --refresh-fragments
antsibull-changelog lint-changelog-yaml changelogs/changelog.yaml
rstcheck --report-level warning CHANGELOG.rst
_log "CHANGELOG.rst released for $version"
