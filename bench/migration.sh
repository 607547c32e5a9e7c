#!/usr/bin/env bash
# Migration benchmark: two embedded MongoDB servers, each in its own JVM; the source filled with TOTAL
# service-order documents; the target's raw ingest ceiling measured (pre-built documents, unordered
# insertMany, best of several concurrencies); the servers' raw copy rate measured (a bare find() ->
# insertMany loop between them); then flexible-migrate copies the source to the target with -Xmx256m.
# Prints documents/s, MB/s, peak heap, the shares of the ceiling and of the raw copy reached, the
# CPU each process spent per document (from /proc) and the bytes the migrator allocated per document (its GC log).
#
#   bench/migration.sh                      # 1,000,000 documents
#   TOTAL=50000 bench/migration.sh          # smoke run
#   MIGRATE_OPTS="--insert-workers 8" bench/migration.sh
#   PARTITIONS=1,2,4,8 bench/migration.sh   # the same collection read by 1, 2, 4 and 8 _id-range cursors
#   PIN_TARGET_CPUS=0 PIN_OTHER_CPUS=1 bench/migration.sh
#       pins the target server to CPU 0 and everything else (source server, clients, migrator) to CPU 1,
#       as if the target ran on its own host: the ceiling and the migration then both measure how well
#       the client keeps one target CPU busy, instead of how the processes share the machine.
#
# Needs the jars: mvn -B -ntp -q package -DskipTests   (from the repository root)
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
TOTAL="${TOTAL:-1000000}"
CONCURRENCIES="${CONCURRENCIES:-2,4,8}"
# The in-memory servers keep every document in their heaps: 1,000,000 service orders need more than 6 GB each.
SERVER_HEAP="${SERVER_HEAP:-9g}"
SERVER_GC="${SERVER_GC:--XX:+UseG1GC}"
SERVER_OPTS="${SERVER_OPTS:-}"
MIGRATE_HEAP="${MIGRATE_HEAP:-256m}"
MIGRATE_OPTS="${MIGRATE_OPTS:-}"
# more JVM options for the migrator, e.g. MIGRATE_JVM_OPTS="-XX:SharedArchiveFile=$PWD/dataworks-migrations/target/flexible-migrate.jsa"
# (README "Start faster": the class-data-sharing archive the build writes)
MIGRATE_JVM_OPTS="${MIGRATE_JVM_OPTS:-}"
PIN_TARGET_CPUS="${PIN_TARGET_CPUS:-}"
PIN_OTHER_CPUS="${PIN_OTHER_CPUS:-}"
# PARTITIONS=1,2,4,8: one migration per count, the collection cut into N _id ranges read by N cursors at once
# (FRAMEWORK_PLAN_PARTITIONS=N --parallel-cursors N), each into a freshly dropped target database
PARTITIONS="${PARTITIONS:-}"
# The migrator plans as it would anywhere (the embedded server reads _id ranges through its ordered _id index and
# says so in explain, so the collection is split into 2 x parallel-cursors ranges; SERVER_OPTS=--scan-id-ranges
# gives the Cosmos-like server, read by one cursor); PLAN_PARTITIONERS and REQUIRE_INDEXED_RANGES=false force other
# plans, e.g. PLAN_PARTITIONERS=objectIdTime,single REQUIRE_INDEXED_RANGES=false for 8 ObjectId ranges.
PLAN_PARTITIONERS="${PLAN_PARTITIONERS:-splitVector,sample,objectIdTime,single}"
REQUIRE_INDEXED_RANGES="${REQUIRE_INDEXED_RANGES:-true}"
JAR="$ROOT/dataworks-migrations/target/flexible-migrate.jar"
TEMPLATE="$ROOT/templates/service_order_template.json"
OUT="${OUT:-$ROOT/bench/out/migration-$(date -u +%Y%m%dT%H%M%SZ)}"

[[ -f "$JAR" ]] || { echo "missing $JAR: run 'mvn -B -ntp -q package -DskipTests' first" >&2; exit 2; }
[[ -f "$TEMPLATE" ]] || { echo "missing $TEMPLATE" >&2; exit 2; }
mkdir -p "$OUT"

# on_cpus CPUS COMMAND...: runs COMMAND pinned to CPUS (taskset), or as is when CPUS is empty
on_cpus() {
  local cpus="$1"; shift
  if [[ -n "$cpus" ]]; then taskset -c "$cpus" "$@"; else "$@"; fi
}

# shellcheck source=bench/lib.sh
source "$ROOT/bench/lib.sh"

