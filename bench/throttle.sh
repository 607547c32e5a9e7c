#!/usr/bin/env bash
# Pacing against a throttling target (issue 11): flexible-migrate's copy through the library into an embedded target
# that behaves as Cosmos DB under a provisioned budget, and one that refuses writes at random.
#
#   bench/throttle.sh                         # budgets 2,000 / 8,000 / 20,000 documents/s; random 10 / 30 / 50 %
#   BUDGETS="8000" RATES="" bench/throttle.sh # only one budget
#   SECONDS_PER_RUN=20 RUNS=5 bench/throttle.sh
#   BUDGET_RUNS=3 bench/throttle.sh           # each budget three times (in turn), each random rate RUNS times
#   FIXED_VS_FIXED=1 BUDGETS="" bench/throttle.sh  # control: the adaptive turns run a fixed concurrency too (chance alone)
#
# Random refusals copy 4 x 100,000 documents per run (RANDOM_DOCS_PER_COLLECTION; 50,000 until pace6): copies of
# 200,000 documents took 2.5-5 s, and one pause of the JVM or the machine of 0.3-0.7 s (both modes had them) moved a run
# by 10-20 %; the summary also gives the median of the pairs' ratios (a pair runs back to back, under the same load).
#
# Prints one JSON line per run (budget use and throttled share measured by the server between 20 % and 90 % of the
# copy; durations and the longest stretch without a write under random refusals) and keeps them in bench/out/.
# Needs the jar: mvn -B -ntp -q -pl dataworks-migrations -am package -DskipTests   (from the repository root)
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
JAR="$ROOT/dataworks-migrations/target/flexible-migrate.jar"
BUDGETS="${BUDGETS-2000 8000 20000}"
RATES="${RATES-0.1 0.3 0.5}"
OUT="${OUT:-$ROOT/bench/out/throttle-$(date -u +%Y%m%dT%H%M%SZ)}"
[[ -f "$JAR" ]] || { echo "missing $JAR: run 'mvn -B -ntp -q -pl dataworks-migrations -am package -DskipTests' first" >&2; exit 2; }
mkdir -p "$OUT"

echo "machine: $(nproc) cores, $(uptime | sed 's/.*load average/load average/')" | tee "$OUT/machine.txt"
JAVA=(java -Xmx2g -XX:+UseParallelGC -Dlogback.configurationFile=/dev/null -cp "$JAR" "$ROOT/bench/ThrottleBench.java")
if [[ -n "$BUDGETS" ]]; then
  # each budget BUDGET_RUNS times, in turn (2000 8000 20000 2000 8000 20000 ...)
  ALL_BUDGETS=""
  for _ in $(seq 1 "${BUDGET_RUNS:-1}"); do ALL_BUDGETS="$ALL_BUDGETS $BUDGETS"; done
  # shellcheck disable=SC2086
  "${JAVA[@]}" budget $ALL_BUDGETS 2>"$OUT/budget.log" | grep '^{' | tee "$OUT/budget.jsonl"
fi
if [[ -n "$RATES" ]]; then
  # shellcheck disable=SC2086
  "${JAVA[@]}" random $RATES 2>"$OUT/random.log" | grep '^{' | tee "$OUT/random.jsonl"
fi
echo "results in $OUT" >&2
