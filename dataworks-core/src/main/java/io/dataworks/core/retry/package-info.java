/**
 * One retry policy for every MongoDB request ({@link io.dataworks.core.retry.RetryPolicy}): throttled and
 * transient failures are retried with backoff that honours Cosmos DB's RetryAfterMs, every retry is reported
 * to a {@link io.dataworks.core.retry.RetryListener}. Public API.
 */
package io.dataworks.core.retry;
