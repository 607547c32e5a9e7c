#!/usr/bin/env bash
# Per-collection cost: many small collections copied by flexible-migrate, whole process (JVM start included).
# Two embedded servers in their own JVMs; the source filled with COLLECTIONS x DOCS service orders; then RUNS
# copies per build, each into a new target database, timed from the command's start to its exit. Prints every run and
# the medians.
#
#   bench/collections.sh                              # 200 collections x 100 documents, 5 runs
#   COLLECTIONS=1 DOCS=1000 bench/collections.sh      # the fixed cost of one small collection
#   MIGRATE_JAR=/other/flexible-migrate.jar bench/collections.sh   # another build
#   JARS="/tmp/before.jar dataworks-migrations/target/flexible-migrate.jar bin/flexible-migrate" bench/collections.sh
#                                                     # builds compared in one window, runs alternating (a, b, c, a...):
#                                                     # a jar (java -jar, with its archive), a jar#JVM,OPTIONS, or the
#                                                     # launcher bin/flexible-migrate (run as a user runs it)
#   CDS=off bench/collections.sh                      # without the jars' class-data-sharing archives
#   WARMUPS=1 KEEP_COPIES=1 bench/collections.sh      # one warm-up copy, every copy kept on the target (before 2026-12-01)
#   MIGRATE_JVM_OPTS="-XX:TieredStopAtLevel=1" bench/collections.sh   # the migrator with other JVM flags
#
# The build writes flexible-migrate.jsa next to the jar (a class-data-sharing archive); java -jar runs use it
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
export JAVA_OPTS="$MIGRATE_JVM_OPTS" # the launcher's way of taking JVM options

[[ -f "$JAR" ]] || { echo "missing $JAR: run 'mvn -B -ntp -q package -DskipTests' first" >&2; exit 2; }
[[ -f "$MIGRATE_JAR" ]] || { echo "missing $MIGRATE_JAR" >&2; exit 2; }
mkdir -p "$OUT"

# shellcheck source=bench/lib.sh
source "$ROOT/bench/lib.sh"

server() {
  # with KEEP_COPIES=1 the target keeps every copy (RUNS x builds x COLLECTIONS x DOCS documents) in its heap
  start_server "$1" "$2" java -Xmx"${SERVER_HEAP:-6g}" -cp "$JAR" io.dataworks.core.embedded.EmbeddedMongo --port 0
}

# the command line of a build: a launcher script as it is, a jar with its archive and JVM options (jar#opt,opt)
ENTRIES=(${JARS:-$MIGRATE_JAR})
declare -A COMMANDS ARCHIVES
for entry in "${ENTRIES[@]}"; do
  path="${entry%%#*}" options=()
  [[ "$entry" == *"#"* ]] && IFS=, read -r -a options <<<"${entry#*#}"
  [[ -f "$path" ]] || { echo "missing $path" >&2; exit 2; }
  if [[ "$path" == *.jar ]]; then
    archive="$(cds_archive "$path")"
    ARCHIVES[$entry]="$archive"
    COMMANDS[$entry]="java ${archive:+-XX:SharedArchiveFile=$archive} ${options[*]} $MIGRATE_JVM_OPTS -jar $path"
  else
    ARCHIVES[$entry]="(the launcher's)"
    COMMANDS[$entry]="$path" # with JAVA_OPTS (below)
  fi
done

LOAD_AT_START=$(cut -d' ' -f1-3 /proc/loadavg)
server source SOURCE_URI
server target TARGET_URI
java -Xmx1g -cp "$JAR" "$ROOT/bench/BenchTool.java" fill-many "$SOURCE_URI" many "$COLLECTIONS" "$DOCS" "$TEMPLATE" | tee "$OUT/fill.txt"

# drop_copy DB: the target forgets a copy once it is timed (not timed itself), so that every run meets the same target:
# an embedded server keeps every document in its heap (about 8 KB each), and after some twenty copies its collector's
# pauses of 100-180 ms fell inside the runs. KEEP_COPIES=1 keeps them (as this bench did until 2026-12-01).
drop_copy() {
  [[ "${KEEP_COPIES:-}" == 1 ]] || java -cp "$JAR" "$ROOT/bench/BenchTool.java" drop "$TARGET_URI" "$1" >/dev/null
}

