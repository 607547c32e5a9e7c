#!/usr/bin/env bash
# Per-collection cost: many small collections copied by flexible-migrate, whole process (JVM start included).
# Two embedded servers in their own JVMs; the source filled with COLLECTIONS x DOCS service orders; then RUNS
# copies, each into a new target database, timed from `java -jar` to exit. Prints every run and the median.
#
#   bench/collections.sh                              # 200 collections x 100 documents, 5 runs
#   MIGRATE_JAR=/other/flexible-migrate.jar bench/collections.sh   # the same against another build (before/after)
#   COLLECTIONS=1 DOCS=1000 bench/collections.sh      # the fixed cost of one small collection
#   CDS=off bench/collections.sh                      # without the jar's class-data-sharing archive
#   MIGRATE_JVM_OPTS="-XX:TieredStopAtLevel=1" bench/collections.sh   # the migrator with other JVM flags
#
# The build writes flexible-migrate.jsa next to the jar (a class-data-sharing archive); the runs use it
# (-XX:SharedArchiveFile) when it is there and the JVM accepts it (checked once: an archive only fits the jar at the
# path it was made for, so a copied jar needs its own, see README "Start faster"), unless CDS=off. The summary says
# which archive was used, and the JVM flags.
#
# Needs the jars: mvn -B -ntp -q package -DskipTests   (from the repository root)
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
COLLECTIONS="${COLLECTIONS:-200}"
DOCS="${DOCS:-100}"
RUNS="${RUNS:-5}"
JAR="$ROOT/dataworks-migrations/target/flexible-migrate.jar"      # servers and filler
MIGRATE_JAR="${MIGRATE_JAR:-$JAR}"                                 # the build under test
TEMPLATE="$ROOT/templates/service_order_template.json"
OUT="${OUT:-$ROOT/bench/out/collections-$(date -u +%Y%m%dT%H%M%SZ)}"
CDS="${CDS:-auto}"
MIGRATE_JVM_OPTS="${MIGRATE_JVM_OPTS:-}"

[[ -f "$JAR" ]] || { echo "missing $JAR: run 'mvn -B -ntp -q package -DskipTests' first" >&2; exit 2; }
[[ -f "$MIGRATE_JAR" ]] || { echo "missing $MIGRATE_JAR" >&2; exit 2; }
mkdir -p "$OUT"

# shellcheck source=bench/lib.sh
source "$ROOT/bench/lib.sh"
ARCHIVE="$(cds_archive "$MIGRATE_JAR")"
MIGRATE_JAVA=(java ${ARCHIVE:+-XX:SharedArchiveFile="$ARCHIVE"} $MIGRATE_JVM_OPTS)

server() {
  start_server "$1" "$2" java -Xmx2g -cp "$JAR" io.dataworks.core.embedded.EmbeddedMongo --port 0
}

LOAD_AT_START=$(cut -d' ' -f1-3 /proc/loadavg)
server source SOURCE_URI
server target TARGET_URI
java -Xmx1g -cp "$JAR" "$ROOT/bench/BenchTool.java" fill-many "$SOURCE_URI" many "$COLLECTIONS" "$DOCS" "$TEMPLATE" | tee "$OUT/fill.txt"

# one warm-up copy, not counted: the servers' first requests are slow (their JIT), whichever client comes first
"${MIGRATE_JAVA[@]}" -jar "$MIGRATE_JAR" --source-uri "$SOURCE_URI" --source-db many --target-uri "$TARGET_URI" --target-db warmup \
  --checkpoint-dir "$OUT/cp-warmup" --no-progress --report "$OUT/warmup.json" >"$OUT/warmup.log" 2>&1

times=()
cpus=()
server_cpus=()
for run in $(seq 1 "$RUNS"); do
  servers_before=$(echo "$(cpu_seconds "$SOURCE_PID") + $(cpu_seconds "$TARGET_PID")" | bc)
  start=$(date +%s.%N)
  /usr/bin/time -f "%U %S" -o "$OUT/run-$run.cpu" "${MIGRATE_JAVA[@]}" -jar "$MIGRATE_JAR" --source-uri "$SOURCE_URI" --source-db many \
    --target-uri "$TARGET_URI" --target-db "copy$run" --checkpoint-dir "$OUT/cp-$run" --no-progress --report "$OUT/run-$run.json" \
    >"$OUT/run-$run.log" 2>&1
  end=$(date +%s.%N)
  cpu=$(awk '{ print $1 + $2 }' "$OUT/run-$run.cpu")
  cpus+=("$cpu")
  server_cpu=$(echo "$(cpu_seconds "$SOURCE_PID") + $(cpu_seconds "$TARGET_PID") - $servers_before" | bc)
  server_cpus+=("$server_cpu")
  seconds=$(echo "$end - $start" | bc)
  written=$(jq .documentsWritten "$OUT/run-$run.json")
  [[ "$written" == "$((COLLECTIONS * DOCS))" ]] || { echo "run $run wrote $written documents, not $((COLLECTIONS * DOCS)); see $OUT/run-$run.log" >&2; exit 1; }
  times+=("$seconds")
  printf 'run %d: %.2f s, %.2f CPU-seconds (migrator), %.2f (the two servers)\n' "$run" "$seconds" "$cpu" "$server_cpu"
done
median=$(printf '%s\n' "${times[@]}" | sort -n | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }')
cpu_median=$(printf '%s\n' "${cpus[@]}" | sort -n | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }')
printf '{"collections": %d, "documentsPerCollection": %d, "runs": [%s], "medianSeconds": %.2f, "cpuSeconds": [%s], "medianCpuSeconds": %.2f, "serverCpuSeconds": [%s], "cdsArchive": "%s", "jvmOptions": "%s", "jar": "%s", "loadAtStart": "%s", "loadAtEnd": "%s"}\n' \
  "$COLLECTIONS" "$DOCS" "$(IFS=,; echo "${times[*]}")" "$median" "$(IFS=,; echo "${cpus[*]}")" "$cpu_median" "$(IFS=,; echo "${server_cpus[*]}")" "$ARCHIVE" "$MIGRATE_JVM_OPTS" "$MIGRATE_JAR" \
  "$LOAD_AT_START" "$(cut -d' ' -f1-3 /proc/loadavg)" | tee "$OUT/summary.json"
