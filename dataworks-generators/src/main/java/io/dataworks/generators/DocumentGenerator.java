package io.dataworks.generators;

import java.util.random.RandomGenerator;

import org.bson.Document;

/**
 * The generator SPI. An implementation produces document {@code i} of a run from a random source the
 * engine seeds from {@code (seed, i)} alone, so the output does not depend on the number of workers or
 * on the batch size.
 *
 * <p>Implementations are found with {@link java.util.ServiceLoader} (on the classpath and in
 * {@code --plugins DIR}) and selected by {@link #name()}. {@link #generate} is called from several
 * threads at once: it must not keep mutable state between calls.
 */
public interface DocumentGenerator {

    /** The name users select it by ({@code --generator NAME}); unique among the loaded generators. */
    String name();

    /** One line for {@code --help} listings. */
    default String description() {
        return "";
    }

    /** Called once before the first document; {@code context} says what the run is. */
    default void onStart(GenerationContext context) {
    }

    /**
     * Document {@code index} of the run. Must depend only on {@code index} and the values drawn from
     * {@code random}, which the engine seeds from {@code (seed, index)} and hands to this call alone.
     */
    Document generate(long index, RandomGenerator random);

    /** Called once after the last document was written, or when the run stops. */
    default void onFinish(GenerationContext context) {
    }
}
