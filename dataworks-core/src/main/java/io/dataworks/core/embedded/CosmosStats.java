package io.dataworks.core.embedded;

/**
 * What the embedded server's Cosmos mode has counted since it started (see {@link EmbeddedMongo.Builder#cosmosBudget}).
 *
 * @param requests           metered requests received (reads and writes; handshakes, metadata commands and
 *                           {@code getLastRequestStatistics} are not metered)
 * @param throttledRequests  requests that got any 16500: refused whole, or inserts written only in part
 * @param partialRequests    of those, inserts written in part (the rest answered with per-document 16500 errors)
 * @param throttledDocuments documents refused: every document of an insert refused whole, and the refused rest of
 *                           the partial ones
 * @param documentsAccepted  documents admitted to an insert (a duplicate key among them still fails as usual)
 * @param requestUnits       request units charged
 * @param unusedRequestUnits request units the budget refilled while its bucket was full: throughput no client used.
 *                           Over a time span, {@code 1 - (unused + rise of available) / (budget × span)} is the share
 *                           of the budget used, whatever the bucket held at the start
 * @param availableRequestUnits request units in the bucket now (negative: in debt)
 */
public record CosmosStats(long requests, long throttledRequests, long partialRequests, long throttledDocuments,
                          long documentsAccepted, double requestUnits, double unusedRequestUnits,
                          double availableRequestUnits) {
}
