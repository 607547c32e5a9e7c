# Sourced by the bench scripts: embedded servers, each in a JVM of its own, all stopped when the script exits.
# The script sets OUT (where the servers' logs go) before it starts one.

PIDS=()
stop_servers() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
}
trap stop_servers EXIT

# start_server NAME VAR COMMAND...: runs COMMAND (a java command line starting EmbeddedMongo with --port 0; a prefix
# that execs it, such as taskset, keeps $! the server's pid) with its output in $OUT/NAME.log, waits until it listens,
# and sets VAR to its connection string and NAME_PID (upper case) to its pid.
start_server() {
  local name="$1" var="$2" log="$OUT/$1.log"
  shift 2
  "$@" >"$log" 2>&1 &
  PIDS+=("$!")
  printf -v "${name^^}_PID" '%s' "$!"
  for _ in $(seq 1 300); do
    if grep -q "listening on" "$log"; then
      printf -v "$var" '%s' "$(grep -o "mongodb://[^ ]*" "$log" | head -1)"
      return 0
    fi
    sleep 0.1
  done
  echo "the $name server did not start; see $log" >&2
  return 1
}

# cpu_seconds PID: CPU-seconds (user + system) the process has used so far, from /proc (the fields after the command
# name, which may hold spaces)
cpu_seconds() {
  awk -v hz="$(getconf CLK_TCK)" '{ sub(/^.*\) /, ""); printf "%.2f", ($12 + $13) / hz }' "/proc/$1/stat"
}

# cds_archive JAR: prints the class-data-sharing archive the build wrote next to JAR (flexible-migrate.jsa) when it is
# there and the JVM accepts it for that jar (an archive fits only the jar at the path it was made for), else nothing
# and, when there was one, a warning; CDS=off prints nothing.
cds_archive() {
  local jar="$1" archive="${1%.jar}.jsa"
  [[ "${CDS:-auto}" != off && -f "$archive" ]] || return 0
  if java -Xshare:on -XX:SharedArchiveFile="$archive" -jar "$jar" --version >/dev/null 2>&1; then
    echo "$archive"
  else
    echo "warning: the JVM refuses $archive for $jar (made for another path or build); running without it" >&2
  fi
}
