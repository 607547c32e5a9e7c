#!/usr/bin/env bash
# Spark mode against the CLI on the same data: two embedded servers in their own JVMs, the source filled with TOTAL
# service orders; flexible-migrate copies it once into one target database, then SparkMigrate on a standalone cluster
# of WORKERS workers (dataworks-spark/local-cluster.sh: master, workers, executors and driver all separate JVMs)
# copies it into another. Same options for both. Prints both runs' durations and rates, the overhead of Spark mode,
# and how the partitions and documents divided across the executors.
#
#   bench/spark.sh                       # 200,000 documents, 2 workers
#   TOTAL=50000 WORKERS=2 bench/spark.sh
#   TOTAL=50000 TARGET_OPTS="--cosmos-budget 20000" bench/spark.sh
#       the target in the embedded server's Cosmos mode (a provisioned RU/s budget, 16500 + RetryAfterMs beyond it):
#       how the executors share one target's budget, against the CLI alone
#
# Needs the jars: mvn -B -ntp -q package -DskipTests   (from the repository root; builds dataworks-spark too)
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
TOTAL="${TOTAL:-200000}"
WORKERS="${WORKERS:-2}"
SERVER_HEAP="${SERVER_HEAP:-4g}"
MIGRATE_OPTS="${MIGRATE_OPTS:---parallel-cursors 8}"
TARGET_OPTS="${TARGET_OPTS:-}"
JAR="$ROOT/dataworks-migrations/target/flexible-migrate.jar"
SPARK_JAR="$ROOT/dataworks-spark/target/dataworks-spark.jar"
TEMPLATE="$ROOT/templates/service_order_template.json"
OUT="${OUT:-$ROOT/bench/out/spark-$(date -u +%Y%m%dT%H%M%SZ)}"

for f in "$JAR" "$SPARK_JAR"; do
  [[ -f "$f" ]] || { echo "missing $f: run 'mvn -B -ntp -q package -DskipTests' first" >&2; exit 2; }
done
mkdir -p "$OUT"

# shellcheck source=bench/lib.sh
source "$ROOT/bench/lib.sh"

server() {
  local opts=""
  [[ "$1" == target ]] && opts="$TARGET_OPTS"
  # an ordered _id index, as every MongoDB has: the planner splits the collection into _id ranges (tasks)
  # shellcheck disable=SC2086
  start_server "$1" "$2" java -Xmx"$SERVER_HEAP" -XX:+UseG1GC -cp "$JAR" io.dataworks.core.embedded.EmbeddedMongo --port 0 \
    --ordered-id-index $opts
}

server source SOURCE_URI
server target TARGET_URI
echo "source $SOURCE_URI, target $TARGET_URI ${TARGET_OPTS}, $TOTAL documents, $WORKERS worker(s), results in $OUT"
java -Xmx1g -cp "$JAR" "$ROOT/bench/BenchTool.java" fill "$SOURCE_URI" dealer_service service_orders "$TOTAL" "$TEMPLATE" \
  | tee "$OUT/fill.txt"

echo "flexible-migrate (one JVM)..."
start=$(date +%s.%N)
# shellcheck disable=SC2086
java -Xmx512m -jar "$JAR" --source-uri "$SOURCE_URI" --source-db dealer_service --target-uri "$TARGET_URI" \
  --target-db cli_copy --checkpoint-dir "$OUT/cli-checkpoints" --report "$OUT/cli.json" --no-progress $MIGRATE_OPTS \
  >"$OUT/cli.log" 2>&1
cli_wall=$(echo "$(date +%s.%N) - $start" | bc)

echo "SparkMigrate on a standalone cluster of $WORKERS worker(s)..."
start=$(date +%s.%N)
# shellcheck disable=SC2086
LOG_DIR="$OUT/cluster" "$ROOT/dataworks-spark/local-cluster.sh" --workers "$WORKERS" -- --source-uri "$SOURCE_URI" \
  --source-db dealer_service --target-uri "$TARGET_URI" --target-db spark_copy --checkpoint-dir "$OUT/spark-checkpoints" \
  --report "$OUT/spark.json" --no-progress $MIGRATE_OPTS >"$OUT/spark.log" 2>&1
spark_wall=$(echo "$(date +%s.%N) - $start" | bc)

# "executor 0@host: 5 partition(s), 100000 document(s)" lines of the driver
grep -o 'executor [^ ]*: [0-9]* partition(s), [0-9]* document(s)' "$OUT/spark.log" \
  | sed -E 's/executor ([^ ]*): ([0-9]*) partition\(s\), ([0-9]*) document\(s\)/{"executor":"\1","partitions":\2,"documents":\3}/' \
  | jq -s . >"$OUT/executors.json"

jq -n --slurpfile c "$OUT/cli.json" --slurpfile s "$OUT/spark.json" --slurpfile e "$OUT/executors.json" \
  --arg cw "$cli_wall" --arg sw "$spark_wall" --arg workers "$WORKERS" --arg target "$TARGET_OPTS" '
  ($c[0]) as $c | ($s[0]) as $s |
  {documents: $s.documentsWritten, workers: ($workers|tonumber), targetOptions: $target,
   partitions: ([$s.namespaces[].partitions] | add), partitioner: $s.namespaces[0].partitioner,
   cli: {status: $c.status, seconds: $c.durationSeconds, wallSecondsWithJvmStart: ($cw|tonumber), documentsPerSecond: $c.documentsPerSecond,
        copyStageSeconds: ([$c.details.stages[] | select(.stage == "copy") | .seconds] | first), throttledRequests: $c.throttledRequests,
        throttledDocuments: $c.details.throttledDocuments, retries: $c.retries},
   spark: {status: $s.status, seconds: $s.durationSeconds, wallSecondsWithClusterStart: ($sw|tonumber), documentsPerSecond: $s.documentsPerSecond,
        copyStageSeconds: ([$s.details.stages[] | select(.stage == "copy") | .seconds] | first), throttledRequests: $s.throttledRequests,
        throttledDocuments: $s.details.throttledDocuments, retries: $s.retries},
   sparkSecondsOverCli: (($s.durationSeconds - $c.durationSeconds) * 10 | round / 10),
   executors: $e[0]}' | tee "$OUT/summary.json"
