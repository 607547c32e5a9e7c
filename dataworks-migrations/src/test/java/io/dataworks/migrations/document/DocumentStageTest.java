package io.dataworks.migrations.document;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.BsonString;
import org.bson.RawBsonDocument;
import org.junit.jupiter.api.Test;

import io.dataworks.core.DataWorksException;
import io.dataworks.core.ExitCode;
import io.dataworks.migrations.MigrationStrategy;
import io.dataworks.migrations.Namespace;
import io.dataworks.migrations.strategy.CopyStrategy;

class DocumentStageTest {

    private static final Namespace NS = new Namespace("shop", "orders");

    /** Renames {@code status} to {@code state}; drops cancelled orders; counts its calls. */
    private static final class Renaming implements MigrationStrategy {
        final AtomicInteger calls = new AtomicInteger();

        @Override
        public String name() {
            return "renaming";
        }

        @Override
        public BsonDocument sourceFilter(Namespace source) {
            return BsonDocument.parse("{amount: {$gte: 10}}");
        }

        @Override
        public List<BsonDocument> transform(BsonDocument document, Namespace source) {
            calls.incrementAndGet();
            if ("cancelled".equals(document.getString("status").getValue())) {
                return List.of();
            }
            BsonDocument out = document.clone();
            out.put("state", out.remove("status"));
            return List.of(out);
        }
    }

    @Test
    void aStrategyThatDoesNotTransformPassesTheRawBytesThroughUndecoded() {
        DocumentStage stage = DocumentStage.create(new CopyStrategy(), 1024);
        RawBsonDocument doc = RawBsonDocument.parse("{_id: 1, status: 'new'}");

        DocumentStage.Result result = stage.apply(doc, NS);

        assertThat(stage.runsPluginCode()).isFalse();
        assertThat(result.documents()).singleElement().isSameAs(doc);
        assertThat(result.refused()).isEmpty();
        assertThat(result.bytes()).isEqualTo(DocumentStage.size(doc)).isEqualTo(result.sourceBytes());
        assertThat(result.sourceId()).isEqualTo(new BsonInt32(1));
    }

    @Test
    void aTransformingStrategyRewritesTheDocumentOrDropsIt() {
        Renaming strategy = new Renaming();
        DocumentStage stage = DocumentStage.create(strategy, 1024);

        DocumentStage.Result kept = stage.apply(RawBsonDocument.parse("{_id: 1, status: 'new', amount: 12}"), NS);
        DocumentStage.Result dropped = stage.apply(RawBsonDocument.parse("{_id: 2, status: 'cancelled', amount: 12}"), NS);

        assertThat(stage.runsPluginCode()).isTrue();
        assertThat(kept.documents()).singleElement().satisfies(d ->
                assertThat(d.toJson()).isEqualTo(BsonDocument.parse("{_id: 1, amount: 12, state: 'new'}").toJson()));
        assertThat(kept.dropped()).isFalse();
        assertThat(dropped.documents()).isEmpty();
        assertThat(dropped.dropped()).isTrue();
        assertThat(strategy.calls).hasValue(2);
    }

    @Test
    void aDocumentLargerThanTheTargetAllowsIsRefusedWithCode10334AndAReason() {
        DocumentStage stage = DocumentStage.create(new CopyStrategy(), 64);
        RawBsonDocument small = RawBsonDocument.parse("{_id: 1}");
        RawBsonDocument large = new RawBsonDocument(new BsonDocument("_id", new BsonInt32(2)).append("pad", new BsonString("x".repeat(100))),
                new org.bson.codecs.BsonDocumentCodec());

        assertThat(stage.apply(small, NS).refused()).isEmpty();
        DocumentStage.Result result = stage.apply(large, NS);

        assertThat(result.documents()).isEmpty();
        assertThat(result.dropped()).as("refused is not dropped").isFalse();
        assertThat(result.refused()).singleElement().satisfies(r -> {
            assertThat(r.code()).isEqualTo(10334);
            assertThat(r.sourceId()).isEqualTo(new BsonInt32(2));
            assertThat(r.reason()).contains(DocumentStage.size(large) + " bytes", "limit of 64 bytes");
            assertThat(r.document()).isSameAs(large);
        });
    }

    @Test
    void aFailingOrMisbehavingStrategyFailsWithTheNamespaceAndTheId() {
        MigrationStrategy throwing = new MigrationStrategy() {
            @Override
            public String name() {
                return "broken";
            }

            @Override
            public List<BsonDocument> transform(BsonDocument document, Namespace source) {
                throw new IllegalStateException("boom");
            }
        };
        MigrationStrategy noId = new MigrationStrategy() {
            @Override
            public String name() {
                return "no-id";
            }

            @Override
            public List<BsonDocument> transform(BsonDocument document, Namespace source) {
                return List.of(new BsonDocument("x", new BsonInt32(1)));
            }
        };
        RawBsonDocument doc = RawBsonDocument.parse("{_id: 7}");

        assertThatThrownBy(() -> DocumentStage.create(throwing, 1024).apply(doc, NS))
                .isInstanceOf(DataWorksException.class).hasMessageContaining("'broken'").hasMessageContaining("shop.orders _id 7")
                .hasMessageContaining("boom").hasCauseInstanceOf(IllegalStateException.class)
                .satisfies(e -> assertThat(((DataWorksException) e).exitCode()).isEqualTo(ExitCode.FAILED));
        assertThatThrownBy(() -> DocumentStage.create(noId, 1024).apply(doc, NS))
                .isInstanceOf(DataWorksException.class).hasMessageContaining("without _id");
    }

    @Test
    void theReReadFilterIsTheIdsAndTheStrategysFilter() {
        DocumentStage filtered = DocumentStage.create(new Renaming(), 1024);
        DocumentStage plain = DocumentStage.create(new CopyStrategy(), 1024);
        List<org.bson.BsonValue> ids = List.of(new BsonInt32(1), new BsonInt32(2));

        assertThat(plain.readFilter(NS, ids)).isEqualTo(BsonDocument.parse("{_id: {$in: [1, 2]}}"));
        assertThat(plain.readsWholeDocuments(NS)).isTrue();
        assertThat(filtered.readFilter(NS, ids)).isEqualTo(BsonDocument.parse("{$and: [{_id: {$in: [1, 2]}}, {amount: {$gte: 10}}]}"));
        assertThat(filtered.readsWholeDocuments(NS)).isFalse();
    }
}
