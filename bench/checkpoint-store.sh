#!/usr/bin/env bash
# What keeping the checkpoints in MongoDB (--checkpoint-uri) costs a copy, against the directory store: two
# embedded servers in their own JVMs, the source filled with TOTAL service-order documents, then flexible-migrate
# copies the source ROUNDS times with each store, alternating (dir, mongo, dir, mongo, ...), each copy into a target
# database of its own, the MongoDB store in database dw_bench_checkpoints of the target server (the usual set-up).
# Prints one line per copy (store, documents, seconds, documents/s, checkpoint writes) and the median rate of each.
#
#   bench/checkpoint-store.sh                 # 200,000 documents, 2 rounds
#   TOTAL=50000 ROUNDS=1 bench/checkpoint-store.sh
#
# Needs the jars: mvn -B -ntp -q package -DskipTests   (from the repository root)
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
TOTAL="${TOTAL:-200000}"
ROUNDS="${ROUNDS:-2}"
SERVER_HEAP="${SERVER_HEAP:-3g}"
MIGRATE_HEAP="${MIGRATE_HEAP:-256m}"
MIGRATE_OPTS="${MIGRATE_OPTS:-}"
JAR="${JAR:-$ROOT/dataworks-migrations/target/flexible-migrate.jar}"
TEMPLATE="$ROOT/templates/service_order_template.json"
OUT="${OUT:-$ROOT/bench/out/checkpoint-store-$(date -u +%Y%m%dT%H%M%SZ)}"

[[ -f "$JAR" ]] || { echo "missing $JAR: run 'mvn -B -ntp -q package -DskipTests' first" >&2; exit 2; }
mkdir -p "$OUT"

# shellcheck source=bench/lib.sh
source "$ROOT/bench/lib.sh"

server() {
  start_server "$1" "$2" java -Xmx"$SERVER_HEAP" -XX:+UseG1GC -cp "$JAR" io.dataworks.core.embedded.EmbeddedMongo --port 0
}

server source SOURCE_URI
server target TARGET_URI
echo "source $SOURCE_URI, target $TARGET_URI, $TOTAL documents, $ROUNDS round(s), load $(cut -d' ' -f1-3 /proc/loadavg), results in $OUT"
java -Xmx1g -cp "$JAR" "$ROOT/bench/BenchTool.java" fill "$SOURCE_URI" dealer_service service_orders "$TOTAL" "$TEMPLATE" \
  > "$OUT/fill.txt"

# migrate NAME STORE-ARGS...: one copy into target database NAME, its report in $OUT/NAME.json
migrate() {
  local name="$1"; shift
  # shellcheck disable=SC2086
  java -Xmx"$MIGRATE_HEAP" -jar "$JAR" --source-uri "$SOURCE_URI" --source-db dealer_service \
    --target-uri "$TARGET_URI" --target-db "$name" "$@" --fresh \
    --report "$OUT/$name.json" --no-progress $MIGRATE_OPTS >"$OUT/$name.log" 2>&1
  jq -r --arg name "$name" --arg load "$(cut -d' ' -f1 /proc/loadavg)" \
    '"\($name)\t\(.documentsWritten) documents\t\(.durationSeconds) s\t\(.documentsPerSecond | round) documents/s\tload \($load)"' \
    "$OUT/$name.json" | tee -a "$OUT/runs.tsv"
}

for round in $(seq 1 "$ROUNDS"); do
  migrate "dir_$round" --checkpoint-dir "$OUT/checkpoints-$round"
  migrate "mongo_$round" --checkpoint-uri "$TARGET_URI" --checkpoint-db dw_bench_checkpoints
done

median() { sort -n | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
dir_rate=$(grep '^dir_' "$OUT/runs.tsv" | awk -F'\t' '{ print $4 + 0 }' | median)
mongo_rate=$(grep '^mongo_' "$OUT/runs.tsv" | awk -F'\t' '{ print $4 + 0 }' | median)
echo "median documents/s: directory store $dir_rate, MongoDB store $mongo_rate ($(echo "scale=1; 100 * $mongo_rate / $dir_rate" | bc) %)" \
  | tee "$OUT/summary.txt"
