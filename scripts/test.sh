#!/usr/bin/env bash
# Run every test of the vmops.cloud collection (or only the named stages).
#
#   bash scripts/test.sh                 # all stages
#   bash scripts/test.sh sanity units    # only these, in the order given
#   bash scripts/test.sh --list          # list stages
#
# Creates/reuses .venv (see scripts/_env.sh).  Every stage runs even if an earlier one failed; the
# exit status is non-zero if any stage failed, and a summary with per-stage timings is printed last.
#
# Hook stages (molecule, reliability, ee, runner, docsite) do nothing until their files exist; to plug
# a new check in, add the files they look for (documented on each function) or a tests/<stage>/run.sh.

set -uo pipefail

# shellcheck source=scripts/_env.sh
. "$(dirname "${BASH_SOURCE[0]}")/_env.sh"

DEFAULT_STAGES=(sanity units integration targets compat lint docs changelog build molecule reliability ee runner gitops docsite)
PY_VERSION="3.11"
# ansible-test needs a real (non-symlinked) collection tree; see scripts/_sync_collection.py.
AT_ROOT="$BUILD/ansible-test"
AT_COLL="$AT_ROOT/ansible_collections/vmops/cloud"
STATUS_DIR=""

# ----------------------------------------------------------------------------- helpers
skip() {
    # Mark the current stage as skipped (nothing to run yet) and return success.
    echo "$*" >"$STATUS_DIR/$CURRENT_STAGE.skip"
    echo "SKIP: $*"
    return 0
}

sync_copy() {
    python "$REPO/scripts/_sync_collection.py" "$REPO" "$AT_COLL" || return 1
    # ansible-test looks for a .git upwards from the collection root and would find this checkout,
    # whose `git ls-files` hides .build/ (gitignored) => "All targets skipped".  An empty repository
    # in the copy makes ansible-test list the copy's own (untracked) files instead.
    git init -q "$AT_COLL"
}

drop_pip_noise() {
    # This machine's pip.conf lists local file:// indexes that pip warns about for every package.
    grep --line-buffered -v "^WARNING: Location 'file:" || true
}

has_tests() {
    # has_tests DIR: true if DIR holds pytest files (test_*.py or *_test.py)
    [ -d "$1" ] && [ -n "$(find "$1" \( -name 'test_*.py' -o -name '*_test.py' \) -print -quit)" ]
}

run_pytest() {
    # run_pytest DIR [args]: pytest where exit 5 (no tests collected) counts as failure.
    local dir="$1"; shift
    python -m pytest "$dir" -q -p no:cacheprovider "$@"
    local rc=$?
    if [ "$rc" -eq 5 ]; then
        echo "pytest collected no tests from $dir although it has test files" >&2
    fi
    return "$rc"
}

hook_script() {
    # Generic plug-in point for every stage: tests/<stage>/run.sh, run with bash from the repo root.
    local s="$REPO/tests/$CURRENT_STAGE/run.sh"
    if [ -f "$s" ]; then
        echo "running $s"
        (cd "$REPO" && bash "$s")
        return $?
    fi
    return 200
}

# ----------------------------------------------------------------------------- stages
stage_sanity() {
    # tests/sanity/ must never hold ignore files: fix the code instead.
    local ign
    ign="$(find "$REPO/tests/sanity" -maxdepth 1 -name 'ignore-*.txt' 2>/dev/null)"
    if [ -n "$ign" ]; then
        echo "sanity ignore files are not allowed: $ign" >&2
        return 1
    fi
    python "$REPO/scripts/_seed_get_pip.py" 2>&1 | drop_pip_noise || return 1
    _with_lock "$BUILD/.ansible-test.lock" _sanity_locked
}
_sanity_locked() {
    sync_copy || return 1
    cd "$AT_COLL" || return 1
    # --local: use this venv's Python; ansible-test still builds one cached venv per sanity test
    #   under ~/.ansible/test/venv (pip bootstrap pre-seeded above, pinned requirements from PyPI).
    # No --skip-test: every sanity test runs offline; pslint/shellcheck are skipped by ansible-test
    #   itself when there are no PowerShell/shell files in the collection copy.
    ansible-test sanity --local --python "$PY_VERSION" --color no 2>&1 | drop_pip_noise
}

