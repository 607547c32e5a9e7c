package io.dataworks.generators.sink;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import de.bwaldvogel.mongo.bson.Document;
import de.bwaldvogel.mongo.wire.message.MongoMessage;

/**
 * An in-memory backend that, like Cosmos DB under load, accepts part of an unordered insert and answers
 * 16500 TooManyRequests for the other documents in {@code writeErrors}: every third document of an
 * insert is refused (at most {@code maxRefusals} times in all), the rest is inserted.
 */
final class PerDocumentThrottlingBackend extends MemoryBackend {

    private final AtomicLong refusals = new AtomicLong();
    private final long maxRefusals;

    PerDocumentThrottlingBackend(long maxRefusals) {
        this.maxRefusals = maxRefusals;
    }

    long refusals() {
        return refusals.get();
    }

    @Override
    public Document handleMessage(MongoMessage message) {
        Document command = message.getDocument();
        if (!"insert".equals(command.keySet().iterator().next()) || refusals.get() >= maxRefusals) {
            return super.handleMessage(message);
        }
        @SuppressWarnings("unchecked")
        List<Object> documents = (List<Object>) command.get("documents");
        List<Object> accepted = new ArrayList<>();
        List<Integer> acceptedIndex = new ArrayList<>();
        List<Document> errors = new ArrayList<>();
        for (int i = 0; i < documents.size(); i++) {
            if (i % 3 == 2 && refusals.incrementAndGet() <= maxRefusals) {
                errors.add(new Document("index", i).append("code", 16500)
                        .append("errmsg", "Error=16500, RetryAfterMs=1, Details='Request rate is large'"));
            } else {
                accepted.add(documents.get(i));
                acceptedIndex.add(i);
            }
        }
        command.put("documents", accepted);
        Document response = super.handleMessage(message);
        @SuppressWarnings("unchecked")
        List<Document> backendErrors = (List<Document>) response.get("writeErrors");
        if (backendErrors != null) {
            for (Document error : backendErrors) { // the backend numbered the accepted documents only
                error.put("index", acceptedIndex.get(((Number) error.get("index")).intValue()));
                errors.add(error);
            }
        }
        if (!errors.isEmpty()) {
            errors.sort((a, b) -> Integer.compare(((Number) a.get("index")).intValue(), ((Number) b.get("index")).intValue()));
            response.put("writeErrors", errors);
        }
        return response;
    }
}
