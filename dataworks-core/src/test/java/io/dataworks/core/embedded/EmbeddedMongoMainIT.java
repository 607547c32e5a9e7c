package io.dataworks.core.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.bson.Document;
import org.junit.jupiter.api.Test;

import com.mongodb.MongoBulkWriteException;
import com.mongodb.MongoCommandException;
import com.mongodb.client.model.InsertManyOptions;
import com.mongodb.reactivestreams.client.MongoClient;
import com.mongodb.reactivestreams.client.MongoClients;
import com.mongodb.reactivestreams.client.MongoCollection;

import reactor.core.publisher.Mono;

/** The server in its own JVM, the way the benchmarks run it. */
class EmbeddedMongoMainIT {

    private static final Pattern LISTENING = Pattern.compile("listening on (mongodb://127\\.0\\.0\\.1:(\\d+))");

    @Test
    void runsInItsOwnJvmUntilDestroyed() throws Exception {
        Process process = start(true, "--port", "0", "--throttle-rate", "1", "--retry-after-ms", "25", "--oplog");
        try {
            Matcher line = awaitListening(process);
            String uri = line.group(1);
            int port = Integer.parseInt(line.group(2));
            assertThat(port).isPositive();

            try (MongoClient client = MongoClients.create(uri)) {
                MongoCollection<Document> coll = client.getDatabase("db").getCollection("c");
                Object error = Mono.from(coll.insertOne(new Document("_id", 1))).map(Object.class::cast)
                        .onErrorResume(Mono::just).block(Duration.ofSeconds(10));
                assertThat(error).isInstanceOfSatisfying(MongoCommandException.class,
                        e -> assertThat(e.getErrorMessage()).contains("RetryAfterMs=25"));
            }

            process.destroy(); // SIGTERM: the shutdown hook stops the server
            assertThat(process.waitFor(10, TimeUnit.SECONDS)).as("exited after SIGTERM").isTrue();
            assertThat(portOpen(port)).isFalse();
        } finally {
            process.destroyForcibly();
        }
    }

    @Test
    void cosmosBudgetFlagWritesABulkInsertInPart() throws Exception {
        // 1,100 RU/s: a full bucket covers 200 documents of 5.5 RU, the other 100 are refused one by one
        Process process = start(true, "--port", "0", "--cosmos-budget", "1100");
        try {
            String uri = awaitListening(process).group(1);
            try (MongoClient client = MongoClients.create(uri + "/?maxPoolSize=1")) {
                MongoCollection<Document> coll = client.getDatabase("db").getCollection("c");
                List<Document> docs = java.util.stream.IntStream.range(0, 300).mapToObj(i -> new Document("_id", i)).toList();
                Object error = Mono.from(coll.insertMany(docs, new InsertManyOptions().ordered(false))).map(Object.class::cast)
                        .onErrorResume(Mono::just).block(Duration.ofSeconds(10));
                assertThat(error).isInstanceOfSatisfying(MongoBulkWriteException.class, e -> {
                    assertThat(e.getWriteResult().getInsertedCount()).isEqualTo(200);
                    assertThat(e.getWriteErrors()).hasSize(100).allSatisfy(w -> assertThat(w.getMessage()).contains("RetryAfterMs="));
                });
                Document stats = Mono.from(client.getDatabase("db").runCommand(new Document("getLastRequestStatistics", 1)))
                        .block(Duration.ofSeconds(10));
                assertThat(stats.getDouble("RequestCharge")).isEqualTo(1100.0);
            }
        } finally {
            process.destroyForcibly();
        }
    }

    @Test
    void rejectsAnUnknownOptionWithExitCode2() throws Exception {
        Process process = start(false, "--bogus");
        try {
            assertThat(process.waitFor(20, TimeUnit.SECONDS)).isTrue();
            assertThat(process.exitValue()).isEqualTo(2);
            String err = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(err).contains("unknown option --bogus").contains("usage:");
        } finally {
            process.destroyForcibly();
        }
    }

    private static Process start(boolean mergeStderr, String... args) throws IOException {
        Path java = Paths.get(System.getProperty("java.home"), "bin", "java");
        List<String> command = new java.util.ArrayList<>(List.of(java.toString(), "-Xmx256m", "-cp",
                System.getProperty("java.class.path"), EmbeddedMongo.class.getName()));
        command.addAll(List.of(args));
        return new ProcessBuilder(command).redirectErrorStream(mergeStderr).start();
    }

    private static Matcher awaitListening(Process process) throws Exception {
        CompletableFuture<Matcher> found = CompletableFuture.supplyAsync(() -> {
            BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
            try {
                String line;
                while ((line = out.readLine()) != null) {
                    Matcher m = LISTENING.matcher(line);
                    if (m.find()) {
                        // keep draining so that a chatty child never blocks on a full pipe
                        Thread drain = new Thread(() -> drain(out));
                        drain.setDaemon(true);
                        drain.start();
                        return m;
                    }
                }
                throw new IllegalStateException("the server exited without printing 'listening on'");
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
        return found.get(30, TimeUnit.SECONDS);
    }

    private static void drain(BufferedReader out) {
        try {
            while (out.readLine() != null) {
                // discard
            }
        } catch (IOException ignored) {
            // the process ended
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
