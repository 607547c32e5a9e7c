package io.dataworks.migrations.plan.internal;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.dataworks.migrations.plan.PartitionContext;
import io.dataworks.migrations.plan.Partition;
import io.dataworks.migrations.plan.Partitioner;
import reactor.core.publisher.Mono;

/** The last resort that always works: one cursor per type bracket (one in all for a single bracket). */
public final class FullRangePartitioner implements Partitioner {

    public static final String NAME = "single";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Mono<Optional<List<Partition>>> partition(PartitionContext context) {
        return Mono.just(Optional.of(Ranges.build(context.brackets(), Map.of())));
    }
}
