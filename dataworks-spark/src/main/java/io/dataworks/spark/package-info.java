/**
 * The migration as a Spark application: {@link io.dataworks.spark.SparkMigrate} (the driver: flexible-migrate's own
 * options and stages, with the copy stage distributed as one Spark task per partition) and what runs on the executors
 * ({@link io.dataworks.spark.PartitionTask}, {@link io.dataworks.spark.ExecutorContext}). Documents never go through
 * Spark: executors read and write the servers directly, raw BSON; Spark carries small partition descriptors.
 */
package io.dataworks.spark;
