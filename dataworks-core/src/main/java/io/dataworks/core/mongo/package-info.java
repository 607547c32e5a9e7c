/**
 * MongoDB endpoints: {@link io.dataworks.core.mongo.MongoEndpoint} is the one reactive client per source or target,
 * configured for its flavour (Cosmos DB, Atlas, MongoDB). Public API.
 */
package io.dataworks.core.mongo;