# Starts an embedded server in its own JVM (in this shell, so the EXIT trap can stop it) and sets
# the variable named by $2 to its connection string.
server() {
  local cpus="$PIN_OTHER_CPUS"
  [[ "$1" == target ]] && cpus="$PIN_TARGET_CPUS"
  # taskset execs java, so $! is the server's own pid (its /proc CPU times are what the summary reports)
  local pin=()
  [[ -n "$cpus" ]] && pin=(taskset -c "$cpus")
  # shellcheck disable=SC2086
  start_server "$1" "$2" "${pin[@]}" java -Xmx"$SERVER_HEAP" $SERVER_GC -cp "$JAR" io.dataworks.core.embedded.EmbeddedMongo \
    --port 0 $SERVER_OPTS
}

server source SOURCE_URI
server target TARGET_URI
echo "source $SOURCE_URI, target $TARGET_URI, $TOTAL documents, results in $OUT${PIN_TARGET_CPUS:+, target pinned to CPU $PIN_TARGET_CPUS, the rest to CPU $PIN_OTHER_CPUS}"

java -Xmx1g -cp "$JAR" "$ROOT/bench/BenchTool.java" fill "$SOURCE_URI" dealer_service service_orders "$TOTAL" "$TEMPLATE" \
  | tee "$OUT/fill.txt"

echo "measuring the target's raw ingest ceiling (concurrency $CONCURRENCIES)..."
BENCH_SERVER_PIDS="$TARGET_PID" on_cpus "$PIN_OTHER_CPUS" java -Xmx4g -XX:+UseParallelGC -cp "$JAR" "$ROOT/bench/BenchTool.java" ceiling "$TARGET_URI" "$TOTAL" "$TEMPLATE" "$CONCURRENCIES" \
  | tail -1 | tee "$OUT/ceiling.json"

# The servers' raw copy rate: the simplest hand-written copy (one unsorted cursor, insertMany at the ceiling's
# best concurrency) with both servers in the loop, as in the migration. It also warms the source's read path,
# as the ceiling's probes warmed the target's write path, so the migration meets two equally warm servers.
echo "measuring the servers' raw copy rate (one cursor, concurrency $(jq .bestConcurrency "$OUT/ceiling.json"))..."
BENCH_SERVER_PIDS="$SOURCE_PID,$TARGET_PID" on_cpus "$PIN_OTHER_CPUS" java -Xmx1g -cp "$JAR" "$ROOT/bench/BenchTool.java" pipe "$SOURCE_URI" \
  dealer_service service_orders "$TARGET_URI" "$(jq .bestConcurrency "$OUT/ceiling.json")" | tail -1 | tee "$OUT/pipe.json"

