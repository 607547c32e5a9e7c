#!/usr/bin/env bash
# A real Spark standalone cluster on this machine: a master and N workers as separate JVMs, started from the Spark jars
# the build resolved (dataworks-spark/spark-home/target/spark-home/jars: nothing is downloaded here), the migration
# submitted to it (SparkMigrate in dataworks-spark/target/dataworks-spark.jar), optionally one worker killed with
# SIGKILL (it and its executor: a lost machine) while the job runs, the cluster stopped afterwards whatever happened.
# Exits with the job's exit code (0 done, 1 failed, 2 usage, 3 verification mismatch, 4 refused documents).
#
#   dataworks-spark/local-cluster.sh --workers 2 [--kill-worker-after SECONDS] [--spark-conf KEY=VALUE]... -- <options>
#
# <options> are flexible-migrate's (see flexible-migrate --help); --report PATH leaves the report where it says.
# --kill-worker-after counts from the first task the worker runs, so the kill lands mid-copy however long the cluster
# took to start; then it waits (30 s at most) until the worker has been inside one task for 3 s: mid-partition. Logs: the master's, workers' and executors' in the log directory printed at start (LOG_DIR to choose).
# Build first: mvn -B -ntp -pl dataworks-spark -am package -DskipTests
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
spark_home="${SPARK_HOME_DIR:-$here/spark-home/target/spark-home}"
jar="${DATAWORKS_SPARK_JAR:-$here/target/dataworks-spark.jar}"

usage() {
    sed -n '2,13p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2
    exit 2
}

workers=""
kill_after=""
spark_confs=()
while [[ $# -gt 0 ]]; do
    case "$1" in
        --workers) workers="${2:-}"; shift 2 || usage ;;
        --kill-worker-after) kill_after="${2:-}"; shift 2 || usage ;;
        --spark-conf) spark_confs+=(--conf "${2:-}"); shift 2 || usage ;;
        --help|-h) usage ;;
        --) shift; break ;;
        *) echo "local-cluster.sh: unknown argument '$1' (the migration's options go after --)" >&2; usage ;;
    esac
done
if ! [[ "$workers" =~ ^[1-9][0-9]*$ ]]; then
    echo "local-cluster.sh: --workers N is required (N >= 1), was '${workers}'" >&2
    exit 2
fi
if [[ -n "$kill_after" ]] && ! [[ "$kill_after" =~ ^[0-9]+$ ]]; then
    echo "local-cluster.sh: --kill-worker-after takes whole seconds, was '$kill_after'" >&2
    exit 2
fi
if [[ ! -d "$spark_home/jars" ]] || [[ ! -f "$jar" ]]; then
    echo "local-cluster.sh: $spark_home/jars or $jar is missing: build first with" >&2
    echo "  mvn -B -ntp -pl dataworks-spark -am package -DskipTests" >&2
    exit 2
fi

# what Spark's launcher gives every JVM on Java 17 (org.apache.spark.launcher.JavaModuleOptions)
java_opts="-XX:+IgnoreUnrecognizedVMOptions --add-opens=java.base/java.lang=ALL-UNNAMED --add-opens=java.base/java.lang.invoke=ALL-UNNAMED --add-opens=java.base/java.lang.reflect=ALL-UNNAMED --add-opens=java.base/java.io=ALL-UNNAMED --add-opens=java.base/java.net=ALL-UNNAMED --add-opens=java.base/java.nio=ALL-UNNAMED --add-opens=java.base/java.util=ALL-UNNAMED --add-opens=java.base/java.util.concurrent=ALL-UNNAMED --add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED --add-opens=java.base/jdk.internal.ref=ALL-UNNAMED --add-opens=java.base/sun.nio.ch=ALL-UNNAMED --add-opens=java.base/sun.nio.cs=ALL-UNNAMED --add-opens=java.base/sun.security.action=ALL-UNNAMED --add-opens=java.base/sun.util.calendar=ALL-UNNAMED -Djdk.reflect.useDirectMethodHandle=false -Dio.netty.tryReflectionSetAccessible=true"
java_bin="${JAVA_HOME:+$JAVA_HOME/bin/}java"

free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

log_dir="${LOG_DIR:-$(mktemp -d "${TMPDIR:-/tmp}/local-cluster.XXXXXX")}"
mkdir -p "$log_dir"
echo "local-cluster.sh: logs in $log_dir" >&2
# marks every JVM of this cluster (executors too), so a test can tell that none is left
java_opts="$java_opts -Ddataworks.local-cluster=$log_dir"

pids=()
worker_pids=()
driver_pid=""
killer_pid=""
stopping=0

stop_cluster() {
    # every JVM runs in a process group of its own (setsid), with its executors: the whole group goes
    local pid
    [[ -n "$killer_pid" ]] && kill "$killer_pid" 2>/dev/null || true
    for pid in ${driver_pid:+$driver_pid} "${pids[@]}"; do
        kill -TERM -- "-$pid" 2>/dev/null || true
    done
    for _ in $(seq 1 25); do
        local alive=0
        for pid in ${driver_pid:+$driver_pid} "${pids[@]}"; do
            if kill -0 -- "-$pid" 2>/dev/null; then alive=1; fi
        done
        [[ $alive -eq 0 ]] && return 0
        sleep 0.2
    done
    for pid in ${driver_pid:+$driver_pid} "${pids[@]}"; do
        kill -KILL -- "-$pid" 2>/dev/null || true
    done
}

