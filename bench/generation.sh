#!/usr/bin/env bash
# Generation benchmark (issue 4): the service-order template
#   1. -> a JSON Lines file
#   2. -> an embedded MongoDB server running in its own JVM,
# compared with that server's raw ingest rate measured in the same run (the same documents, pre-built,
# unordered insertMany at the best of a few concurrencies).
#
# Usage: bench/generation.sh            (1,000,000 documents)
#        TOTAL=100000 bench/generation.sh
# Environment: TOTAL, SEED, TEMPLATE, PORT, WORKERS (generation workers, default nproc), BATCH_SIZE,
#   CONCURRENCY (raw ingest concurrencies to try, default 1,2,4,8), SERVER_HEAP, CLIENT_HEAP, JAVA_OPTS
#   (default -XX:+UseParallelGC, for every JVM of the run), OUT, REBUILD=1, FILE_ONLY=1 (only the file run),
#   JAR (the flexible-generator jar to measure; default the module's build).
# Targets on a 2-core machine: >= 100,000 documents/s to a file; into the server >= 85% of its raw rate.
set -euo pipefail
cd "$(dirname "$0")/.."

TOTAL=${TOTAL:-1000000}
SEED=${SEED:-42}
TEMPLATE=${TEMPLATE:-templates/service_order_template.json}
PORT=${PORT:-27777}
WORKERS=${WORKERS:-$(nproc)}
BATCH_SIZE=${BATCH_SIZE:-1000}
CONCURRENCY=${CONCURRENCY:-1,2,4,8}
# documents generated into the fresh server before the measured run (its JIT and heap warm up, as the raw probes do)
WARMUP=${WARMUP:-200000}
# The in-memory server keeps every document in its heap: 1,000,000 service orders need more than 6 GB.
SERVER_HEAP=${SERVER_HEAP:-12g}
CLIENT_HEAP=${CLIENT_HEAP:-3g}
OUT=${OUT:-bench/out}
# Throughput runs: the parallel collector costs less CPU per document than G1 (measured: ~11 vs ~13 us/doc
# marginal for the file run), which matters when generator and server share two cores.
JAVA_OPTS=${JAVA_OPTS:--XX:+UseParallelGC}
JAR=${JAR:-dataworks-generators/target/flexible-generator.jar}

if [[ ! -f "$JAR" || -n "${REBUILD:-}" ]]; then
  echo "building $JAR ..."
  mvn -B -ntp -q -pl dataworks-generators -am package -DskipTests
fi
mkdir -p "$OUT"

# "documentsPerSecond": 123.4 -> 123.4 (the report is pretty-printed JSON, one field per line)
field() { sed -n "s/^ *\"$2\" *: *\([0-9.eE+-]*\).*/\1/p" "$1" | head -1; }
# user+system CPU seconds of a running process, from /proc (clock ticks of 1/100 s)
cpu_of() { awk '{ sub(/.*\) /, ""); print ($12 + $13) / 100 }' "/proc/$1/stat"; }
# CPU microseconds per document: cpu_per_doc SECONDS DOCUMENTS
cpu_per_doc() { awk -v s="$1" -v n="$2" 'BEGIN { printf "%.1f", s * 1e6 / n }'; }
TIMEFORMAT='cpu %U %S'
# runs a command, keeps its stderr in $OUT/last.err, sets LAST_CPU to its user+system CPU seconds
timed() {
  local t
  t=$( { time "$@" 2> "$OUT/last.err" ; } 2>&1 >/dev/null | tail -1 ) || { cat "$OUT/last.err"; return 1; }
  LAST_CPU=$(echo "$t" | awk '{ print $2 + $3 }')
}

echo "== machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg), java $(java -version 2>&1 | head -1)"
echo "== $TOTAL documents from $TEMPLATE, seed $SEED, $WORKERS generation workers, batches of $BATCH_SIZE"

# 1. JSON Lines file
timed java $JAVA_OPTS -Xmx1g -jar "$JAR" --template "$TEMPLATE" --total "$TOTAL" --seed "$SEED" --workers "$WORKERS" \
  --batch-size "$BATCH_SIZE" --output "$OUT/service_orders.jsonl" --report "$OUT/file-report.json"
file_cpu=$LAST_CPU
file_rate=$(field "$OUT/file-report.json" documentsPerSecond)
file_mb=$(field "$OUT/file-report.json" mbPerSecond)
file_bytes=$(stat -c %s "$OUT/service_orders.jsonl")
printf 'file:        %12.0f documents/s  %7.1f MB/s  (%s bytes, %s)\n' "$file_rate" "$file_mb" "$file_bytes" "$OUT/service_orders.jsonl"
echo "             generator CPU $(cpu_per_doc "$file_cpu" "$TOTAL") us/document (whole JVM, start-up included)"
if [[ -n "${FILE_ONLY:-}" ]]; then
  awk -v f="$file_rate" 'BEGIN { exit !(f >= 100000) }' && file_ok=yes || file_ok=no
  echo "target: file >= 100,000 documents/s: $file_ok (load average now $(cut -d' ' -f1-3 /proc/loadavg))"
  exit 0
