package io.dataworks.core.testing;

import org.testcontainers.DockerClientFactory;
import org.testcontainers.mongodb.MongoDBContainer;

/**
 * The only class that touches Testcontainers, so that the other fixtures load without it. Docker availability
 * is probed once per JVM.
 */
final class Docker {

    static final String MONGO_IMAGE = "mongo:7.0";

    private static volatile Boolean available;

    private Docker() {
    }

    static boolean isAvailable() {
        Boolean known = available;
        if (known == null) {
            synchronized (Docker.class) {
                known = available;
                if (known == null) {
                    known = probe();
                    available = known;
                }
            }
        }
        return known;
    }

    private static boolean probe() {
        try {
            return DockerClientFactory.instance().isDockerAvailable();
        } catch (Throwable e) { // NoClassDefFoundError when Testcontainers is not on the test classpath
            return false;
        }
    }

    static Container startMongo() {
        MongoDBContainer container = new MongoDBContainer(MONGO_IMAGE).withReplicaSet();
        container.start();
        return new Container(container);
    }

    /** A running MongoDB container (single-node replica set). */
    static final class Container implements AutoCloseable {
        private final MongoDBContainer container;

        private Container(MongoDBContainer container) {
            this.container = container;
        }

        String connectionString() {
            return container.getReplicaSetUrl();
        }

        @Override
        public void close() {
            container.stop();
        }
    }
}