stage_units() {
    _with_lock "$BUILD/.ansible-test.lock" _units_locked
}
_units_locked() {
    sync_copy || return 1
    cd "$AT_COLL" || return 1
    if ! has_tests tests/unit; then
        skip "no unit tests in tests/unit"
        return 0
    fi
    # --local uses pytest/pytest-xdist/pytest-mock/mock/coverage from .venv (requirements-dev.txt);
    # ansible-test installs nothing here without --requirements.
    ansible-test units --local --python "$PY_VERSION" --color no
}

stage_integration() {
    # pytest suites that start tests/emulator as a process.
    setup_collection_path
    cd "$REPO" || return 1
    if ! has_tests tests/integration; then
        skip "no test files in tests/integration yet"
        return 0
    fi
    run_pytest tests/integration
}

stage_targets() {
    # ansible-test integration targets (tests/integration/targets/) against the emulator on loopback;
    # VMOPS_LIVE=1 runs them against a real account instead (see tests/integration/run_targets.py).
    _with_lock "$BUILD/.ansible-test.lock" _targets_locked
}
_targets_locked() {
    sync_copy || return 1
    # the copy leaves out tests/integration (dev-only): bring the targets in, nothing else
    mkdir -p "$AT_COLL/tests/integration"
    cp -R "$REPO/tests/integration/targets" "$AT_COLL/tests/integration/targets" || return 1
    python "$REPO/tests/integration/run_targets.py" "$AT_COLL"
}

# ansible-core releases the compat stage proves besides the pinned one in .venv: the oldest admitted
# (requires_ansible in meta/runtime.yml) and the newest published (2.20+ need Python >= 3.12, taken
# from pyenv by scripts/_core_venv.sh).  Override with VMOPS_COMPAT_CORES="2.17 2.21".
COMPAT_NEWEST="2.21"
# the integration smoke: a playbook (the README Quick start, check mode and real), the provision
# role's argument spec, and the info module end to end, each against the emulator
COMPAT_SMOKE=(
    "tests/integration/test_first_hour.py::test_readme_quick_start_check_mode_then_real"
    "tests/integration/test_first_hour.py::test_provision_refuses_unknown_item_keys_before_any_request[extra0-ssh_kye_id]"
    "tests/integration/test_civo_instance_info.py::test_by_id_is_one_request"
)

compat_oldest() {
    # "2.17" from requires_ansible: ">=2.17.0"
    sed -n 's/^requires_ansible: *["'\'']*>= *\([0-9]*\.[0-9]*\).*/\1/p' "$REPO/meta/runtime.yml"
}

stage_compat() {
    # Unit tests and an integration smoke on the oldest and newest ansible-core (cached venvs
    # .build/venv-core-X.Y made by scripts/_core_venv.sh; the first run installs them, ~10 s each).
    setup_collection_path
    cd "$REPO" || return 1
    local oldest cores v venv rc=0
    oldest="$(compat_oldest)"
    [ -n "$oldest" ] || { echo "cannot read requires_ansible from meta/runtime.yml" >&2; return 1; }
    cores="${VMOPS_COMPAT_CORES:-$oldest $COMPAT_NEWEST}"
    for v in $cores; do
        venv="$(bash "$REPO/scripts/_core_venv.sh" "$v" | tail -1)" || { rc=1; continue; }
        echo "---- $("$venv/bin/ansible" --version | head -1), $("$venv/bin/python" --version)"
        "$venv/bin/python" -m pytest tests/unit -q -p no:cacheprovider || rc=1
        "$venv/bin/python" -m pytest "${COMPAT_SMOKE[@]}" -q -p no:cacheprovider || rc=1
    done
    return "$rc"
}

