package io.dataworks.generators.template.internal;

import java.util.random.RandomGenerator;

/**
 * One compiled piece of a template. Nodes are immutable and shared by every thread; all per-document
 * state lives in the {@link GenContext} and the random source handed in.
 */
@FunctionalInterface
public interface Node {

    /** Returned by a node whose field must be left out of the document ({@code $missing}, {@code missingRate}). */
    Object MISSING = new Object() {
        @Override
        public String toString() {
            return "$missing";
        }
    };

    /** The value for the current document: a BSON-friendly Java value, {@code null} or {@link #MISSING}. */
    Object generate(RandomGenerator random, GenContext ctx);

    /** True when {@link #generate} always returns the same immutable value and draws nothing. */
    default boolean isConstant() {
        return false;
    }
}
