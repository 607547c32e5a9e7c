package io.dataworks.core.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import reactor.core.publisher.Mono;

/** Runs only where a Docker engine is; skipped (not failed) elsewhere, such as on the build machine. */
@RequiresDocker
@ExtendWith(MongoTestExtension.class)
class RequiresDockerIT {

    @Test
    void talksToARealMongoDbInAContainer(TestMongo mongo) {
        if (TestMongo.setting(TestMongo.URI_VARIABLE).isEmpty()) {
            assertThat(mongo.kind()).isEqualTo(TestMongo.KIND_TESTCONTAINERS);
        }
        Document hello = Mono.from(mongo.client().getDatabase("admin").runCommand(new Document("hello", 1)))
                .block(Duration.ofSeconds(30));
        assertThat(hello).containsKey("setName");
    }
}
