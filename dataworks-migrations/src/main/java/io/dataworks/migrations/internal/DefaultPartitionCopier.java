package io.dataworks.migrations.internal;

import java.util.Objects;

import org.bson.RawBsonDocument;

import io.dataworks.core.DataWorksException;
import io.dataworks.core.ExitCode;
import io.dataworks.migrations.MigrationSettings;
import io.dataworks.migrations.Namespace;
import io.dataworks.migrations.PartitionCopier;
import io.dataworks.migrations.checkpoint.CheckpointStore;
import io.dataworks.migrations.checkpoint.DeadLetters;
import io.dataworks.migrations.checkpoint.NamespaceCheckpoint;
import io.dataworks.migrations.checkpoint.PartitionProgress;
import io.dataworks.migrations.checkpoint.PartitionState;
import io.dataworks.migrations.document.DocumentStage;
import io.dataworks.migrations.endpoint.Endpoint;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/** The copier; see {@link PartitionCopier}. The same reader, document stage and writer as {@link DefaultMigrationEngine}. */
public final class DefaultPartitionCopier implements PartitionCopier {

    private final MigrationSettings settings;
    private final Endpoint source;
    private final Endpoint target;
    private final DocumentStage stage;
    private final PartitionReader reader;
    /** The dead letters of each store this copier was given (the store keeps them: a file, or its database). */
    private final java.util.Map<CheckpointStore, DeadLetters> deadLetters = new java.util.concurrent.ConcurrentHashMap<>();

    public DefaultPartitionCopier(MigrationSettings settings) {
        this.settings = Objects.requireNonNull(settings, "settings");
        // one pacing per server and process, as the engine has per run: every partition this copier copies at once shares it
        this.source = Endpoints.source(settings);
        this.target = Endpoints.target(settings);
        this.stage = DocumentStage.create(settings.strategy(), settings.targetMaxDocumentBytes());
        this.reader = new PartitionReader(settings, source.requests(), source.pacing(), stage);
    }

    @Override
    public Mono<PartitionCopy> copy(Namespace sourceNs, String planFingerprint, int partitionIndex, CheckpointStore store) {
        Objects.requireNonNull(sourceNs, "source");
        Objects.requireNonNull(planFingerprint, "planFingerprint");
        Objects.requireNonNull(store, "store");
        return Mono.fromCallable(() -> load(sourceNs, planFingerprint, store))
                .subscribeOn(Schedulers.boundedElastic())
                .flatMap(checkpoint -> copy(checkpoint, partitionIndex, store));
    }

    private static NamespaceCheckpoint load(Namespace sourceNs, String planFingerprint, CheckpointStore store) {
        NamespaceCheckpoint checkpoint = NamespaceCheckpoint.load(store, sourceNs).orElseThrow(() -> new DataWorksException(
                ExitCode.FAILED, "no copy record of " + sourceNs + " in " + store.location() + ": the driver stores the plan "
                + "before it hands out partitions; was the store deleted meanwhile?"));
        if (!checkpoint.header().planFingerprint().equals(planFingerprint)) {
            throw new DataWorksException(ExitCode.FAILED, "the copy record of " + sourceNs + " in " + store.location()
                    + " holds another plan than this job's (another run replaced it, e.g. with --fresh): not copying along it");
        }
        return checkpoint;
    }

    private Mono<PartitionCopy> copy(NamespaceCheckpoint checkpoint, int partitionIndex, CheckpointStore store) {
        PartitionProgress stored = checkpoint.partitions().stream().filter(p -> p.partition().index() == partitionIndex)
                .findFirst().orElseThrow(() -> new DataWorksException(ExitCode.FAILED, checkpoint.plan().source()
                        + " has no partition " + partitionIndex + " in its plan"));
        PartitionState before = stored.state();
        Namespace sourceNs = checkpoint.plan().source();
        if (before.done()) {
            return Mono.just(new PartitionCopy(sourceNs, partitionIndex, before.documents(), before.documents(),
                    before.targetDocuments(), before.targetDocuments(), 0, 0, false, true));
        }
        // a progress of our own: batches are numbered from 0 within this attempt
        PartitionProgress progress = new PartitionProgress(stored.partition(), before.lastId(), before.documents(),
                before.targetDocuments(), false);
        Namespace targetNs = checkpoint.plan().target();
        NamespaceRun run = new NamespaceRun(new io.dataworks.migrations.NamespaceMapping(sourceNs, targetNs),
                settings.source().getDatabase(sourceNs.database()).getCollection(sourceNs.collection(), RawBsonDocument.class),
                settings.target().getDatabase(targetNs.database()).getCollection(targetNs.collection(), RawBsonDocument.class),
                settings.metrics().forNamespace(sourceNs.toString()), checkpoint);
        DeadLetters deadLetter = deadLetters.computeIfAbsent(store, s -> {
            DeadLetters opened = s.deadLetters(settings.errors().deadLetter());
            opened.load();
            return opened;
        });
        ErrorBudget budget = new ErrorBudget(settings.errorStrategy(), settings.maxErrors(), deadLetter.describe());
        BatchWriter writer = new BatchWriter(settings, target.requests(), deadLetter, budget, stage);
        String fingerprint = checkpoint.header().planFingerprint();
        java.util.concurrent.atomic.AtomicLong bytes = new java.util.concurrent.atomic.AtomicLong();
        Runnable save = () -> {
            // under the progress' lock: a later state is never overtaken by an earlier one
            synchronized (progress) {
                store.writePartition(sourceNs, fingerprint, progress.state());
            }
        };
        return reader.read(run, progress)
                .flatMap(batch -> writer.write(batch).doOnNext(held -> {
                    progress.acknowledge(batch.sequence(), batch.lastSourceId(), batch.sourceDocuments(), held);
                    bytes.addAndGet(batch.bytes());
                }), settings.insertWorkers(), 1)
                // the store is written off the driver's threads, one batch after the other
                .publishOn(Schedulers.boundedElastic())
                .doOnNext(held -> save.run())
                .then(Mono.fromCallable(() -> {
                    save.run();
                    PartitionState after = progress.state();
                    if (!after.done()) {
                        throw new DataWorksException(ExitCode.FAILED, sourceNs + " partition " + partitionIndex
                                + ": the read ended but not every batch was acknowledged");
                    }
                    return new PartitionCopy(sourceNs, partitionIndex, before.documents(), after.documents(),
                            before.targetDocuments(), after.targetDocuments(), budget.failed(), bytes.get(), before.lastId() != null,
                            false);
                }).subscribeOn(Schedulers.boundedElastic()));
    }

    @Override
    public Endpoint source() {
        return source;
    }

    @Override
    public Endpoint target() {
        return target;
    }

    @Override
    public void close() {
        deadLetters.values().forEach(DeadLetters::close);
    }
}
