package io.dataworks.spark;

import java.io.Serializable;

/**
 * What one successful task attempt did, sent back to the driver: how the work divided across executors.
 *
 * @param documentsBefore source documents the partition's records held acknowledged when the attempt started (an
 *                        earlier attempt's or run's work)
 * @param documentsAfter  ... when it ended (the partition is done)
 * @param attempt         Spark's attempt number of the task (0 = first)
 * @param bytes           bytes of the batches this attempt wrote and the target acknowledged
 * @param executorRetries retries by kind of this job in the executor's JVM so far (all its tasks, cumulative)
 * @param executorThrottledRequests  requests the servers refused for lack of capacity, likewise
 * @param executorThrottledDocuments documents those requests carried, likewise
 */
public record TaskResult(String namespace, int partition, String executorId, String host, int attempt,
                         long documentsBefore, long documentsAfter, long targetDocumentsBefore, long targetDocumentsAfter,
                         long documentsFailed, long bytes, boolean alreadyDone, long millis,
                         java.util.Map<String, Long> executorRetries, long executorThrottledRequests,
                         long executorThrottledDocuments) implements Serializable {

    private static final long serialVersionUID = 1L;

    /** Source documents this attempt copied. */
    public long documents() {
        return documentsAfter - documentsBefore;
    }
}
