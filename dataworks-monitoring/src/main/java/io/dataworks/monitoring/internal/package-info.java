/**
 * Implementation details of {@code io.dataworks.monitoring} (HdrHistogram recording, alert state, Jackson
 * set-up, CSV layout). Not API: may change without notice.
 */
package io.dataworks.monitoring.internal;
