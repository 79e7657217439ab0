#!/usr/bin/env bash
# Runs every test project and ends with one line: "N passed, N failed".
# Installs what a fresh machine lacks first (tests/setup/*.sh), so a clean checkout works.
set -uo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

for s in tests/setup/*.sh; do
  [ -e "$s" ] || continue
  bash "$s" || { echo "setup step $s failed" >&2; echo "0 passed, 1 failed"; exit 1; }
done

dotnet build ActorTrainer.sln -c Release -nologo -v q -clp:ErrorsOnly || { echo "build failed" >&2; echo "0 passed, 1 failed"; exit 1; }

results="$root/artifacts/test-results"
rm -rf "$results"; mkdir -p "$results"
status=0
for proj in tests/*/*.csproj; do
  name=$(basename "$proj" .csproj)
  grep -q '<IsTestProject>true</IsTestProject>' "$proj" || continue
  echo "== $name"
  dotnet test "$proj" -c Release --no-build -nologo \
    --logger "trx;LogFileName=$name.trx" --results-directory "$results" \
    -- RunConfiguration.TestSessionTimeout=1500000 || status=1
done

passed=0; failed=0
for trx in "$results"/*.trx; do
  [ -e "$trx" ] || continue
  # The <Counters> element holds the run's totals.
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -1)
  p=$(sed -n 's/.* passed="\([0-9]*\)".*/\1/p' <<<"$counters")
  f=$(sed -n 's/.* failed="\([0-9]*\)".*/\1/p' <<<"$counters")
  passed=$((passed + ${p:-0})); failed=$((failed + ${f:-0}))
done
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$status" -eq 0 ]
