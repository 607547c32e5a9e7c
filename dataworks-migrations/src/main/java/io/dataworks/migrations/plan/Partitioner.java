package io.dataworks.migrations.plan;

import java.util.List;
import java.util.Optional;

import reactor.core.publisher.Mono;

/**
 * One way of splitting a collection into {@code _id} ranges. The {@link Planner} tries a chain of them
 * and keeps the first non-empty answer.
 *
 * <p>Contract: the returned partitions, read with {@link Partition#filter()}, cover every document of
 * the collection exactly once (per {@link PartitionContext#brackets() type bracket}: ranges in BSON
 * order, the first unbounded below and the last unbounded above), and are numbered 0..n-1.
 * {@link Optional#empty()} means "not applicable here, try the next one" (command missing, not
 * authorised, no usable data). An error is logged at WARN by the planner, which then tries the next one
 * too; only a configuration error ({@code DataWorksException} with exit code {@code USAGE}) fails the plan.
 * Read the source through {@link PartitionContext#reads()}, so that throttled reads are retried.
 */
public interface Partitioner {

    /** The name recorded in the plan ({@code splitVector}, {@code sample}, {@code objectIdTime}, {@code single}). */
    String name();

    Mono<Optional<List<Partition>>> partition(PartitionContext context);
}
