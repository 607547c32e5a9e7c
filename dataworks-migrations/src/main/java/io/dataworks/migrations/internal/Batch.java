package io.dataworks.migrations.internal;

import java.util.List;

import org.bson.BsonValue;
import org.bson.RawBsonDocument;

import io.dataworks.migrations.checkpoint.PartitionProgress;
import io.dataworks.migrations.document.DocumentStage;

/**
 * Documents of one partition written together. {@code lastSourceId} is the {@code _id} of the last
 * source document the batch covers (what the checkpoint records once the batch is acknowledged); with a
 * transforming strategy {@code documents} may hold more or fewer documents than {@code sourceDocuments}, and
 * {@code refused} holds what the document stage refused (too large) before the batch was cut, to be dead-lettered.
 */
record Batch(NamespaceRun namespace, PartitionProgress progress, long sequence, BsonValue lastSourceId,
             int sourceDocuments, List<RawBsonDocument> documents, long bytes, List<DocumentStage.Refused> refused) {
}