stage_lint() {
    # config (profile, excludes, offline) lives in .ansible-lint; ANSIBLE_HOME points into .build so
    # nothing lands in ~/.ansible.  Strict: ansible-lint exits 0 on "warning" violations (it prints
    # "Listing N violation(s) that are fatal" and "Profile 'production' was required, but 'min' profile
    # passed" and still passes), so --strict turns every warning into a failure, and the summary line
    # is checked too: it must report 0 failures, 0 warnings and the production profile passed.
    setup_collection_path
    cd "$REPO" || return 1
    local out rc
    out="$(mktemp "${TMPDIR:-/tmp}/vmops-lint.XXXXXX")"
    ansible-lint --offline --profile production --strict 2>&1 | tee "$out"
    rc=${PIPESTATUS[0]}
    if [ "$rc" -eq 0 ]; then
        _lint_output_clean "$out" || rc=1
    fi
    rm -f "$out"
    _complexity_gate || rc=1
    return "$rc"
}
_complexity_gate() {
    # no function in plugins/ above cyclomatic complexity 15, no module above 250 lines of code
    # (docs aside); radon comes from a cached venv under .build (requirements-dev.txt unchanged)
    local venv
    venv="$(bash "$REPO/scripts/_radon_venv.sh" | tail -1)" || return 1
    (cd "$REPO" && "$venv/bin/python" scripts/complexity.py plugins)
}
_lint_output_clean() {
    # _lint_output_clean FILE: the ansible-lint output reports no violation of any kind.
    local plain
    plain="$(sed 's/\x1b\[[0-9;]*m//g; s/\x1b\]8;;[^\x1b]*\x1b\\//g' "$1")"
    if grep -q "violation(s)" <<<"$plain"; then
        echo "ansible-lint listed violations (see above)" >&2; return 1
    fi
    if grep -Eq "was required, but '[a-z]+' profile passed" <<<"$plain"; then
        echo "ansible-lint: the production profile did not pass" >&2; return 1
    fi
    if ! grep -Eq "Passed: 0 failure\(s\), 0 warning\(s\)" <<<"$plain"; then
        echo "ansible-lint: no 'Passed: 0 failure(s), 0 warning(s)' summary" >&2; return 1
    fi
    return 0
}

stage_docs() {
    _with_lock "$BUILD/.ansible-test.lock" _docs_locked
}
_docs_locked() {
    # antsibull-docs must see the collection under ansible_collections/<ns>/<name>: use the .build copy.
    sync_copy || return 1
    cd "$AT_COLL" || return 1
    ANSIBLE_COLLECTIONS_PATH="$AT_ROOT" antsibull-docs lint-collection-docs --plugin-docs .
}

