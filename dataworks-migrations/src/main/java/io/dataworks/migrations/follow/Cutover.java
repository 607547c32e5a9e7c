package io.dataworks.migrations.follow;

import java.time.Duration;
import java.util.Objects;

/**
 * When following may stop on its own: the lag stayed at or below {@code maxLag} for {@code holdFor}.
 * It says the target is close behind; switching still needs the source's writes stopped first.
 */
public record Cutover(Duration maxLag, Duration holdFor) {

    public Cutover {
        Objects.requireNonNull(maxLag, "maxLag");
        Objects.requireNonNull(holdFor, "holdFor");
        if (maxLag.isNegative() || holdFor.isNegative()) {
            throw new IllegalArgumentException("cut-over durations must not be negative: maxLag " + maxLag + ", holdFor " + holdFor);
        }
    }
}
