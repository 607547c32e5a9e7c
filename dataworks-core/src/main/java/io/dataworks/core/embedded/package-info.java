/**
 * The embedded, in-memory MongoDB wire-protocol server ({@link io.dataworks.core.embedded.EmbeddedMongo}) used by
 * the demo, the tests and the benchmarks, with an optional Cosmos DB-like throttling mode. Public API:
 * {@code EmbeddedMongo}; the backend class is internal.
 */
package io.dataworks.core.embedded;
