#!/usr/bin/env bash
# The project's whole test run (`npm test`, and CI through .ci/run): browser setup, install, checks, then every test suite.
# Every step runs even when an earlier one fails; the last line is the plain summary `N passed, N failed`, summed over
# the suites' Vitest JSON reports, and the exit status is non-zero if anything failed. A check or a suite that fails
# without producing a report (type errors, a crash, a broken build) counts as one failed test, so the summary never
# says "0 failed" for a failing run.
set -uo pipefail

cd "$(dirname "$0")/.."

REPORTS="$(mktemp -d "${TMPDIR:-/tmp}/fieldbook-test-XXXXXX")"
trap 'rm -rf "$REPORTS"' EXIT

passed=0
failed=0
status=0
problems=()

# step NAME COMMAND… — a step that has no tests of its own: a failure counts as one failed test.
step() {
  local name="$1"
  shift
  echo
  echo "=== $name: $*"
  if ! "$@"; then
    echo "=== $name FAILED"
    failed=$((failed + 1))
    status=1
    problems+=("$name")
  fi
}

# suite NAME CONFIG — a Vitest suite: its counts come from its JSON report.
suite() {
  local name="$1" config="$2"
  local report="$REPORTS/$name.json"
  echo
  echo "=== $name tests: vitest run --config $config"
  npx vitest run --config "$config" --reporter=default --reporter=json --outputFile.json="$report"
  local code=$?
  local counts
  if [ -s "$report" ] && counts="$(node -e '
      const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
      console.log(`${r.numPassedTests ?? 0} ${r.numFailedTests ?? 0} ${r.numTotalTestSuites ?? 0}`);
    ' "$report")"; then
    local p f
    read -r p f _ <<<"$counts"
    passed=$((passed + p))
    failed=$((failed + f))
    echo "=== $name: $p passed, $f failed (exit $code)"
    if [ "$code" -ne 0 ]; then
      status=1
      problems+=("$name")
      # Failed without a failed test: a file did not load, a hook or the global setup broke.
      if [ "$f" -eq 0 ]; then failed=$((failed + 1)); fi
    fi
  else
    echo "=== $name tests produced no report (exit $code)"
    failed=$((failed + 1))
    status=1
    problems+=("$name")
  fi
}

step "chromium" bash scripts/setup-chromium.sh
step "install" npm ci --no-audit --no-fund
step "imports" npm run check:imports
step "types" npm run check
suite "unit" vitest.config.ts
suite "e2e" vitest.e2e.config.ts
if [ -f vitest.p2p.config.ts ]; then
  suite "p2p" vitest.p2p.config.ts
fi

echo
if [ "${#problems[@]}" -gt 0 ]; then
  echo "Failed steps: ${problems[*]}"
fi
echo "$passed passed, $failed failed"
exit "$status"
