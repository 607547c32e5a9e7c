package io.dataworks.monitoring;

import java.util.Objects;

/**
 * What {@code /health} answers: {@code 200 UP}, or {@code 503 DOWN: reason}.
 *
 * @param up     the run is making progress (or has nothing to make yet)
 * @param reason why it is down, e.g. {@code every write failed in the last 10 s (1,200 failed, none written)};
 *               empty when up
 */
public record Health(boolean up, String reason) {

    public static final Health UP = new Health(true, "");

    public Health {
        Objects.requireNonNull(reason, "reason");
    }

    public static Health down(String reason) {
        return new Health(false, Objects.requireNonNull(reason, "reason"));
    }

    /** The body of the HTTP answer: {@code UP} or {@code DOWN: reason}. */
    public String body() {
        return up ? "UP" : reason.isEmpty() ? "DOWN" : "DOWN: " + reason;
    }
}
