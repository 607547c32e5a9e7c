/**
 * The embedded, in-memory MongoDB wire-protocol server ({@link io.dataworks.core.embedded.EmbeddedMongo}) used by
 * the demo, the tests and the benchmarks, with optional Cosmos DB-like throttling (random refusals, a write budget,
 * and the Cosmos mode: a request-unit budget with partial bulk inserts and {@code getLastRequestStatistics}). Public
 * API: {@code EmbeddedMongo}, {@code CosmosStats}, {@code CosmosRequestUnits}; the backend classes are internal.
 */
package io.dataworks.core.embedded;
