/**
 * Monitoring of DataWorks runs: {@link io.dataworks.monitoring.MetricsCollector} (what engines record into),
 * {@link io.dataworks.monitoring.PerformanceSnapshot}s sampled by a {@link io.dataworks.monitoring.PerformanceMonitor},
 * {@link io.dataworks.monitoring.AlertRule}s, the {@link io.dataworks.monitoring.RunReport},
 * {@link io.dataworks.monitoring.MetricsExporter} (JSON/CSV), the {@link io.dataworks.monitoring.ProgressReporter},
 * the {@link io.dataworks.monitoring.PrometheusServer} (metrics, truthful {@link io.dataworks.monitoring.Health},
 * the progress API and the live page), {@link io.dataworks.monitoring.RunProgress} (where a run is: stages,
 * namespaces, follow lag, cut-over; its {@link io.dataworks.monitoring.ProgressView} is the API's answer), the
 * end-of-run {@link io.dataworks.monitoring.RunSummary}, and {@link io.dataworks.monitoring.MonitoringSession},
 * the one facade the CLIs use. Everything here is public API; {@code io.dataworks.monitoring.internal} is not.
 */
package io.dataworks.monitoring;