on_exit() {
    local code=$?
    if [[ $stopping -eq 0 ]]; then
        stopping=1
        stop_cluster
    fi
    exit "$code"
}
trap on_exit EXIT
trap 'exit 143' TERM
trap 'exit 130' INT

master_port="$(free_port)"
master_ui="$(free_port)"
export SPARK_HOME="$spark_home"
export SPARK_SCALA_VERSION=2.13
export SPARK_LOG_DIR="$log_dir"

# shellcheck disable=SC2086
setsid "$java_bin" -Xmx256m $java_opts -cp "$spark_home/jars/*" org.apache.spark.deploy.master.Master \
    --host 127.0.0.1 --port "$master_port" --webui-port "$master_ui" >"$log_dir/master.log" 2>&1 &
pids+=($!)
master="spark://127.0.0.1:$master_port"

for _ in $(seq 1 150); do
    if grep -q "I have been elected leader" "$log_dir/master.log" 2>/dev/null; then break; fi
    if ! kill -0 "${pids[0]}" 2>/dev/null; then
        echo "local-cluster.sh: the master did not start (see $log_dir/master.log)" >&2
        exit 1
    fi
    sleep 0.2
done

for i in $(seq 1 "$workers"); do
    mkdir -p "$log_dir/worker-$i"
    # shellcheck disable=SC2086
    setsid "$java_bin" -Xmx256m $java_opts -cp "$spark_home/jars/*" org.apache.spark.deploy.worker.Worker \
        --host 127.0.0.1 --cores 1 --memory 768m --webui-port "$(free_port)" --work-dir "$log_dir/worker-$i" \
        "$master" >"$log_dir/worker-$i.log" 2>&1 &
    pids+=($!)
    worker_pids+=($!)
done

for _ in $(seq 1 150); do
    # (a worker's log file appears when its background shell gets to the redirection)
    registered=$(cat "$log_dir"/worker-*.log 2>/dev/null | grep -c "Successfully registered with master" || true)
    [[ "$registered" -ge "$workers" ]] && break
    sleep 0.2
done
if [[ "${registered:-0}" -lt "$workers" ]]; then
    echo "local-cluster.sh: only ${registered:-0} of $workers worker(s) registered with $master (see $log_dir)" >&2
    exit 1
fi
echo "local-cluster.sh: $master with $workers worker(s) (pids ${worker_pids[*]})" >&2

# the driver runs here (client mode), in this terminal: its summary and report are the job's
# shellcheck disable=SC2086
setsid "$java_bin" -Xmx768m $java_opts -cp "$spark_home/jars/*" org.apache.spark.deploy.SparkSubmit \
    --master "$master" --deploy-mode client --class io.dataworks.spark.SparkMigrate \
    --conf spark.driver.host=127.0.0.1 --conf spark.executor.memory=512m --conf spark.executor.cores=1 \
    --conf "spark.driver.extraJavaOptions=$java_opts" --conf "spark.executor.extraJavaOptions=$java_opts" \
    --conf spark.ui.enabled=false "${spark_confs[@]}" \
    "$jar" "$@" &
driver_pid=$!

if [[ -n "$kill_after" ]]; then
    (
        victim="${worker_pids[0]}"
        # the first task this worker's executor runs starts the clock
        until grep -qs "Running task" "$log_dir"/worker-1/app-*/*/stderr; do
            kill -0 "$driver_pid" 2>/dev/null || exit 0
            sleep 0.2
        done
        sleep "$kill_after"
        # then wait (at most 30 s more) until it has been inside one task for 3 s: a kill in the middle of a partition
        deadline=$((SECONDS + 30))
        while [[ $SECONDS -lt $deadline ]]; do
            kill -0 "$driver_pid" 2>/dev/null || exit 0
            last=$(grep -hs -E "Running task|Finished task" "$log_dir"/worker-1/app-*/*/stderr | tail -1)
            if [[ "$last" == *"Running task"* ]]; then
                started=$(date -d "20${last:0:2}-${last:3:2}-${last:6:2} ${last:9:8}" +%s 2>/dev/null || echo 0)
                [[ $(( $(date +%s) - started )) -ge 3 ]] && break
            fi
            sleep 0.2
        done
        kill -0 "$driver_pid" 2>/dev/null || exit 0
        echo "local-cluster.sh: killing worker 1 (pid $victim) and its executor with SIGKILL" >&2
        kill -KILL -- "-$victim" 2>/dev/null || true
    ) &
    killer_pid=$!
fi

set +e
wait "$driver_pid"
code=$?
set -e
driver_pid=""
echo "local-cluster.sh: job exited with $code" >&2
exit "$code"