# WARMUPS copies (default 10), not counted: the servers' first requests are slow (their JIT), whichever client comes
# first. After one warm-up copy the servers' CPU per copy kept falling over the next ten (1.45 -> 0.65 CPU-s for
# 200 x 100), so the first runs of a set were the slowest of both builds; a real server has no JIT to warm
# shellcheck disable=SC2086 # a command line
for w in $(seq 1 "${WARMUPS:-10}"); do
  ${COMMANDS[${ENTRIES[0]}]} --source-uri "$SOURCE_URI" --source-db many --target-uri "$TARGET_URI" --target-db "warmup$w" \
    --checkpoint-dir "$OUT/cp-warmup$w" --no-progress --report "$OUT/warmup$w.json" >"$OUT/warmup$w.log" 2>&1
  drop_copy "warmup$w"
done

declare -A TIMES CPUS SERVER_CPUS
n=0
for run in $(seq 1 "$RUNS"); do
  for entry in "${ENTRIES[@]}"; do
    n=$((n + 1))
    servers_before=$(echo "$(cpu_seconds "$SOURCE_PID") + $(cpu_seconds "$TARGET_PID")" | bc)
    start=$(date +%s.%N)
    # shellcheck disable=SC2086 # a command line
    /usr/bin/time -f "%U %S" -o "$OUT/run-$n.cpu" ${COMMANDS[$entry]} --source-uri "$SOURCE_URI" --source-db many \
      --target-uri "$TARGET_URI" --target-db "copy$n" --checkpoint-dir "$OUT/cp-$n" --no-progress --report "$OUT/run-$n.json" \
      >"$OUT/run-$n.log" 2>&1
    end=$(date +%s.%N)
    cpu=$(awk '{ print $1 + $2 }' "$OUT/run-$n.cpu")
    server_cpu=$(echo "$(cpu_seconds "$SOURCE_PID") + $(cpu_seconds "$TARGET_PID") - $servers_before" | bc)
    seconds=$(echo "$end - $start" | bc)
    written=$(jq .documentsWritten "$OUT/run-$n.json")
    [[ "$written" == "$((COLLECTIONS * DOCS))" ]] || { echo "run $n wrote $written documents, not $((COLLECTIONS * DOCS)); see $OUT/run-$n.log" >&2; exit 1; }
    drop_copy "copy$n"
    TIMES[$entry]+="$seconds "
    CPUS[$entry]+="$cpu "
    SERVER_CPUS[$entry]+="$server_cpu "
    printf 'run %d of %s: %.2f s, %.2f CPU-seconds (migrator), %.2f (the two servers)\n' "$run" "$entry" "$seconds" "$cpu" "$server_cpu"
  done
done

median() { tr ' ' '\n' | grep . | sort -n | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
list() { echo "$1" | xargs | tr ' ' ','; }
LOAD_AT_END=$(cut -d' ' -f1-3 /proc/loadavg)
: >"$OUT/summary.json"
for entry in "${ENTRIES[@]}"; do
  printf '{"collections": %d, "documentsPerCollection": %d, "runs": [%s], "medianSeconds": %.2f, "cpuSeconds": [%s], "medianCpuSeconds": %.2f, "serverCpuSeconds": [%s], "cdsArchive": "%s", "jvmOptions": "%s", "build": "%s", "warmups": %d, "copiesKept": %s, "loadAtStart": "%s", "loadAtEnd": "%s"}\n' \
    "$COLLECTIONS" "$DOCS" "$(list "${TIMES[$entry]}")" "$(echo "${TIMES[$entry]}" | median)" "$(list "${CPUS[$entry]}")" \
    "$(echo "${CPUS[$entry]}" | median)" "$(list "${SERVER_CPUS[$entry]}")" "${ARCHIVES[$entry]}" "$MIGRATE_JVM_OPTS" "$entry" \
    "${WARMUPS:-10}" "$([[ "${KEEP_COPIES:-}" == 1 ]] && echo true || echo false)" "$LOAD_AT_START" "$LOAD_AT_END" | tee -a "$OUT/summary.json"
done
