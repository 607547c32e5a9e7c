#!/usr/bin/env bash
# The migrator's own cost per document, and builds compared in one window: two embedded servers (own JVMs), the source
# filled with TOTAL service orders once, the raw copy loop measured once (one unsorted cursor -> insertMany; its
# client's CPU per document is the driver's floor), then flexible-migrate copies the collection ROUNDS times per jar,
# the jars alternating (a, b, a, b...), each copy into a freshly dropped target database, migrator -Xmx256m.
# For each copy: the migrator's CPU per document over the whole process (from /proc, JVM start and JIT included, as
# bench/migration.sh measures it), in the steady state (from 50 % to 95 % of the documents written, from /proc samples
# every 0.5 s and the run's --metrics-out series), the bytes it allocated per document (its GC log) and the JIT's
# compile time (-XX:+CITime).
#
#   JARS="/tmp/before.jar dataworks-migrations/target/flexible-migrate.jar" TOTAL=300000 ROUNDS=2 bash bench/per-document.sh
#   JFR=1 ...       also records each copy with JFR (settings=profile, or JFR_SETTINGS=file.jfc): bench/JfrTop.java RECORDING
#                   prints where it went
#   MIGRATE_OPTS="--insert-workers 8" ...
#   JARS="a.jar a.jar#-XX:+UseParallelGC" ...    a jar followed by #JVM options (comma-separated) for its runs only
#   CDS=off ...     without the class-data-sharing archive the build writes next to each jar (used when the JVM accepts
#                   it for that jar, as README "Start faster" tells users to; each run's JSON names the archive used)
#
# Needs the jar(s): mvn -B -ntp -q -pl dataworks-migrations -am package -DskipTests
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
TOTAL="${TOTAL:-300000}"
ROUNDS="${ROUNDS:-2}"
JARS="${JARS:-$ROOT/dataworks-migrations/target/flexible-migrate.jar}"
# the in-memory servers keep every document in their heaps: about 6 KB of heap per service order
SERVER_HEAP="${SERVER_HEAP:-$(( TOTAL / 100000 + 2 ))g}"
MIGRATE_HEAP="${MIGRATE_HEAP:-256m}"
MIGRATE_OPTS="${MIGRATE_OPTS:-}"
MIGRATE_JVM_OPTS="${MIGRATE_JVM_OPTS:-}"
PIPE_CONCURRENCY="${PIPE_CONCURRENCY:-4}"
JFR="${JFR:-}"
TEMPLATE="$ROOT/templates/service_order_template.json"
OUT="${OUT:-$ROOT/bench/out/per-document-$(date -u +%Y%m%dT%H%M%SZ)}"
read -r -a JAR_LIST <<<"$JARS"
TOOL_JAR="${JAR_LIST[0]%%#*}"
for entry in "${JAR_LIST[@]}"; do
  jar="${entry%%#*}"
  [[ -f "$jar" ]] || { echo "missing $jar: run 'mvn -B -ntp -q -pl dataworks-migrations -am package -DskipTests' first" >&2; exit 2; }
done
mkdir -p "$OUT"

# shellcheck source=bench/lib.sh
source "$ROOT/bench/lib.sh"
# each jar's class-data-sharing archive, checked once (a JVM start per check)
declare -A ARCHIVES
for entry in "${JAR_LIST[@]}"; do
  jar="${entry%%#*}"
  [[ -v "ARCHIVES[$jar]" ]] || ARCHIVES[$jar]="$(cds_archive "$jar")"
done

server() {
  start_server "$1" "$2" java -Xmx"$SERVER_HEAP" -XX:+UseG1GC -cp "$TOOL_JAR" io.dataworks.core.embedded.EmbeddedMongo --port 0
}

cpu_ticks() {
  awk '{ sub(/^.*\) /, ""); print $12 + $13 }' "/proc/$1/stat" 2>/dev/null || echo -1
}

server source SOURCE_URI
server target TARGET_URI
echo "source $SOURCE_URI, target $TARGET_URI, $TOTAL documents, $ROUNDS round(s) of ${#JAR_LIST[@]} jar(s), results in $OUT"
java -Xmx1g -cp "$TOOL_JAR" "$ROOT/bench/BenchTool.java" fill "$SOURCE_URI" dealer_service service_orders "$TOTAL" "$TEMPLATE" \
  | tee "$OUT/fill.txt"
echo "raw copy loop (one unsorted cursor -> insertMany, concurrency $PIPE_CONCURRENCY), load $(cut -d' ' -f1-3 /proc/loadavg)..."
BENCH_SERVER_PIDS="$SOURCE_PID,$TARGET_PID" java -Xmx1g -cp "$TOOL_JAR" "$ROOT/bench/BenchTool.java" pipe "$SOURCE_URI" \
  dealer_service service_orders "$TARGET_URI" "$PIPE_CONCURRENCY" | tail -1 | tee "$OUT/pipe.json"

