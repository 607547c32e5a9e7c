package io.dataworks.generators;

/**
 * What a generation run is, for a generator's lifecycle hooks.
 *
 * @param seed  the run's seed (printed in the report, so the run can be repeated)
 * @param total the number of documents the run produces
 */
public record GenerationContext(long seed, long total) {
}
