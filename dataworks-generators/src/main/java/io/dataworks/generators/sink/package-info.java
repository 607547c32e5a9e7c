/**
 * Where generated documents go: the {@link io.dataworks.generators.sink.DocumentSink} contract and its
 * implementations, a MongoDB collection ({@link io.dataworks.generators.sink.MongoCollectionSink}) and
 * JSON Lines in relaxed Extended JSON ({@link io.dataworks.generators.sink.JsonLinesSink}, file or stdout).
 * The encoders ({@code BsonEncoder}, {@code JsonLineEncoder}) are package-private implementation.
 */
package io.dataworks.generators.sink;