fi

# 2. embedded server in its own JVM. Each of the two measurements below gets a fresh server, so neither
#    inherits the other's warmed-up JIT, grown heap or garbage.
server_pid=
stop_server() {
  [[ -n "$server_pid" ]] || return 0
  kill "$server_pid" 2>/dev/null || true
  wait "$server_pid" 2>/dev/null || true
  server_pid=
}
start_server() {
  local server_log="$OUT/embedded-server-$1.log"
  java $JAVA_OPTS -Xmx"$SERVER_HEAP" -cp "$JAR" io.dataworks.core.embedded.EmbeddedMongo --port "$PORT" > "$server_log" 2>&1 &
  server_pid=$!
  for _ in $(seq 1 100); do
    grep -q "listening on" "$server_log" && return 0
    kill -0 "$server_pid" 2>/dev/null || { echo "embedded server did not start:"; cat "$server_log"; exit 1; }
    sleep 0.2
  done
  echo "embedded server did not start in 20 s"; cat "$server_log"; exit 1
}
trap stop_server EXIT
uri="mongodb://127.0.0.1:$PORT"

# 2a. raw ingest rate of a fresh server: the same documents, pre-built
start_server raw
raw_out=$(java $JAVA_OPTS -Xmx"$CLIENT_HEAP" -cp "$JAR" bench/RawIngestBench.java --uri "$uri" --template "$TEMPLATE" \
  --total "$TOTAL" --seed "$SEED" --batch-size "$BATCH_SIZE" --concurrency "$CONCURRENCY" --server-pid "$server_pid")
echo "$raw_out" | sed 's/^/  /'
raw_rate=$(echo "$raw_out" | sed -n 's/.*raw_docs_per_s=\([0-9.]*\).*/\1/p')
raw_concurrency=$(echo "$raw_out" | sed -n 's/.*raw_concurrency=\([0-9]*\).*/\1/p')
raw_server_cpu=$(echo "$raw_out" | sed -n 's/.*raw_server_cpu_us_per_doc=\([0-9.]*\).*/\1/p')

# 2b. generation into another fresh server, at the raw ingest's best concurrency
stop_server
start_server generation
# Warm the server up as the raw ingest's probes warmed theirs (JIT, heap): a throwaway run, dropped by the measured run.
java $JAVA_OPTS -Xmx1g -jar "$JAR" --template "$TEMPLATE" --total "$WARMUP" --seed "$SEED" --workers "$WORKERS" \
  --batch-size "$BATCH_SIZE" --write-workers "$raw_concurrency" --target-uri "$uri" --target-db bench \
  --target-collection service_orders --drop > /dev/null 2> "$OUT/warmup.err" || { cat "$OUT/warmup.err"; exit 1; }
server_cpu_before=$(cpu_of "$server_pid")
timed java $JAVA_OPTS -Xmx1g -jar "$JAR" --template "$TEMPLATE" --total "$TOTAL" --seed "$SEED" --workers "$WORKERS" \
  --batch-size "$BATCH_SIZE" --write-workers "$raw_concurrency" --target-uri "$uri" --target-db bench \
  --target-collection service_orders --drop --report "$OUT/mongo-report.json"
mongo_cpu=$LAST_CPU
server_cpu=$(awk -v a="$server_cpu_before" -v b="$(cpu_of "$server_pid")" 'BEGIN { print b - a }')
mongo_rate=$(field "$OUT/mongo-report.json" documentsPerSecond)
mongo_mb=$(field "$OUT/mongo-report.json" mbPerSecond)
mongo_written=$(field "$OUT/mongo-report.json" documentsWritten)
printf 'raw ingest:  %12.0f documents/s  (concurrency %s)\n' "$raw_rate" "$raw_concurrency"
printf 'embedded:    %12.0f documents/s  %7.1f MB/s  (%s documents written, %s write workers)\n' \
  "$mongo_rate" "$mongo_mb" "$mongo_written" "$raw_concurrency"
echo "             CPU per document: server $(cpu_per_doc "$server_cpu" "$TOTAL") us during generation, ${raw_server_cpu:-?} us during raw ingest;"
echo "             generator $(cpu_per_doc "$mongo_cpu" "$TOTAL") us (whole JVM). On a busy machine these hold better than the rates."
ratio=$(awk -v g="$mongo_rate" -v r="$raw_rate" 'BEGIN { printf "%.1f", 100 * g / r }')
echo "embedded / raw ingest: $ratio %"

awk -v f="$file_rate" 'BEGIN { exit !(f >= 100000) }' && file_ok=yes || file_ok=no
awk -v x="$ratio" 'BEGIN { exit !(x >= 85) }' && mongo_ok=yes || mongo_ok=no
echo "targets: file >= 100,000 documents/s: $file_ok; embedded >= 85% of raw ingest: $mongo_ok"
echo "reports: $OUT/file-report.json $OUT/mongo-report.json (load average now $(cut -d' ' -f1-3 /proc/loadavg))"
