package io.dataworks.migrations.internal;

import io.dataworks.migrations.MigrationSettings;
import io.dataworks.migrations.endpoint.Endpoint;
import io.dataworks.migrations.endpoint.Pacing;

/**
 * The two endpoints of a migration as the settings describe them: the retry policy, the request timeout and a pacing
 * of their own (learned, or fixed with {@code --no-pacing}): the source's sized by the cursors read at once, the
 * target's by the bulk writes in flight. Each call makes new endpoints, so each caller (an engine per run, a copier
 * per process) paces alone.
 */
final class Endpoints {

    private Endpoints() {
    }

    static Endpoint source(MigrationSettings settings) {
        return Endpoint.of("source", settings.source(), settings.retryPolicy(), settings.metrics(), settings.requestTimeout(),
                pacing(settings, settings.parallelCursors()));
    }

    static Endpoint target(MigrationSettings settings) {
        return Endpoint.of("target", settings.target(), settings.retryPolicy(), settings.metrics(), settings.requestTimeout(),
                pacing(settings, settings.insertWorkers()));
    }

    private static Pacing pacing(MigrationSettings settings, int inFlight) {
        return settings.adaptivePacing() ? Pacing.adaptive(inFlight) : Pacing.fixed(inFlight);
    }
}
