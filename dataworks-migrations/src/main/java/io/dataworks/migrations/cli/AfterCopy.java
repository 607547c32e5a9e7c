package io.dataworks.migrations.cli;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.bson.RawBsonDocument;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.mongodb.reactivestreams.client.MongoClient;
import com.mongodb.reactivestreams.client.MongoCollection;

import io.dataworks.migrations.MigrationSettings;
import io.dataworks.migrations.Namespace;
import io.dataworks.migrations.follow.ChangeFollower;
import io.dataworks.migrations.follow.Cutover;
import io.dataworks.migrations.follow.DeleteReconciler;
import io.dataworks.migrations.follow.FollowHandle;
import io.dataworks.migrations.follow.FollowOptions;
import io.dataworks.migrations.follow.FollowResult;
import io.dataworks.migrations.plan.NamespacePlan;
import io.dataworks.migrations.verify.VerificationResult;
import io.dataworks.migrations.verify.Verifier;
import io.dataworks.migrations.verify.VerifyOptions;
import io.dataworks.monitoring.RunReport;
import io.micrometer.core.instrument.Clock;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The steps that prove and keep the copy: the change-stream start point captured before the copy
 * ({@code --follow}), verification after it ({@code --verify}, {@code --verify-only}), deleting what the
 * source no longer has ({@code --reconcile-deletes}) and following until Ctrl-C or cut-over ({@code --follow}).
 */
final class AfterCopy {

    private static final Logger LOG = LoggerFactory.getLogger(AfterCopy.class);

    /** Which steps run; {@code cutover} is {@code null} to follow until Ctrl-C. */
    record Steps(boolean verify, boolean reconcileDeletes, boolean follow, Cutover cutover, boolean cosmosSource) {

        boolean any() {
            return verify || reconcileDeletes || follow;
        }
    }

    private final MigrationSettings settings;
    private final Steps steps;

    AfterCopy(MigrationSettings settings, Steps steps) {
        this.settings = settings;
        this.steps = steps;
    }

    Steps steps() {
        return steps;
    }

    /** Before the copy: where following will start (kept from an earlier run when there is one). */
    void captureFollowStart(List<NamespacePlan> plans) {
        if (steps.follow()) {
            follower().capture(settings.source(), mapping(plans)).block();
        }
    }

    /** Counts and content of every namespace; the details per namespace go to the report. */
    RunReport.Verification verify(List<NamespacePlan> plans, RunReport.Builder report) {
        VerifyOptions options = VerifyOptions.defaults(settings.checkpointDir())
                .withParallelism(settings.parallelCursors())
                .withBatchSize(settings.sourceBatchSize())
                .withResume(!settings.fresh())
                .withStrategy(settings.strategy());
        List<VerificationResult> results = Flux.fromIterable(plans)
                .concatMap(plan -> Verifier.create().verify(plan, collection(settings.source(), plan.source()),
                        collection(settings.target(), plan.target()), options))
                .collectList()
                .block();
        report.detail("verification", results.stream().map(VerificationResult::toReportDetails).toList());
        return VerificationResult.combine(results).toReport();
    }

    void reconcileDeletes(List<NamespacePlan> plans, RunReport.Builder report) {
        Map<String, Long> deleted = new LinkedHashMap<>();
        DeleteReconciler reconciler = DeleteReconciler.create(settings.batchSize(), settings.parallelCursors());
        for (NamespacePlan plan : plans) {
            DeleteReconciler.Result r = reconciler.reconcile(plan, collection(settings.source(), plan.source()),
                    collection(settings.target(), plan.target())).block();
            deleted.put(plan.target().toString(), r.deleted());
        }
        report.detail("reconciledDeletes", deleted); // after following, the second pass's counts replace the first's
    }

    /** Follows until {@code stop} completes (Ctrl-C) or the cut-over condition holds; returns the summary. */
    FollowResult follow(List<NamespacePlan> plans, Mono<Void> stop, RunReport.Builder report) {
        FollowHandle handle = follower().start(settings.source(), settings.target(), mapping(plans));
        stop.subscribe(null, e -> handle.stop(), handle::stop);
        FollowResult result = handle.result().block();
        report.detail("follow", result.toReportDetails());
        return result;
    }

    private ChangeFollower follower() {
        FollowOptions options = FollowOptions.defaults(settings.checkpointDir())
                .withCosmos(steps.cosmosSource())
                .withCutover(steps.cutover());
        return ChangeFollower.create(options, Clock.SYSTEM, settings.metrics()::gauge, settings.retryPolicy()::apply);
    }

    private static Map<Namespace, Namespace> mapping(List<NamespacePlan> plans) {
        Map<Namespace, Namespace> m = new LinkedHashMap<>();
        plans.forEach(p -> m.put(p.source(), p.target()));
        return m;
    }

    private static MongoCollection<RawBsonDocument> collection(MongoClient client, Namespace ns) {
        return client.getDatabase(ns.database()).getCollection(ns.collection(), RawBsonDocument.class);
    }

    static Cutover cutover(Double maxLagSeconds, double holdSeconds) {
        if (maxLagSeconds == null) {
            return null;
        }
        return new Cutover(Duration.ofMillis((long) (maxLagSeconds * 1000)), Duration.ofMillis((long) (holdSeconds * 1000)));
    }
}
