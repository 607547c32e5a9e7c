/**
 * Configuration: {@link io.dataworks.core.config.ConfigLoader} reads the {@code FRAMEWORK_*} keys
 * ({@link io.dataworks.core.config.ConfigKeys}) from CLI overrides, system properties, the environment and
 * {@code .env_local}, checks them once, and hands out immutable records per concern
 * ({@link io.dataworks.core.config.EndpointConfig}, {@link io.dataworks.core.config.WorkerConfig},
 * {@link io.dataworks.core.config.RetryConfig}). Every error is a {@link io.dataworks.core.config.ConfigException}
 * naming the key and the flag; connection strings are held as {@link io.dataworks.core.config.MongoUri}, which masks
 * its password. All public API.
 */
package io.dataworks.core.config;
