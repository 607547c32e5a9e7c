/**
 * Logback support: {@link io.dataworks.core.logging.CliLogging} configures the CLIs' logging in code, and
 * {@link io.dataworks.core.logging.MaskingConverter} ({@code %mask}) keeps connection-string passwords out of log
 * lines. Both are found by logback (a service, a pattern word); neither is called from code.
 */
package io.dataworks.core.logging;
