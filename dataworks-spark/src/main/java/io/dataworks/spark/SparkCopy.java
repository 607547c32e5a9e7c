package io.dataworks.spark;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

import org.apache.spark.TaskContext;
import org.apache.spark.SparkEnv;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.dataworks.migrations.MigrationEngine;
import io.dataworks.migrations.MigrationResult;
import io.dataworks.migrations.MigrationRun;
import io.dataworks.migrations.PartitionCopier.PartitionCopy;
import io.dataworks.migrations.checkpoint.CheckpointStore;
import io.dataworks.migrations.checkpoint.NamespaceCheckpoint;
import io.dataworks.migrations.checkpoint.PartitionProgress;
import io.dataworks.migrations.checkpoint.PartitionState;
import io.dataworks.monitoring.MetricsCollector;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * The copy stage as a Spark job: the driver prepares (plans, stores the plan, creates collections and unique indexes),
 * hands out one task per partition not yet done, and finishes (every partition done, the remaining indexes). Each task
 * runs the CLI's partition copier on an executor. Afterwards the driver's meters get what the job did, taken from the
 * checkpoint records (so documents acknowledged by an attempt that was lost count once, and replayed ones not twice).
 */
final class SparkCopy implements MigrationRun.CopyStage {

    private static final Logger LOG = LoggerFactory.getLogger(SparkCopy.class);

    private final Supplier<JavaSparkContext> context;
    private final Supplier<JobSpec> spec;
    /** What the last job's tasks reported, for the report and the benchmark (per executor). */
    private volatile List<TaskResult> results = List.of();

    /** The Spark job group of this run's copy jobs, so a stop (Ctrl-C, SIGTERM) cancels them. */
    private final String jobGroup;

    SparkCopy(Supplier<JavaSparkContext> context, Supplier<JobSpec> spec, String jobId) {
        this.context = Objects.requireNonNull(context, "context");
        this.spec = Objects.requireNonNull(spec, "spec");
        this.jobGroup = "dataworks-copy-" + Objects.requireNonNull(jobId, "jobId");
    }

    List<TaskResult> results() {
        return results;
    }

    @Override
    public Mono<MigrationResult> copy(MigrationEngine engine, CheckpointStore store) {
        return engine.prepareCopy(store)
                .flatMap(prepared -> Mono.fromCallable(() -> runJob(prepared))
                        .subscribeOn(Schedulers.boundedElastic())
                        // stopped: the tasks stop too (their partitions' records hold what was acknowledged)
                        .doOnCancel(() -> context.get().cancelJobGroup(jobGroup))
                        .then(engine.finishCopy(store))
                        .publishOn(Schedulers.boundedElastic())
                        .map(result -> {
                            record(engine.settings().metrics(), prepared, store, results);
                            long failed = results.stream().mapToLong(TaskResult::documentsFailed).sum();
                            if (failed == 0) {
                                return result;
                            }
                            // refused documents went to the dead-letter file of the executor that met them
                            engine.settings().metrics().documentsFailed(failed);
                            return new MigrationResult(result.namespaces(), failed, engine.settings().deadLetterPath(), failed);
                        }));
    }

    private List<TaskResult> runJob(List<NamespaceCheckpoint> prepared) {
        List<PartitionTask> tasks = new ArrayList<>();
        for (NamespaceCheckpoint cp : prepared) {
            String fingerprint = cp.header().planFingerprint();
            for (PartitionProgress p : cp.partitions()) {
                if (!p.done()) {
                    tasks.add(PartitionTask.of(cp.plan().source(), cp.plan().target(), fingerprint, p.partition()));
                }
            }
        }
        if (tasks.isEmpty()) {
            LOG.info("every partition is copied already (checkpoint): no Spark job");
            results = List.of();
            return results;
        }
        JobSpec job = spec.get();
        JavaSparkContext sc = context.get();
        LOG.info("copying {} partition(s) of {} namespace(s) as Spark tasks", tasks.size(), prepared.size());
        sc.setJobGroup(jobGroup, "copy " + tasks.size() + " partition(s)", true);
        try {
            results = sc.parallelize(tasks, tasks.size()).map(new CopyPartition(job)).collect();
        } catch (RuntimeException e) {
            sc.cancelJobGroup(jobGroup);
            throw e;
        } finally {
            sc.clearJobGroup();
        }
        Map<String, long[]> perExecutor = new LinkedHashMap<>();
        for (TaskResult r : results) {
            long[] sums = perExecutor.computeIfAbsent(r.executorId() + "@" + r.host(), k -> new long[2]);
            sums[0]++;
            sums[1] += r.documents();
        }
        perExecutor.forEach((executor, sums) -> LOG.info("executor {}: {} partition(s), {} document(s)", executor, sums[0], sums[1]));
        long continued = results.stream().filter(r -> !r.alreadyDone() && r.documentsBefore() > 0).count();
        for (TaskResult r : results) {
            if (!r.alreadyDone() && r.documentsBefore() > 0) {
                LOG.info("{} partition {}: attempt {} on executor {} continued after {} document(s) acknowledged earlier",
                        r.namespace(), r.partition(), r.attempt(), r.executorId(), r.documentsBefore());
            }
        }
        LOG.info("{} of {} task(s) continued after an earlier attempt's or run's last acknowledged _id", continued, results.size());
        return results;
    }

