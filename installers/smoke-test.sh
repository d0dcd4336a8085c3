#!/usr/bin/env bash
# Smoke test of a BUILT program, run with no project environment: a clean environment (env -i)
# with a minimal PATH, a fresh data folder, Qt offscreen.
#
#     installers/smoke-test.sh [PROGRAM]      (default: dist/villagedesk/villagedesk)
#
# Runs --version, init, demo --size small, print notice --id latest --out x.pdf, check and
# --self-test, and measures the start-up to the login form (VILLAGEDESK_BENCH_SHOWN=ready).
# STARTUP_BUDGET=1.5 makes a slower start-up fail the test (unset: only reported).
# Also runs on Windows (Git Bash) against dist/villagedesk/villagedesk.exe.
set -euo pipefail
cd "$(dirname "$0")/.."

case "$(uname -s)" in
  MINGW*|MSYS*|CYGWIN*) windows=1; default=dist/villagedesk/villagedesk.exe ;;
  *) windows=0; default=dist/villagedesk/villagedesk ;;
esac
given=${1:-$default}
[ "$windows" = 1 ] && given=$(cygpath -u "$given")
program=$(cd "$(dirname "$given")" && pwd)/$(basename "$given")
[ -x "$program" ] || { echo "smoke test: no built program at $program (run installers/build-linux.sh)" >&2; exit 1; }
expected_version=$(sed -n 's/^version = "\(.*\)"/\1/p' pyproject.toml | head -1)

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/home" "$work/data"
store="$work/smoke.sqlite3"

# The clean environment: nothing of this checkout or its virtualenv, no PYTHONPATH.
clean_env=(env -i "HOME=$work/home" "LANG=C.UTF-8" "VILLAGEDESK_HOME=$work/data"
           "VILLAGEDESK_PASSWORD=smoke-test-pass" "QT_QPA_PLATFORM=offscreen")
if [ "$windows" = 1 ]; then
  clean_env+=("PATH=/c/Windows/System32:/c/Windows" "SYSTEMROOT=${SYSTEMROOT:-C:\\Windows}"
              "WINDIR=${WINDIR:-C:\\Windows}" "TEMP=$(cygpath -w "$work")" "TMP=$(cygpath -w "$work")")
  store_arg=$(cygpath -w "$store"); pdf_arg=$(cygpath -w "$work/x.pdf")
else
  clean_env+=("PATH=/usr/bin:/bin")
  store_arg=$store; pdf_arg=$work/x.pdf
fi

step() {
  local name=$1; shift
  local started=$SECONDS
  echo "== $name"
  if ! "${clean_env[@]}" "$program" "$@" >"$work/out.txt" 2>"$work/err.txt"; then
    echo "smoke test FAILED at: $name" >&2
    cat "$work/out.txt" "$work/err.txt" >&2
    exit 1
  fi
  tail -n 3 "$work/out.txt"
  echo "   ($((SECONDS - started)) s)"
}

step "--version" --version
grep -q "VillageDesk $expected_version (built " "$work/out.txt" \
  || { echo "smoke test FAILED: --version does not say $expected_version with a build date" >&2; exit 1; }
# No Python of this machine leaks in: the program must not find this checkout's modules.
step "init" init --db "$store_arg" --village-name 青石村 --village-code 510112104201 --township 龙泉镇 --admin admin
step "demo --size small" demo --size small --db "$store_arg"
step "print notice" print notice --id latest --out "$pdf_arg" --db "$store_arg"
head -c 5 "$work/x.pdf" | grep -q '%PDF-' || { echo "smoke test FAILED: x.pdf is not a PDF" >&2; exit 1; }
[ "$(wc -c <"$work/x.pdf")" -gt 2000 ] || { echo "smoke test FAILED: x.pdf is nearly empty" >&2; exit 1; }
step "check" check --db "$store_arg"
step "--self-test" --self-test

# Start-up: process start → the line "ready … login" (the login form is ready on the demo store),
# stamped when the line arrives; best of 3 (warm disk cache).
best=""
for _ in 1 2 3; do
  start=$(date +%s%N); end=""
  while IFS= read -r line; do
    echo "$line" >>"$work/bench.txt"
    case $line in "ready "*" login"*) end=$(date +%s%N) ;; esac
  done < <("${clean_env[@]}" VILLAGEDESK_BENCH_SHOWN=ready "$program" --db "$store_arg" 2>&1)
  wait $! 2>/dev/null || true  # the program quits by itself after "ready"; let it be gone first
  [ -n "$end" ] || { echo "smoke test FAILED: the login form never came" >&2; cat "$work/bench.txt" >&2; exit 1; }
  ms=$(( (end - start) / 1000000 ))
  if [ -z "$best" ] || [ "$ms" -lt "$best" ]; then best=$ms; fi
done
echo "start-up to the login form: ${best} ms (best of 3, from process start)"
if [ -n "${STARTUP_BUDGET:-}" ]; then
  budget_ms=$(awk "BEGIN { print int(${STARTUP_BUDGET} * 1000) }")
  [ "$best" -le "$budget_ms" ] || { echo "smoke test FAILED: start-up ${best} ms > ${budget_ms} ms" >&2; exit 1; }
fi
echo "smoke test passed"
