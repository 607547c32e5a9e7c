/**
 * Pacing by a learned rate: {@link io.dataworks.core.pacing.Pacer}, one per endpoint, a token bucket whose rate
 * follows the server's throttling answers, and the in-flight count that fills it. Pure (no driver, no I/O),
 * thread-safe. Public API.
 */
package io.dataworks.core.pacing;
