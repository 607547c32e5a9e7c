/**
 * Logback support: {@link io.dataworks.core.logging.MaskingConverter} ({@code %mask}) keeps connection-string
 * passwords out of log lines. Referenced from {@code logback.xml}; not called from code.
 */
package io.dataworks.core.logging;
