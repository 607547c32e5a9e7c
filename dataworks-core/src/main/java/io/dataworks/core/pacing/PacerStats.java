package io.dataworks.core.pacing;

/**
 * A {@link Pacer}'s state and counts, for reports and meters.
 *
 * @param rate              units per second it lets through now
 * @param inFlightLimit     requests it suggests keeping in flight
 * @param increases         epochs that raised the rate
 * @param decreases         cuts
 * @param reverts           cuts undone because refusals did not follow the rate (a server that refuses at random)
 * @param noiseShare        the refused share it has learned to expect whatever the rate
 * @param answers           answers reported ({@code onSuccess} + {@code onThrottled})
 * @param throttledAnswers  of those, throttled (refused whole or in part)
 * @param sentUnits         units in the requests answered
 * @param refusedUnits      of those, refused
 */
public record PacerStats(double rate, int inFlightLimit, long increases, long decreases, long reverts, double noiseShare,
                         long answers, long throttledAnswers, long sentUnits, long refusedUnits) {
}