stage_changelog() {
    # fragments go in changelogs/fragments/ (see changelogs/config.yaml); CHANGELOG.rst is made by
    # `bash scripts/changelog_release.sh`, which must be re-run after a fragment is added to a version
    # that is already released (galaxy.yml's version in changelogs/changelog.yaml).
    cd "$REPO" || return 1
    antsibull-changelog lint || return 1
    antsibull-changelog lint-changelog-yaml changelogs/changelog.yaml || return 1
    if [ -f CHANGELOG.rst ]; then
        rstcheck --report-level warning CHANGELOG.rst || return 1
    fi
    python - <<'PY'
import os, sys, yaml
version = yaml.safe_load(open("galaxy.yml"))["version"]
releases = (yaml.safe_load(open("changelogs/changelog.yaml")) or {}).get("releases") or {}
fragments = sorted(f for f in os.listdir("changelogs/fragments") if f.endswith((".yml", ".yaml")))
if version not in releases:
    print("changelog: %s unreleased, %d fragment(s)" % (version, len(fragments)))
    sys.exit(0)
# released: every fragment (kept, see keep_fragments) must be in the release, with its current text
release = releases[version]
changes = release.get("changes") or {}
stale = []
for name in fragments:
    if name not in (release.get("fragments") or []):
        stale.append("%s (not in the release)" % name)
        continue
    with open(os.path.join("changelogs/fragments", name)) as handle:
        frag = yaml.safe_load(handle) or {}
    for section, entries in frag.items():
        if section == "trivial":
            continue  # trivial entries are not recorded (trivial_section_name in changelogs/config.yaml)
        if section == "release_summary":
            if changes.get(section, "").strip() != str(entries).strip():
                stale.append("%s (release_summary edited)" % name)
            continue
        for entry in entries if isinstance(entries, list) else [entries]:
            if entry not in (changes.get(section) or []):
                stale.append("%s (%s entry edited or new)" % (name, section))
# every plugin and role of the collection is listed as new in this first release (version_added)
listed = {("module", m["name"]) for m in release.get("modules") or []}
listed |= {(kind, p["name"]) for kind, items in (release.get("plugins") or {}).items() for p in items}
listed |= {(kind, o["name"]) for kind, items in (release.get("objects") or {}).items() for o in items}
for kind in sorted(os.listdir("plugins")):
    if kind in ("module_utils", "doc_fragments", "plugin_utils") or not os.path.isdir(os.path.join("plugins", kind)):
        continue
    for name in sorted(os.listdir(os.path.join("plugins", kind))):
        if name.endswith(".py") and name != "__init__.py":
            key = ("module" if kind == "modules" else kind, name[:-3])
            if key not in listed:
                stale.append("%s %s not in the release" % key)
for role in sorted(os.listdir("roles")):
    if os.path.isfile(os.path.join("roles", role, "meta", "argument_specs.yml")) and ("role", role) not in listed:
        stale.append("role %s not in the release" % role)
if not os.path.isfile("CHANGELOG.rst"):
    stale.append("CHANGELOG.rst missing")
if stale:
    sys.exit("the %s release in changelogs/changelog.yaml is out of date: %s\n"
             "run bash scripts/changelog_release.sh (it folds the fragments into the %s release and "
             "regenerates CHANGELOG.rst)" % (version, "; ".join(stale), version))
print("changelog: %s released, all %d fragment(s) in it" % (version, len(fragments)))
PY
}

stage_build() {
    local tmp rc tarball inst
    tmp="$(mktemp -d "${TMPDIR:-/tmp}/vmops-build.XXXXXX")"
    (
        set -e
        ansible-galaxy collection build --output-path "$tmp/dist" "$REPO"
        tarball="$(ls "$tmp"/dist/vmops-cloud-*.tar.gz)"
        # --offline: no Galaxy server is contacted; --no-deps: galaxy.yml has no dependencies.
        ANSIBLE_COLLECTIONS_PATH="$tmp/collections" \
            ansible-galaxy collection install --offline --no-deps -p "$tmp/collections" "$tarball"
        inst="$tmp/collections/ansible_collections/vmops/cloud"
        test -f "$inst/MANIFEST.json" || { echo "MANIFEST.json missing in $inst" >&2; exit 1; }
        test -d "$inst/plugins/modules" || { echo "plugins/modules missing in $inst" >&2; exit 1; }
        # The tarball carries what users need and nothing of the development set-up: an allow-list.
        python "$REPO/scripts/_check_tarball.py" "$tarball"
        n="$(find "$inst/plugins/modules" -name '*.py' ! -name '__init__.py' | wc -l)"
        echo "installed $(basename "$tarball"): $n module(s) in plugins/modules; tarball listing matches the allow-list"
    )
    rc=$?
    rm -rf "$tmp"
    return "$rc"
}

# --- hook stages: do nothing until their files exist -------------------------------------------

stage_molecule() {
    # Runs when extensions/molecule/<scenario>/molecule.yml exists (or tests/molecule/run.sh).
    # molecule >= 25 finds extensions/molecule/ by itself when run from the collection root.
    hook_script; local rc=$?; [ "$rc" -ne 200 ] && return "$rc"
    if ! compgen -G "$REPO/extensions/molecule/*/molecule.yml" >/dev/null; then
        skip "no extensions/molecule/*/molecule.yml"
        return 0
    fi
    setup_collection_path
    cd "$REPO" || return 1
    molecule test --all
}

_pytest_hook() {
    # _pytest_hook DIR: tests/<stage>/run.sh if present, else pytest on DIR when it has test files.
    hook_script; local rc=$?; [ "$rc" -ne 200 ] && return "$rc"
    setup_collection_path
    cd "$REPO" || return 1
    if ! has_tests "$1"; then
        skip "no test files in $1"
        return 0
    fi
    run_pytest "$1"
}

