package io.dataworks.migrations.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

import org.bson.BsonDateTime;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.BsonInt64;
import org.bson.BsonString;
import org.bson.RawBsonDocument;
import org.bson.codecs.BsonDocumentCodec;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import com.mongodb.reactivestreams.client.MongoCollection;

import io.dataworks.core.DataWorksException;
import io.dataworks.core.ExitCode;
import io.dataworks.core.config.MongoUri;
import io.dataworks.core.testing.MongoTestExtension;
import io.dataworks.core.testing.TestMongo;
import io.dataworks.migrations.Namespace;
import io.dataworks.migrations.NamespaceMapping;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The store contract on a MongoDB database (a real server over TCP), and what only the MongoDB store does: the lease,
 * records keyed by fields, masked connection strings.
 */
@ExtendWith(MongoTestExtension.class)
class MongoCheckpointStoreIT extends CheckpointStoreContract {

    private static final Duration WAIT = Duration.ofSeconds(30);

    private TestMongo mongo;
    private String database;

    @BeforeEach
    void freshDatabase(TestMongo mongo) {
        this.mongo = mongo;
        this.database = mongo.freshDatabaseName();
    }

    @Override
    protected CheckpointStore open() {
        return CheckpointStore.mongo(mongo.connectionString(), database);
    }

    @Override
    protected CheckpointStore openReadOnly() {
        return CheckpointStore.mongoReadOnly(mongo.connectionString(), database);
    }

    private MongoCollection<BsonDocument> collection(String name) {
        return mongo.client().getDatabase(database).getCollection(name, BsonDocument.class);
    }

    private List<BsonDocument> all(String name) {
        return Flux.from(collection(name).find()).collectList().block(WAIT);
    }

    /** A clock the test moves by hand. */
    private static final class ManualClock extends Clock {
        private volatile Instant now = Instant.parse("2026-11-30T12:00:00Z");

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }

