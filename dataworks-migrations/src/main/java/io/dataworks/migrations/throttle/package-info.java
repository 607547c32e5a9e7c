/**
 * Adaptive (AIMD) concurrency for requests to a server that rate-limits: {@link
 * io.dataworks.migrations.throttle.AdaptiveConcurrencyLimiter} hands out permits without blocking a
 * thread, lowers the limit multiplicatively when requests are throttled or time out and raises it
 * additively while they succeed. One limiter per direction (target writes, source reads).
 */
package io.dataworks.migrations.throttle;
