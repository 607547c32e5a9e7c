/** Built-in migration strategies: {@link io.dataworks.migrations.strategy.CopyStrategy} ({@code copy}, raw bytes). */
package io.dataworks.migrations.strategy;