        void advance(Duration by) {
            now = now.plus(by);
        }
    }

    /** A store whose lease is renewed only when the test says (the background renewal is an hour away). */
    private MongoCheckpointStore openWith(Clock clock) {
        return MongoCheckpointStore.open(MongoUri.parse("test", mongo.connectionString()), database,
                MongoCheckpointStore.Mode.LEASED, Duration.ofHours(1), Duration.ofHours(2), clock);
    }

    @Test
    void recordsAreKeyedByKindAndNamespaceAsFieldsAndHoldTheFileStoresBson() {
        Namespace ns = new Namespace("shop", "a.b c");
        BsonDocument record = checkpointWithEveryIdType().toBson();
        try (CheckpointStore store = open()) {
            store.write(CheckpointStore.Kind.COPY, ns, record);
        }
        List<BsonDocument> records = all(MongoCheckpointStore.RECORDS);
        assertThat(records).hasSize(1);
        assertThat(records.get(0).getDocument("_id")).isEqualTo(new BsonDocument("kind", new BsonString("checkpoint"))
                .append("db", new BsonString("shop")).append("collection", new BsonString("a.b c")));
        assertThat(records.get(0).getDocument("record")).isEqualTo(record);
        assertThat(records.get(0).getDocument("record").getDocument("header").getInt32("version").getValue()).isEqualTo(CheckpointHeader.VERSION);
    }

    @Test
    void theLeaseNamesItsHolderAndCloseReleasesIt() {
        try (CheckpointStore store = open()) {
            List<BsonDocument> leases = all(MongoLease.COLLECTION);
            assertThat(leases).hasSize(1);
            BsonDocument owner = leases.get(0).getDocument("owner");
            assertThat(owner.getNumber("pid").longValue()).isEqualTo(ProcessHandle.current().pid());
            assertThat(owner.getString("host").getValue()).isNotBlank();
            assertThat(leases.get(0).getDateTime("expires").getValue()).isGreaterThan(leases.get(0).getDateTime("heartbeat").getValue());
            assertThatThrownBy(this::open)
                    .isInstanceOfSatisfying(DataWorksException.class, e -> assertThat(e.exitCode()).isEqualTo(ExitCode.USAGE))
                    .hasMessageContaining("in use by another run")
                    .hasMessageContaining("host " + owner.getString("host").getValue())
                    .hasMessageContaining("last heartbeat");
        }
        assertThat(all(MongoLease.COLLECTION)).as("close gives the lease up").isEmpty();
    }

    @Test
    void anExpiredLeaseIsTakenOver() {
        Instant longAgo = Instant.now().minus(Duration.ofMinutes(5));
        Mono.from(collection(MongoLease.COLLECTION).insertOne(new BsonDocument("_id", new BsonString(MongoLease.ID))
                .append("owner", new BsonDocument("host", new BsonString("crashed-host")).append("pid", new BsonInt64(4242)))
                .append("token", new BsonString("theirs"))
                .append("heartbeat", new BsonDateTime(longAgo.toEpochMilli()))
                .append("expires", new BsonDateTime(longAgo.plusSeconds(60).toEpochMilli())))).block(WAIT);

        try (CheckpointStore store = open()) {
            BsonDocument lease = all(MongoLease.COLLECTION).get(0);
            assertThat(lease.getDocument("owner").getNumber("pid").longValue()).isEqualTo(ProcessHandle.current().pid());
            assertThat(lease.getString("token").getValue()).isNotEqualTo("theirs");
            store.write(CheckpointStore.Kind.COPY, new Namespace("db", "c"), new BsonDocument("n", new BsonInt32(1)));
        }
    }

    @Test
    void aLiveLeaseOfAnotherProcessIsNotTakenOver() {
        Instant justNow = Instant.now();
        Mono.from(collection(MongoLease.COLLECTION).insertOne(new BsonDocument("_id", new BsonString(MongoLease.ID))
                .append("owner", new BsonDocument("host", new BsonString("other-host")).append("pid", new BsonInt64(4242)))
                .append("token", new BsonString("theirs"))
                .append("heartbeat", new BsonDateTime(justNow.toEpochMilli()))
                .append("expires", new BsonDateTime(justNow.plusSeconds(60).toEpochMilli())))).block(WAIT);

        assertThatThrownBy(this::open)
                .isInstanceOfSatisfying(DataWorksException.class, e -> assertThat(e.exitCode()).isEqualTo(ExitCode.USAGE))
                .hasMessageContaining("host other-host, pid 4242")
                .hasMessageContaining("--checkpoint-db");
        assertThat(all(MongoLease.COLLECTION).get(0).getString("token").getValue()).isEqualTo("theirs");
    }

    @Test
    void renewingMovesTheExpiryAndARunThatLostItsLeaseWritesNoMore() {
        ManualClock clock = new ManualClock();
        try (MongoCheckpointStore store = openWith(clock)) {
            MongoLease lease = store.lease().orElseThrow();
            long firstExpiry = all(MongoLease.COLLECTION).get(0).getDateTime("expires").getValue();
            clock.advance(Duration.ofMinutes(30));
            lease.renew();
            assertThat(all(MongoLease.COLLECTION).get(0).getDateTime("expires").getValue())
                    .isEqualTo(firstExpiry + Duration.ofMinutes(30).toMillis());

            // another run took the lease over (this one was paused past the expiry)
            Mono.from(collection(MongoLease.COLLECTION).updateOne(new BsonDocument("_id", new BsonString(MongoLease.ID)),
                    new BsonDocument("$set", new BsonDocument("token", new BsonString("someone-else"))
                            .append("owner", new BsonDocument("host", new BsonString("other-host")).append("pid", new BsonInt64(7)))))).block(WAIT);
            lease.renew();
            assertThat(lease.held()).isFalse();
            assertThatThrownBy(() -> store.write(CheckpointStore.Kind.COPY, new Namespace("db", "c"), new BsonDocument()))
                    .isInstanceOfSatisfying(DataWorksException.class, e -> assertThat(e.exitCode()).isEqualTo(ExitCode.FAILED))
                    .hasMessageContaining("lost the lease")
                    .hasMessageContaining("host other-host, pid 7");
        }
        assertThat(all(MongoLease.COLLECTION)).as("close leaves the other run's lease alone").hasSize(1);
        assertThat(all(MongoCheckpointStore.RECORDS)).isEmpty();
    }

    @Test
    void aWriteLongAfterTheLastHeartbeatRenewsFirst() {
        ManualClock clock = new ManualClock();
        try (MongoCheckpointStore store = openWith(clock)) {
            clock.advance(Duration.ofHours(3)); // the background renewal never ran
            store.write(CheckpointStore.Kind.COPY, new Namespace("db", "c"), new BsonDocument("n", new BsonInt32(1)));
            assertThat(all(MongoLease.COLLECTION).get(0).getDateTime("heartbeat").getValue()).isEqualTo(clock.instant().toEpochMilli());
        }
    }

    @Test
    void aSharedStoreWorksUnderTheLeaseOfAnother() {
        Namespace ns = new Namespace("db", "c");
        try (CheckpointStore driver = open(); CheckpointStore executor = CheckpointStore.mongoShared(mongo.connectionString(), database)) {
            executor.write(CheckpointStore.Kind.COPY, ns, new BsonDocument("n", new BsonInt32(2)));
            assertThat(driver.read(CheckpointStore.Kind.COPY, ns).orElseThrow().getInt32("n").getValue()).isEqualTo(2);
            assertThat(all(MongoLease.COLLECTION)).as("only the driver's lease").hasSize(1);
        }
    }

    @Test
    void aRefusedDocumentTooLargeForAnEntryFailsLoudlyAndNamesTheWayOut() {
        RawBsonDocument huge = new RawBsonDocument(new BsonDocument("_id", new BsonInt32(1))
                .append("blob", new org.bson.BsonBinary(new byte[MongoDeadLetters.MAX_DOCUMENT_BYTES])), new BsonDocumentCodec());
        NamespaceMapping mapping = new NamespaceMapping(new Namespace("shop", "orders"), new Namespace("shop", "orders"));
        try (CheckpointStore store = open(); DeadLetters letters = store.deadLetters(null)) {
            letters.load();
            assertThatThrownBy(() -> letters.write(mapping, huge, 10334, "too large"))
                    .isInstanceOfSatisfying(DataWorksException.class, e -> assertThat(e.exitCode()).isEqualTo(ExitCode.FAILED))
                    .hasMessageContaining("still on the source")
                    .hasMessageContaining("--dead-letter PATH");
            assertThat(letters.entries("shop.orders")).isZero();
        }
    }

    @Test
    void partitionRecordsAreKeptApartNeverGoBackAndGoWithTheCopyRecord() {
        Namespace orders = new Namespace("shop", "orders");
        Namespace lookAlike = new Namespace("shop", "orders.partition-1");
        try (MongoCheckpointStore store = (MongoCheckpointStore) open();
             MongoCheckpointStore executor = (MongoCheckpointStore) CheckpointStore.mongoShared(mongo.connectionString(), database)) {
            store.write(CheckpointStore.Kind.COPY, orders, new BsonDocument("n", new BsonInt32(1)));
            // two processes update different partitions of one namespace: neither overwrites the other
            store.writePartition(orders, "fp", new PartitionState(0, new BsonInt32(99), 100, 100, true));
            executor.writePartition(orders, "fp", new PartitionState(2, new BsonInt32(250), 50, 50, false));
            // an attempt that was given up writes an earlier state: ignored; a done one is never undone
            executor.writePartition(orders, "fp", new PartitionState(2, new BsonInt32(220), 20, 20, false));
            store.writePartition(orders, "fp", new PartitionState(0, new BsonInt32(99), 100, 100, false));
            executor.writePartition(orders, "another-plan", new PartitionState(1, new BsonString("b"), 1, 1, false));
            executor.writePartition(lookAlike, "fp", new PartitionState(2, new BsonString("c"), 1, 1, false));

            assertThat(store.readPartitions(orders, "fp")).containsOnlyKeys(0, 2);
            assertThat(store.readPartitions(orders, "fp").get(0)).isEqualTo(new PartitionState(0, new BsonInt32(99), 100, 100, true));
            assertThat(store.readPartitions(orders, "fp").get(2).documents()).isEqualTo(50);
            assertThat(store.readPartitions(orders, "another-plan")).containsOnlyKeys(1);
            // a record of another plan is replaced whatever it holds
            executor.writePartition(orders, "fp", new PartitionState(1, new BsonString("a"), 0, 0, false));
            assertThat(store.readPartitions(orders, "fp")).containsOnlyKeys(0, 1, 2);
            assertThat(store.readPartitions(orders, "another-plan")).isEmpty();

            store.delete(CheckpointStore.Kind.COPY, orders);
            assertThat(store.readPartitions(orders, "fp")).isEmpty();
            assertThat(store.readPartitions(lookAlike, "fp")).containsOnlyKeys(2);
        }
    }

    @Test
    void theDatabaseComesFromTheArgumentTheUriOrTheDefault() {
        assertThat(CheckpointStore.mongoDatabase("mongodb://h:27017/", null)).isEqualTo("dataworks_checkpoints");
        assertThat(CheckpointStore.mongoDatabase("mongodb://h:27017/cp_db?retryWrites=false", null)).isEqualTo("cp_db");
        assertThat(CheckpointStore.mongoDatabase("mongodb://h:27017/cp_db", "other")).isEqualTo("other");
        assertThatThrownBy(() -> CheckpointStore.mongoDatabase("mongodb://h:27017/", "a.b"))
                .isInstanceOfSatisfying(DataWorksException.class, e -> assertThat(e.exitCode()).isEqualTo(ExitCode.USAGE))
                .hasMessageContaining("--checkpoint-db");
    }

    @Test
    void badOrUnreachableUrisAreUsageErrorsThatNeverShowThePassword() {
        assertThatThrownBy(() -> CheckpointStore.mongo("mongodb://user:s3cretPw@", null))
                .isInstanceOfSatisfying(DataWorksException.class, e -> assertThat(e.exitCode()).isEqualTo(ExitCode.USAGE))
                .hasMessageContaining("FRAMEWORK_CHECKPOINT_URI")
                .hasMessageNotContaining("s3cretPw");
        assertThatThrownBy(() -> CheckpointStore.mongo("mongodb://user:s3cretPw@127.0.0.1:1/?serverSelectionTimeoutMS=300", null))
                .isInstanceOfSatisfying(DataWorksException.class, e -> assertThat(e.exitCode()).isEqualTo(ExitCode.USAGE))
                .hasMessageContaining("cannot reach the checkpoint store")
                .hasMessageContaining("127.0.0.1:1")
                .hasMessageContaining("--checkpoint-uri")
                .hasMessageNotContaining("s3cretPw");
    }

    @Test
    void locationAndDescriptionsShowTheUriMasked() {
        String uri = mongo.connectionString() + (mongo.connectionString().contains("?") ? "&" : "?")
                + "tlsCertificateKeyFilePassword=TlsK3yPassw0rd";
        try (CheckpointStore store = CheckpointStore.mongo(uri, database)) {
            assertThat(store.location()).contains(database).contains("****").doesNotContain("TlsK3yPassw0rd");
            assertThat(store.describe(CheckpointStore.Kind.COPY, new Namespace("db", "c"))).contains("checkpoints")
                    .doesNotContain("TlsK3yPassw0rd");
            assertThat(store.deadLetters(null).describe()).contains("dead_letters").doesNotContain("TlsK3yPassw0rd");
        }
    }
}