stage_reliability() {
    # Reliability/fault-injection suites against the emulator: tests/reliability/ (run.sh or pytest).
    _pytest_hook tests/reliability
}

stage_ee() {
    # Execution environment: meta/execution-environment.yml and `ansible-builder create`, offline.
    setup_collection_path
    cd "$REPO" || return 1
    run_pytest tests/ee/test_execution_environment.py
}

stage_runner() {
    # AWX-style jobs through ansible-runner (credentials as injected env vars), demo included.
    setup_collection_path
    cd "$REPO" || return 1
    run_pytest tests/ee/test_runner.py
}

stage_gitops() {
    # The GitOps guide's plan (--check --diff) and apply steps through ansible-runner, with the
    # vmops.cloud.changes callback's Markdown/JSON reports checked (tests/ee/test_gitops.py).
    setup_collection_path
    cd "$REPO" || return 1
    run_pytest tests/ee/test_gitops.py
}

stage_docsite() {
    # The offline HTML docs site (bash scripts/docsite.sh) and its pages.
    setup_collection_path
    cd "$REPO" || return 1
    run_pytest tests/ee/test_docsite.py
}

# ----------------------------------------------------------------------------- driver
usage() {
    echo "usage: bash scripts/test.sh [--list] [stage ...]"
    echo "stages (default: all, in this order): ${DEFAULT_STAGES[*]}"
}

main() {
    local stages=() s
    for s in "$@"; do
        case "$s" in
            -h|--help) usage; return 0 ;;
            --list) printf '%s\n' "${DEFAULT_STAGES[@]}"; return 0 ;;
            all) stages+=("${DEFAULT_STAGES[@]}") ;;
            *)
                if ! declare -F "stage_$s" >/dev/null; then
                    echo "unknown stage: $s" >&2; usage >&2; return 2
                fi
                stages+=("$s") ;;
        esac
    done
    [ "${#stages[@]}" -eq 0 ] && stages=("${DEFAULT_STAGES[@]}")

    # plain logs when not on a terminal (CI): no ANSI colours from ansible, molecule, lint, pytest
    if [ ! -t 1 ]; then
        export NO_COLOR=1 ANSIBLE_NOCOLOR=1 PY_COLORS=0
    fi
    local t0 t_start t_end rc status
    t_start="$(date +%s%N)"
    ensure_venv
    local t_venv=$(( ($(date +%s%N) - t_start) / 1000000 ))

    STATUS_DIR="$(mktemp -d "${TMPDIR:-/tmp}/vmops-test.XXXXXX")"
    local -a rows=()
    local passed=0 failed=0 skipped=0
    for s in "${stages[@]}"; do
        CURRENT_STAGE="$s"
        printf '\n======== stage: %s ========\n' "$s"
        t0="$(date +%s%N)"
        ( set -o pipefail; "stage_$s" )
        rc=$?
        t_end="$(date +%s%N)"
        if [ "$rc" -ne 0 ]; then
            status="FAIL(rc=$rc)"; failed=$((failed + 1))
        elif [ -f "$STATUS_DIR/$s.skip" ]; then
            status="SKIP: $(cat "$STATUS_DIR/$s.skip")"; skipped=$((skipped + 1))
        else
            status="PASS"; passed=$((passed + 1))
        fi
        rows+=("$(printf '  %-12s %8.1fs  %s' "$s" "$(awk "BEGIN{print ($t_end - $t0)/1e9}")" "$status")")
        echo "======== stage $s: $status"
    done
    rm -rf "$STATUS_DIR"

    local total
    total="$(awk "BEGIN{print ($(date +%s%N) - $t_start)/1e9}")"
    echo
    echo "================ summary ================"
    printf '  %-12s %8.1fs  %s\n' "venv" "$(awk "BEGIN{print $t_venv/1000}")" "ready"
    printf '%s\n' "${rows[@]}"
    printf '  %-12s %8.1fs\n' "total" "$total"
    echo "stages: $passed passed, $failed failed, $skipped skipped"
    [ "$failed" -eq 0 ]
}

main "$@"