    /**
     * The job's work into the driver's meters: documents as the differences between the records before and after it;
     * bytes as the successful task attempts counted them (an attempt that was lost took its count with it).
     */
    private static void record(MetricsCollector metrics, List<NamespaceCheckpoint> prepared, CheckpointStore store,
                               List<TaskResult> results) {
        long bytes = results.stream().mapToLong(TaskResult::bytes).sum();
        metrics.documentsRead(0, bytes);
        metrics.documentsWritten(0, bytes);
        // retries and throttling: each executor's counts for this job as its last finished task saw them (cumulative
        // per JVM, so the latest is the total; an executor that was lost took its counts with it)
        Map<String, TaskResult> latest = new LinkedHashMap<>();
        for (TaskResult r : results) {
            latest.merge(r.executorId(), r, (a, b) -> a.executorThrottledRequests() + a.executorRetries().values().stream()
                    .mapToLong(Long::longValue).sum() >= b.executorThrottledRequests() + b.executorRetries().values().stream()
                    .mapToLong(Long::longValue).sum() ? a : b);
        }
        for (TaskResult r : latest.values()) {
            r.executorRetries().forEach((kind, n) -> {
                for (long i = 0; i < n; i++) {
                    metrics.retry(kind);
                }
            });
            for (long i = 0; i < r.executorThrottledRequests(); i++) {
                metrics.throttled();
            }
            metrics.throttledDocuments(r.executorThrottledDocuments());
        }
        for (NamespaceCheckpoint before : prepared) {
            NamespaceCheckpoint after = NamespaceCheckpoint.load(store, before.plan().source()).orElse(before);
            Map<Integer, PartitionState> start = new LinkedHashMap<>();
            before.partitions().forEach(p -> start.put(p.partition().index(), p.state()));
            long read = 0;
            long held = 0;
            for (PartitionProgress p : after.partitions()) {
                PartitionState s0 = start.get(p.partition().index());
                read += p.documents() - (s0 == null ? 0 : s0.documents());
                held += p.targetDocuments() - (s0 == null ? 0 : s0.targetDocuments());
            }
            metrics.documentsRead(read, 0);
            metrics.documentsWritten(held, 0);
        }
    }

    /** The task: one partition, on an executor, with the executor's context for this job. */
    static final class CopyPartition implements Function<PartitionTask, TaskResult> {

        private static final long serialVersionUID = 1L;
        private final JobSpec job;

        CopyPartition(JobSpec job) {
            this.job = job;
        }

        @Override
        public TaskResult call(PartitionTask task) {
            long start = System.nanoTime();
            ExecutorContext executor = ExecutorContext.of(job);
            PartitionCopy copy = executor.copier.copy(task.source(), task.planFingerprint(), task.index(), executor.store).block();
            TaskContext tc = TaskContext.get();
            SparkEnv env = SparkEnv.get();
            return new TaskResult(task.source().toString(), task.index(), env == null ? "?" : env.executorId(),
                    hostName(),
                    tc == null ? 0 : tc.attemptNumber(), copy.documentsBefore(), copy.documentsAfter(),
                    copy.targetDocumentsBefore(), copy.targetDocumentsAfter(), copy.documentsFailed(), copy.bytes(), copy.alreadyDone(),
                    (System.nanoTime() - start) / 1_000_000, new java.util.TreeMap<>(executor.settings.metrics().retriesByKind()),
                    executor.settings.metrics().throttledRequests(), executor.settings.metrics().throttledDocuments());
        }

        private static String hostName() {
            try {
                return java.net.InetAddress.getLocalHost().getHostName();
            } catch (java.net.UnknownHostException e) {
                return "?";
            }
        }
    }
}