# migrate LABEL [JVM and CLI options...]: one flexible-migrate run into a freshly dropped target database; writes
# $OUT/summary-LABEL.json (and, for the first run, $OUT/summary.json as before)
migrate() {
  local label="$1"; shift
  local jvm=() cli=()
  while [[ $# -gt 0 && "$1" != "--" ]]; do jvm+=("$1"); shift; done
  [[ $# -gt 0 ]] && shift
  cli=("$@")
  java -cp "$JAR" "$ROOT/bench/BenchTool.java" drop "$TARGET_URI" dealer_service_atlas
  echo "migrating ($label) with -Xmx$MIGRATE_HEAP $MIGRATE_JVM_OPTS ${jvm[*]} ${cli[*]}..."
  local source_cpu0 target_cpu0 start end source_cpu target_cpu migrator_cpu allocated
  source_cpu0=$(cpu_seconds "$SOURCE_PID"); target_cpu0=$(cpu_seconds "$TARGET_PID")
  start=$(date +%s.%N)
  # shellcheck disable=SC2086
  on_cpus "$PIN_OTHER_CPUS" /usr/bin/time -f "%U %S" -o "$OUT/migrate-$label.cpu" java -Xmx"$MIGRATE_HEAP" \
    -Xlog:gc,gc+heap+exit:file="$OUT/migrate-$label-gc.log" -DFRAMEWORK_PLAN_PARTITIONERS="$PLAN_PARTITIONERS" \
    -DFRAMEWORK_PLAN_REQUIRE_INDEXED_RANGES="$REQUIRE_INDEXED_RANGES" $MIGRATE_JVM_OPTS "${jvm[@]}" -jar "$JAR" --source-uri "$SOURCE_URI" \
    --source-db dealer_service --target-uri "$TARGET_URI" --target-db dealer_service_atlas --checkpoint-dir "$OUT/checkpoints-$label" \
    --fresh --report "$OUT/report-$label.json" --metrics-out "$OUT/metrics-$label.csv" --no-progress $MIGRATE_OPTS "${cli[@]}" \
    >"$OUT/migrate-$label.log" 2>&1
  end=$(date +%s.%N)
  source_cpu=$(echo "$(cpu_seconds "$SOURCE_PID") - $source_cpu0" | bc)
  target_cpu=$(echo "$(cpu_seconds "$TARGET_PID") - $target_cpu0" | bc)
  migrator_cpu=$(awk '{ print $1 + $2 }' "$OUT/migrate-$label.cpu")
  # bytes the migrator allocated, from its GC log: what each collection found (heap before it minus heap after the
  # previous one) plus what was in use at exit
  allocated=$(awk '
    /Pause/ && match($0, /[0-9]+M->[0-9]+M/) { split(substr($0, RSTART, RLENGTH), a, /M->|M/); total += a[1] - after; after = a[2] }
    /garbage-first heap|def new generation|PSYoungGen/ && match($0, /used [0-9]+K/) { used = substr($0, RSTART + 5, RLENGTH - 6) / 1024 }
    END { printf "%.0f", (total + used - after) * 1048576 }' "$OUT/migrate-$label-gc.log")

  jq -n --slurpfile r "$OUT/report-$label.json" --slurpfile c "$OUT/ceiling.json" --slurpfile p "$OUT/pipe.json" --arg wall "$(echo "$end - $start" | bc)" \
    --arg scpu "$source_cpu" --arg tcpu "$target_cpu" --arg mcpu "$migrator_cpu" --arg alloc "$allocated" --arg runname "$label" '
    ($r[0]) as $r | ($c[0]) as $c | ($p[0]) as $p |
    ([$r.details.stepSeconds[]?.copy // 0] | max) as $copy |
    (if $copy > 0 then $r.documentsWritten / $copy else null end) as $copyRate |
    {run: $runname, documents: $r.documentsWritten, seconds: $r.durationSeconds, wallSecondsWithJvmStart: ($wall|tonumber),
     stepSeconds: $r.details.stepSeconds, partitions: ([$r.namespaces[].partitions] | add), partitioner: $r.namespaces[0].partitioner,
     documentsPerSecond: $r.documentsPerSecond, copyDocumentsPerSecond: ($copyRate | if . then round else . end),
     mbPerSecond: $r.mbPerSecond, peakHeapMb: $r.peakHeapMb,
     ceilingDocumentsPerSecond: $c.docsPerSecond, ceilingConcurrency: $c.bestConcurrency,
     shareOfCeiling: (if $c.docsPerSecond > 0 then (($r.documentsPerSecond / $c.docsPerSecond) * 1000 | round) / 10 else null end),
     rawCopyDocumentsPerSecond: $p.docsPerSecond,
     shareOfRawCopy: (if $p.docsPerSecond > 0 then (($r.documentsPerSecond / $p.docsPerSecond) * 1000 | round) / 10 else null end),
     copyShareOfCeiling: (if $c.docsPerSecond > 0 and $copyRate then (($copyRate / $c.docsPerSecond) * 1000 | round) / 10 else null end),
     cpuMicrosPerDocument: {sourceServer: (($scpu|tonumber) * 1e7 / $r.documentsWritten | round / 10),
       targetServer: (($tcpu|tonumber) * 1e7 / $r.documentsWritten | round / 10),
       migrator: (($mcpu|tonumber) * 1e7 / $r.documentsWritten | round / 10)},
     migratorAllocatedBytesPerDocument: (($alloc|tonumber) / $r.documentsWritten | round),
     status: $r.status}' | tee "$OUT/summary-$label.json"
  [[ -f "$OUT/summary.json" ]] || cp "$OUT/summary-$label.json" "$OUT/summary.json"
}

if [[ -z "$PARTITIONS" ]]; then
  migrate default
else
  # the same collection read by N _id-range cursors: FRAMEWORK_PLAN_PARTITIONS=N partitions, N read at once
  for n in ${PARTITIONS//,/ }; do
    migrate "p$n" -DFRAMEWORK_PLAN_PARTITIONS="$n" -- --parallel-cursors "$n"
  done
  jq -s 'map({run, partitions, partitioner, documentsPerSecond, copyDocumentsPerSecond, shareOfRawCopy, cpuMicrosPerDocument,
    migratorAllocatedBytesPerDocument, peakHeapMb, status})' "$OUT"/summary-p*.json | tee "$OUT/partitions.json"
fi
