package io.dataworks.migrations.follow;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * How changes are followed.
 *
 * @param checkpointDir  where {@code follow-<ns>.json} (start point, resume token, counts) is kept
 * @param batchSize      changes applied per bulk write at most
 * @param batchTimeout   a partial batch is applied after this long
 * @param cosmos         Cosmos DB flavour: its change streams need a {@code $match} on insert/update/replace and a
 *                       {@code $project} of {@code _id, fullDocument, ns, documentKey}, carry no deletes and no
 *                       {@code clusterTime} (lag is then measured from when an event was received)
 * @param startMargin    when the server reports no {@code operationTime}, the change stream starts this long before
 *                       the server's clock said "now" (replaying a few seconds is harmless: applying is idempotent)
 * @param sampleInterval how often lag is published and the cut-over condition checked
 * @param cutover        stop on its own when this holds, or {@code null} to run until stopped
 * @param maxEvents      stop after this many events (0: no limit), e.g. to apply a backlog in slices
 */
public record FollowOptions(Path checkpointDir, int batchSize, Duration batchTimeout, boolean cosmos, Duration startMargin,
                            Duration sampleInterval, Cutover cutover, long maxEvents) {

    public FollowOptions {
        Objects.requireNonNull(checkpointDir, "checkpointDir");
        Objects.requireNonNull(batchTimeout, "batchTimeout");
        Objects.requireNonNull(startMargin, "startMargin");
        Objects.requireNonNull(sampleInterval, "sampleInterval");
        if (batchSize < 1) {
            throw new IllegalArgumentException("batchSize must be >= 1, was " + batchSize);
        }
        if (maxEvents < 0) {
            throw new IllegalArgumentException("maxEvents must be >= 0, was " + maxEvents);
        }
    }

    public static FollowOptions defaults(Path checkpointDir) {
        return new FollowOptions(checkpointDir, 500, Duration.ofMillis(200), false, Duration.ofSeconds(2), Duration.ofSeconds(1), null, 0);
    }

    public FollowOptions withBatchSize(int value) {
        return new FollowOptions(checkpointDir, value, batchTimeout, cosmos, startMargin, sampleInterval, cutover, maxEvents);
    }

    public FollowOptions withBatchTimeout(Duration value) {
        return new FollowOptions(checkpointDir, batchSize, value, cosmos, startMargin, sampleInterval, cutover, maxEvents);
    }

    public FollowOptions withCosmos(boolean value) {
        return new FollowOptions(checkpointDir, batchSize, batchTimeout, value, startMargin, sampleInterval, cutover, maxEvents);
    }

    public FollowOptions withStartMargin(Duration value) {
        return new FollowOptions(checkpointDir, batchSize, batchTimeout, cosmos, value, sampleInterval, cutover, maxEvents);
    }

    public FollowOptions withSampleInterval(Duration value) {
        return new FollowOptions(checkpointDir, batchSize, batchTimeout, cosmos, startMargin, value, cutover, maxEvents);
    }

    public FollowOptions withCutover(Cutover value) {
        return new FollowOptions(checkpointDir, batchSize, batchTimeout, cosmos, startMargin, sampleInterval, value, maxEvents);
    }

    public FollowOptions withMaxEvents(long value) {
        return new FollowOptions(checkpointDir, batchSize, batchTimeout, cosmos, startMargin, sampleInterval, cutover, value);
    }
}
