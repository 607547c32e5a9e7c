package io.dataworks.spark;

import java.io.Serializable;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.dataworks.core.DataWorksException;
import io.dataworks.core.ExitCode;
import io.dataworks.migrations.checkpoint.NamespaceCheckpoint;
import io.dataworks.migrations.checkpoint.VerifyRecord.Outcome;
import io.dataworks.migrations.plan.NamespacePlan;
import io.dataworks.migrations.plan.Partition;
import io.dataworks.migrations.verify.Verifier;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Verification's expensive part as a Spark job: each partition's raw-BSON digests of both sides are computed on an
 * executor (one task per partition, reading the servers directly) and only the comparison comes back. The driver's
 * verifier keeps the rest: counts, the verification record, naming the documents of a partition that differs, the
 * result and the report.
 */
final class SparkVerify implements Verifier.PartitionDigests {

    private static final Logger LOG = LoggerFactory.getLogger(SparkVerify.class);

    private final Supplier<JavaSparkContext> context;
    private final Supplier<JobSpec> spec;

    SparkVerify(Supplier<JavaSparkContext> context, Supplier<JobSpec> spec) {
        this.context = Objects.requireNonNull(context, "context");
        this.spec = Objects.requireNonNull(spec, "spec");
    }

    @Override
    public Mono<List<Outcome>> compare(NamespacePlan plan, List<Partition> partitions) {
        return Mono.fromCallable(() -> {
            String fingerprint = NamespaceCheckpoint.fingerprintOf(plan);
            List<PartitionTask> tasks = partitions.stream()
                    .map(p -> PartitionTask.of(plan.source(), plan.target(), fingerprint, p)).toList();
            JobSpec job = spec.get();
            LOG.info("{}: comparing {} partition(s) as Spark tasks", plan.source(), tasks.size());
            List<Compared> compared = context.get().parallelize(tasks, tasks.size()).map(new ComparePartition(job)).collect();
            return compared.stream().map(Compared::outcome).toList();
        }).subscribeOn(Schedulers.boundedElastic());
    }

    /** One partition's comparison, as it travels back to the driver. */
    record Compared(int index, boolean match, long sourceCount, long targetCount) implements Serializable {

        private static final long serialVersionUID = 1L;

        Outcome outcome() {
            return new Outcome(index, match, sourceCount, targetCount, 0, 0, 0);
        }
    }

    /** The task: one partition's digests of both sides, on an executor. */
    static final class ComparePartition implements Function<PartitionTask, Compared> {

        private static final long serialVersionUID = 1L;
        private final JobSpec job;

        ComparePartition(JobSpec job) {
            this.job = job;
        }

        @Override
        public Compared call(PartitionTask task) {
            ExecutorContext executor = ExecutorContext.of(job);
            NamespaceCheckpoint stored = NamespaceCheckpoint.load(executor.store, task.source()).orElseThrow(() ->
                    new DataWorksException(ExitCode.FAILED, "no copy record of " + task.source() + " in "
                            + executor.store.location() + ": verification compares along the copy's stored plan"));
            if (!stored.header().planFingerprint().equals(task.planFingerprint())) {
                throw new DataWorksException(ExitCode.FAILED, "the stored plan of " + task.source()
                        + " is not the one the driver verifies along (another run replaced it)");
            }
            NamespacePlan plan = stored.plan();
            Partition partition = plan.partitions().get(task.index());
            Outcome outcome = Verifier.compareDigests(partition, executor.source().collection(plan.source()),
                    executor.target().collection(plan.target()), executor.settings.strategy().sourceFilter(plan.source()),
                    executor.settings.sourceBatchSize(), executor.source().requests(), executor.target().requests()).block();
            return new Compared(outcome.index(), outcome.match(), outcome.sourceCount(), outcome.targetCount());
        }
    }
}
