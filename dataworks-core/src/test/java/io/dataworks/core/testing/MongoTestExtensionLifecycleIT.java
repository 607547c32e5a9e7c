package io.dataworks.core.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;

/** The server a test class was given is stopped when that class is done. */
class MongoTestExtensionLifecycleIT {

    private static volatile boolean launched;
    private static volatile TestMongo seen;

    @Test
    void serverIsClosedAfterTheTestClass() {
        launched = true;
        SummaryGeneratingListener summary = new SummaryGeneratingListener();
        try {
            LauncherFactory.create().execute(LauncherDiscoveryRequestBuilder.request().selectors(selectClass(Probe.class)).build(),
                    summary);
        } finally {
            launched = false;
        }

        assertThat(summary.getSummary().getTestsSucceededCount()).isEqualTo(1);
        assertThat(seen).isNotNull();
        seen.embeddedServer().ifPresent(server -> assertThat(portOpen(server.port())).as("embedded server stopped").isFalse());
    }

    static boolean launched() {
        return launched;
    }

    /** Runs only inside the launcher above. */
    @EnabledIf("io.dataworks.core.testing.MongoTestExtensionLifecycleIT#launched")
    @ExtendWith(MongoTestExtension.class)
    static class Probe {
        @Test
        void uses(TestMongo mongo) {
            seen = mongo;
            seen.embeddedServer().ifPresent(server -> assertThat(portOpen(server.port())).isTrue());
        }
    }

    private static boolean portOpen(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
