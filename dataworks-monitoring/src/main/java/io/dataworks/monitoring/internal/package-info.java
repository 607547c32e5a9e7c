/**
 * Implementation details of {@code io.dataworks.monitoring} (HdrHistogram recording, alert state, Jackson
 * set-up, CSV layout, the page's bounded history, the health rules). Not API: may change without notice.
 */
package io.dataworks.monitoring.internal;