# migrate LABEL JAR: one copy into a freshly dropped target database; prints one JSON line (also in $OUT/LABEL.json)
migrate() {
  local label="$1" jar="${2%%#*}" load pid="" start end jvm=()
  [[ "$2" == *"#"* ]] && IFS=, read -r -a jvm <<<"${2#*#}"
  java -cp "$TOOL_JAR" "$ROOT/bench/BenchTool.java" drop "$TARGET_URI" dealer_service_atlas
  load=$(cut -d' ' -f1 /proc/loadavg)
  local jfr=() cds=() archive
  [[ -n "$JFR" ]] && jfr=("-XX:StartFlightRecording=filename=$OUT/$label.jfr,settings=${JFR_SETTINGS:-profile}")
  archive="${ARCHIVES[$jar]}"
  [[ -n "$archive" ]] && cds=("-XX:SharedArchiveFile=$archive")
  start=$(date +%s.%N)
  # shellcheck disable=SC2086
  /usr/bin/time -f "%U %S" -o "$OUT/$label.time" java -Xmx"$MIGRATE_HEAP" -Xlog:gc,gc+heap+exit:file="$OUT/$label-gc.log" -XX:+UnlockDiagnosticVMOptions -XX:+CITime \
    "${cds[@]}" "${jfr[@]}" "${jvm[@]}" $MIGRATE_JVM_OPTS -jar "$jar" --source-uri "$SOURCE_URI" --source-db dealer_service \
    --target-uri "$TARGET_URI" --target-db dealer_service_atlas --checkpoint-dir "$OUT/checkpoints-$label" --fresh \
    --report "$OUT/$label-report.json" --metrics-out "$OUT/$label-metrics.csv" --no-progress $MIGRATE_OPTS \
    >"$OUT/$label.log" 2>&1 &
  local timer=$!
  for _ in $(seq 1 100); do pid=$(pgrep -P "$timer" java || true); [[ -n "$pid" ]] && break; sleep 0.05; done
  # CPU ticks of the migrator every 0.5 s (epoch seconds, ticks), read while it runs
  : >"$OUT/$label-cpu.txt"
  while [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null; do
    local ticks
    ticks=$(cpu_ticks "$pid")
    [[ "$ticks" != -1 ]] && echo "$(date +%s.%N) $ticks" >>"$OUT/$label-cpu.txt"
    sleep 0.5
  done
  wait "$timer" || { echo "$label: flexible-migrate failed (exit $?), see $OUT/$label.log" >&2; return 1; }
  end=$(date +%s.%N)
  local allocated steady compile
  allocated=$(awk '
    /Pause/ && match($0, /[0-9]+M->[0-9]+M/) { split(substr($0, RSTART, RLENGTH), a, /M->|M/); total += a[1] - after; after = a[2] }
    /garbage-first heap|def new generation|PSYoungGen/ && match($0, /used [0-9]+K/) { used = substr($0, RSTART + 5, RLENGTH - 6) / 1024 }
    END { printf "%.0f", (total + used - after) * 1048576 }' "$OUT/$label-gc.log")
  compile=$(awk -F: '/Total compilation time/ { split($2, v, " "); print v[1] }' "$OUT/$label.log" | head -1)
  # steady state: the times at which 50 % and 95 % of the documents were written (metrics series), the CPU then
  steady=$(awk -F, -v total="$TOTAL" '
    NR == FNR { if ($0 ~ /^#/) next
                if (FNR == 1) { for (i = 1; i <= NF; i++) { if ($i == "timestamp") t = i; if ($i == "documentsWritten") d = i }; next }
                ts = $t; gsub(/"/, "", ts); cmd = "date -d \"" ts "\" +%s.%N"; cmd | getline e; close(cmd)
                if (!a && $d >= total * 0.5) { a = e; da = $d } if (!b && $d >= total * 0.95) { b = e; db = $d } next }
    { split($0, f, " ") }
    a && !ca && f[1] >= a { ca = f[2] } b && !cb && f[1] >= b { cb = f[2] }
    END { if (ca && cb && db > da) printf "%.1f", (cb - ca) * 1e4 / (db - da); else print "null" }' \
    "$OUT/$label-metrics.csv" "$OUT/$label-cpu.txt")
  jq -c -n --slurpfile r "$OUT/$label-report.json" --arg runname "$label" --arg jar "$2" --arg archive "$archive" --arg load "$load" \
    --arg wall "$(echo "$end - $start" | bc)" --arg cpu "$(awk '{ print $1 + $2 }' "$OUT/$label.time")" \
    --arg alloc "$allocated" --arg steady "$steady" --arg compile "${compile:-null}" '
    ($r[0]) as $r |
    {run: $runname, jar: $jar, cdsArchive: $archive, loadAtStart: ($load|tonumber), documents: $r.documentsWritten, status: $r.status,
     wallSeconds: (($wall|tonumber) * 10 | round / 10), peakHeapMb: $r.peakHeapMb,
     cpuMicrosPerDocument: (($cpu|tonumber) * 1e7 / $r.documentsWritten | round / 10),
     steadyCpuMicrosPerDocument: ($steady|tonumber? // null),
     allocatedBytesPerDocument: (($alloc|tonumber) / $r.documentsWritten | round),
     jitCompileSeconds: ($compile|tonumber? // null)}' | tee "$OUT/$label.json"
}

for round in $(seq 1 "$ROUNDS"); do
  i=0
  for jar in "${JAR_LIST[@]}"; do
    migrate "r$round-j$i" "$jar"
    i=$((i + 1))
  done
done
jq -s . "$OUT"/r*-j*[0-9].json >"$OUT/runs.json"
echo "raw copy loop: $(cat "$OUT/pipe.json")"
jq -r '.[] | [.run, .cpuMicrosPerDocument, .steadyCpuMicrosPerDocument, .allocatedBytesPerDocument, .jitCompileSeconds, .wallSeconds, .loadAtStart] | @tsv' \
  "$OUT/runs.json" | (echo -e "run\tcpu_us/doc\tsteady_us/doc\tbytes/doc\tjit_s\twall_s\tload"; cat)
