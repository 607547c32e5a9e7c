/**
 * Document generation: the generator SPI ({@link io.dataworks.generators.DocumentGenerator}, found with
 * {@code ServiceLoader}) and the engine that runs one ({@link io.dataworks.generators.GenerationEngine},
 * configured by the immutable {@link io.dataworks.generators.GenerationSettings}). Public API here and in
 * {@code ...generators.sink} (where documents go) and {@code ...generators.template} (JSON templates);
 * {@code ...generators.internal} may change without notice.
 */
package io.dataworks.generators;
