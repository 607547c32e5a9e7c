/** Helpers of {@code bench/migration.sh} (fill a source, measure a target's raw ingest ceiling); not API. */
package io.dataworks.migrations.bench;
