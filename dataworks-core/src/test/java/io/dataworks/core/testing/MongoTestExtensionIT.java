package io.dataworks.core.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.bson.Document;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import com.mongodb.reactivestreams.client.MongoCollection;

import reactor.core.publisher.Mono;

@ExtendWith(MongoTestExtension.class)
class MongoTestExtensionIT {

    private static TestMongo fromBeforeAll;

    @BeforeAll
    static void resolvedForLifecycleMethodsToo(TestMongo mongo) {
        fromBeforeAll = mongo;
    }

    @Test
    void handsOutAWorkingServer(TestMongo mongo) {
        // no DATAWORKS_TEST_MONGODB_URI and no Docker on the build machine: the embedded server
        if (TestMongo.setting(TestMongo.URI_VARIABLE).isEmpty() && !Docker.isAvailable()) {
            assertThat(mongo.kind()).isEqualTo(TestMongo.KIND_EMBEDDED);
            assertThat(mongo.embeddedServer()).isPresent();
        }
        MongoCollection<Document> coll = mongo.client().getDatabase(mongo.freshDatabaseName()).getCollection("c");
        Mono.from(coll.insertOne(new Document("_id", 1))).block(Duration.ofSeconds(10));
        assertThat(Mono.from(coll.countDocuments()).block(Duration.ofSeconds(10))).isEqualTo(1);
        assertThat(mongo.uri().value()).isEqualTo(mongo.connectionString());
    }

    @Test
    void oneServerPerTestClass(TestMongo mongo) {
        assertThat(mongo).isSameAs(fromBeforeAll);
    }

    @Test
    void freshDatabaseNamesAreUnique(TestMongo mongo) {
        assertThat(mongo.freshDatabaseName()).isNotEqualTo(mongo.freshDatabaseName()).startsWith("dwtest_");
    }

    @Nested
    class NestedTests {
        @Test
        void shareTheEnclosingClassServer(TestMongo mongo) {
            assertThat(mongo).isSameAs(fromBeforeAll);
        }
    }
}
