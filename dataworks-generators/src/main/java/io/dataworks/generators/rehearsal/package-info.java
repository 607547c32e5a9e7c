/**
 * Rehearsal data for migrations: {@link io.dataworks.generators.rehearsal.RehearsalGenerator}, the built-in
 * generator {@code rehearsal} ({@code flexible-generator --torture}). Public API: other modules' tests use it.
 */
package io.dataworks.generators.rehearsal;
