package io.dataworks.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {

    @TempDir
    Path dir;

    private Path envFile() {
        return dir.resolve(ConfigLoader.ENV_FILE_NAME);
    }

    private void writeEnvFile(String... lines) throws IOException {
        Files.write(envFile(), List.of(lines));
    }

    private DataWorksConfig load(Map<String, String> overrides, Map<String, String> env, Map<String, String> sys) {
        return ConfigLoader.load(overrides, envFile(), false, env, sys);
    }

    private DataWorksConfig load(Map<String, String> overrides) {
        return load(overrides, Map.of(), Map.of());
    }

    private static ConfigException configError(Runnable r) {
        try {
            r.run();
        } catch (ConfigException e) {
            return e;
        }
        throw new AssertionError("expected a ConfigException");
    }

    @Test
    void defaultsSuitASmallMachine() {
        DataWorksConfig config = load(Map.of());

        WorkerConfig w = config.workers();
        assertThat(w.writeWorkers()).isEqualTo(4);
        assertThat(w.generationWorkers()).isEqualTo(Runtime.getRuntime().availableProcessors());
        assertThat(w.maxWorkers()).isGreaterThanOrEqualTo(16);
        assertThat(w.batchAggregationSize()).isEqualTo(1000);
        assertThat(w.batchAggregationTimeoutMs()).isEqualTo(100);
        assertThat(w.sourceBatchSize()).isEqualTo(1000);
        assertThat(w.maxInsertWorkers()).isEqualTo(4);
        assertThat(w.parallelCursors()).isEqualTo(4);
        assertThat(config.retry()).isEqualTo(RetryConfig.DEFAULTS);
        assertThat(config.source()).isEmpty();
        assertThat(config.target()).isEmpty();
        assertThat(config.value(ConfigKeys.WRITE_WORKERS)).contains("4");
    }

    @Test
    void eachSourceBeatsTheNextOne() throws IOException {
        writeEnvFile("FRAMEWORK_WRITE_WORKERS=1", "FRAMEWORK_PARALLEL_CURSORS=1", "FRAMEWORK_MAX_INSERT_WORKERS=1",
                "FRAMEWORK_SOURCE_DB_BATCH_SIZE=1");
        Map<String, String> env = Map.of("FRAMEWORK_WRITE_WORKERS", "2", "FRAMEWORK_PARALLEL_CURSORS", "2",
                "FRAMEWORK_MAX_INSERT_WORKERS", "2");
        Map<String, String> sys = Map.of("FRAMEWORK_WRITE_WORKERS", "3", "FRAMEWORK_PARALLEL_CURSORS", "3");
        Map<String, String> overrides = Map.of("FRAMEWORK_WRITE_WORKERS", "4");

        WorkerConfig w = load(overrides, env, sys).workers();

        assertThat(w.writeWorkers()).as("overrides beat system properties").isEqualTo(4);
        assertThat(w.parallelCursors()).as("system properties beat the environment").isEqualTo(3);
        assertThat(w.maxInsertWorkers()).as("the environment beats .env_local").isEqualTo(2);
        assertThat(w.sourceBatchSize()).as(".env_local beats the defaults").isEqualTo(1);
        assertThat(w.batchAggregationSize()).as("defaults fill the rest").isEqualTo(1000);
    }

    @Test
    void publicLoadReadsTheWorkingDirectoryEnvironmentAndSystemProperties() throws IOException {
        writeEnvFile("FRAMEWORK_WRITE_WORKERS=1", "FRAMEWORK_PARALLEL_CURSORS=1");
        System.setProperty("FRAMEWORK_PARALLEL_CURSORS", "3");
        try {
            DataWorksConfig config = ConfigLoader.load(Map.of(), dir, Map.of("FRAMEWORK_MAX_INSERT_WORKERS", "2"));
            assertThat(config.workers().writeWorkers()).isEqualTo(1);
            assertThat(config.workers().parallelCursors()).isEqualTo(3);
            assertThat(config.workers().maxInsertWorkers()).isEqualTo(2);
        } finally {
            System.clearProperty("FRAMEWORK_PARALLEL_CURSORS");
        }
    }

    @Test
    void onlyFrameworkKeysComeFromTheEnvironment() {
        DataWorksConfig config = load(Map.of(), Map.of("PATH", "/bin", "FRAMEWORK_X", "y"), Map.of("user.home", "/h"));
        assertThat(config.value("PATH")).isEmpty();
        assertThat(config.value("user.home")).isEmpty();
        assertThat(config.value("FRAMEWORK_X")).contains("y");
    }

    @Test
    void nullOverridesAreIgnored() {
        Map<String, String> overrides = new HashMap<>();
        overrides.put(ConfigKeys.WRITE_WORKERS, null);
        assertThat(load(overrides, Map.of(ConfigKeys.WRITE_WORKERS, "7"), Map.of()).workers().writeWorkers())
                .isEqualTo(7);
    }

    @Test
    void aBlankValueDoesNotHideALowerSource() throws IOException {
        writeEnvFile("FRAMEWORK_WRITE_WORKERS=", "FRAMEWORK_PARALLEL_CURSORS=6");
        DataWorksConfig config = load(Map.of(ConfigKeys.PARALLEL_CURSORS, " "),
                Map.of(ConfigKeys.PARALLEL_CURSORS, ""), Map.of());
        assertThat(config.workers().writeWorkers()).isEqualTo(4);
        assertThat(config.workers().parallelCursors()).isEqualTo(6);
    }

    @Test
    void envFileSyntax() throws IOException {
        writeEnvFile(
                "# a comment",
                "",
                "export FRAMEWORK_TARGET_DB_NAME=shop",
                "FRAMEWORK_TARGET_DB_CONNECTION_STRING = \"mongodb://app:p#ss ${word}@localhost:27017/?appName=x\"",
                "FRAMEWORK_TARGET_DB_COLLECTION='orders, customers'",
                "FRAMEWORK_WRITE_WORKERS=6   # inline comment",
                "FRAMEWORK_PARALLEL_CURSORS=2",
                "FRAMEWORK_PARALLEL_CURSORS=5");

        DataWorksConfig config = load(Map.of());

        EndpointConfig target = config.requireTarget();
        assertThat(target.database()).isEqualTo("shop");
        assertThat(target.uri().value()).isEqualTo("mongodb://app:p#ss ${word}@localhost:27017/?appName=x");
        assertThat(target.collections()).containsExactly("orders", "customers");
        assertThat(config.workers().writeWorkers()).isEqualTo(6);
        assertThat(config.workers().parallelCursors()).as("a later line wins").isEqualTo(5);
    }

    @Test
    void valuesAreNotExpanded() {
        DataWorksConfig config = load(Map.of("FRAMEWORK_SECRET", "a${b}c\\,d"));
        assertThat(config.value("FRAMEWORK_SECRET")).contains("a${b}c\\,d");
    }

    @Test
    void aMalformedEnvFileLineNamesTheLineButNotItsContent() throws IOException {
        writeEnvFile("FRAMEWORK_WRITE_WORKERS=2", "mongodb://u:hunter2@host");
        ConfigException e = configError(() -> load(Map.of()));
        assertThat(e.getMessage()).contains("line 2").contains("KEY=VALUE").doesNotContain("hunter2");
    }

    @Test
    void anExplicitEnvFileMustExist() {
        ConfigException e = configError(
                () -> ConfigLoader.loadWithEnvFile(Map.of(), dir.resolve("missing.env")));
        assertThat(e.getMessage()).contains("--env-file").contains("missing.env");
    }

    @Test
    void anExplicitEnvFileIsRead() throws IOException {
        Path file = dir.resolve("prod.env");
        Files.writeString(file, "FRAMEWORK_BATCH_AGGREGATION_SIZE=250\n");
        assertThat(ConfigLoader.loadWithEnvFile(Map.of(), file).workers().batchAggregationSize()).isEqualTo(250);
    }

    // --- validation messages -------------------------------------------------------------------------------------

    @Test
    void nonNumericWorkerCount() {
        ConfigException e = configError(() -> load(Map.of(ConfigKeys.WRITE_WORKERS, "abc")));
        assertThat(e.key()).isEqualTo(ConfigKeys.WRITE_WORKERS);
        assertThat(e.getMessage()).isEqualTo("FRAMEWORK_WRITE_WORKERS must be a positive whole number, was 'abc': "
                + "pass --write-workers N or fix it in .env_local");
        assertThat(e.exitCode().code()).isEqualTo(2);
    }

    @Test
    void zeroAndNegativeWorkerCounts() {
        assertThat(configError(() -> load(Map.of(ConfigKeys.GENERATION_WORKERS, "0"))).getMessage())
                .contains("FRAMEWORK_GENERATION_WORKERS must be a positive whole number, was '0'")
                .contains("--workers N");
        assertThat(configError(() -> load(Map.of(ConfigKeys.MAX_INSERT_WORKERS, "-3"))).getMessage())
                .contains("FRAMEWORK_MAX_INSERT_WORKERS must be a positive whole number, was '-3'")
                .contains("--insert-workers N");
        assertThat(configError(() -> load(Map.of(ConfigKeys.PARALLEL_CURSORS, "-1"))).getMessage())
                .contains(ConfigKeys.PARALLEL_CURSORS).contains("--parallel-cursors N");
        assertThat(configError(() -> load(Map.of(ConfigKeys.BATCH_AGGREGATION_SIZE, "1.5"))).getMessage())
                .contains(ConfigKeys.BATCH_AGGREGATION_SIZE).contains("--batch-size N");
    }

    @Test
    void aKeyWithoutAFlagSaysWhereToSetIt() {
        ConfigException e = configError(() -> load(Map.of(), Map.of(ConfigKeys.BATCH_AGGREGATION_TIMEOUT_MS, "soon"),
                Map.of()));
        assertThat(e.getMessage()).isEqualTo("FRAMEWORK_BATCH_AGGREGATION_TIMEOUT_MS must be a positive whole number, "
                + "was 'soon' (from the environment): set FRAMEWORK_BATCH_AGGREGATION_TIMEOUT_MS in .env_local or the "
                + "environment");
    }

    @Test
    void theMessageSaysWhichFileHadTheWrongValue() throws IOException {
        writeEnvFile("FRAMEWORK_WRITE_WORKERS=many");
        assertThat(configError(() -> load(Map.of())).getMessage()).contains("(from " + envFile() + ")");
    }

    @Test
    void maxWorkersIsACeiling() {
        ConfigException e = configError(() -> load(Map.of(ConfigKeys.MAX_WORKERS, "2", ConfigKeys.WRITE_WORKERS, "8")));
        assertThat(e.key()).isEqualTo(ConfigKeys.MAX_WORKERS);
        assertThat(e.getMessage()).contains("FRAMEWORK_WRITE_WORKERS (8)");
        assertThat(load(Map.of(ConfigKeys.WRITE_WORKERS, "40")).workers().maxWorkers()).isEqualTo(40);
    }

    @Test
    void retryValues() {
        DataWorksConfig config = load(Map.of(ConfigKeys.RETRY_MAX_ATTEMPTS, "0", ConfigKeys.RETRY_INITIAL_BACKOFF_MS,
                "50", ConfigKeys.RETRY_MAX_BACKOFF_MS, "500", ConfigKeys.RETRY_MAX_TOTAL_WAIT_MS, "5000",
                ConfigKeys.RETRY_JITTER, "0.25"));
        assertThat(config.retry()).isEqualTo(new RetryConfig(0, Duration.ofMillis(50), Duration.ofMillis(500),
                Duration.ofSeconds(5), 0.25));

        assertThat(configError(() -> load(Map.of(ConfigKeys.RETRY_JITTER, "2"))).getMessage())
                .contains("FRAMEWORK_RETRY_JITTER must be a number from 0 to 1, was '2'")
                .contains("set FRAMEWORK_RETRY_JITTER in .env_local");
        assertThat(configError(() -> load(Map.of(ConfigKeys.RETRY_MAX_ATTEMPTS, "-1"))).key())
                .isEqualTo(ConfigKeys.RETRY_MAX_ATTEMPTS);
        assertThat(configError(() -> load(Map.of(ConfigKeys.RETRY_MAX_BACKOFF_MS, "10"))).getMessage())
                .contains(ConfigKeys.RETRY_INITIAL_BACKOFF_MS);
    }

    @Test
    void missingRequiredEndpoint() {
        DataWorksConfig config = load(Map.of());
        ConfigException e = configError(config::requireSource);
        assertThat(e.key()).isEqualTo(ConfigKeys.SOURCE_URI);
        assertThat(e.getMessage())
                .isEqualTo("FRAMEWORK_SOURCE_DB_CONNECTION_STRING is not set: pass --source-uri or set it in .env_local");
        assertThat(configError(config::requireTarget).getMessage())
                .isEqualTo("FRAMEWORK_TARGET_DB_CONNECTION_STRING is not set: pass --target-uri or set it in .env_local");
    }

    @Test
    void missingDatabaseName() {
        DataWorksConfig config = load(Map.of(ConfigKeys.TARGET_URI, "mongodb://localhost"));
        ConfigException e = configError(config::requireTarget);
        assertThat(e.key()).isEqualTo(ConfigKeys.TARGET_DB);
        assertThat(e.getMessage()).startsWith("FRAMEWORK_TARGET_DB_NAME is not set: pass --target-db");
        assertThat(configError(config::target).key()).isEqualTo(ConfigKeys.TARGET_DB);
    }

    @Test
    void unparseableConnectionStringIsMaskedAndNamesTheFlag() {
        ConfigException e = configError(() -> load(Map.of(ConfigKeys.SOURCE_URI, "mongo://admin:hunter2@db:27017")));
        assertThat(e.key()).isEqualTo(ConfigKeys.SOURCE_URI);
        assertThat(e.getMessage()).contains(ConfigKeys.SOURCE_URI).contains("--source-uri")
                .contains("admin:****@db").doesNotContain("hunter2");

        ConfigException bad = configError(
                () -> load(Map.of(ConfigKeys.TARGET_URI, "mongodb://admin:hunter2@db:notaport/x")));
        assertThat(bad.getMessage()).contains("--target-uri").doesNotContain("hunter2");
    }

    @Test
    void unknownFlavour() {
        ConfigException e = configError(() -> load(Map.of(ConfigKeys.SOURCE_URI, "mongodb://h/db",
                ConfigKeys.SOURCE_TYPE, "dynamo")));
        assertThat(e.key()).isEqualTo(ConfigKeys.SOURCE_TYPE);
        assertThat(e.getMessage()).isEqualTo("FRAMEWORK_SOURCE_DB_TYPE must be cosmos, atlas or mongodb, was 'dynamo': "
                + "pass --source-type cosmos|atlas|mongodb or fix it in .env_local");
    }

    @Test
    void poolLimitsAreChecked() {
        Map<String, String> base = Map.of(ConfigKeys.TARGET_URI, "mongodb://h/db");
        Map<String, String> tooMany = new HashMap<>(base);
        tooMany.put(ConfigKeys.TARGET_MAX_POOL_SIZE, "5");
        tooMany.put(ConfigKeys.TARGET_MIN_POOL_SIZE, "6");
        assertThat(configError(() -> load(tooMany)).key()).isEqualTo(ConfigKeys.TARGET_MIN_POOL_SIZE);

        Map<String, String> warm = new HashMap<>(base);
        warm.put(ConfigKeys.TARGET_MAX_POOL_SIZE, "5");
        warm.put(ConfigKeys.TARGET_WARM_UP_CONNECTIONS, "9");
        assertThat(configError(() -> load(warm)).getMessage()).contains(ConfigKeys.TARGET_WARM_UP_CONNECTIONS)
                .contains(ConfigKeys.TARGET_MAX_POOL_SIZE);

        Map<String, String> word = new HashMap<>(base);
        word.put(ConfigKeys.TARGET_MAX_IDLE_TIME_MS, "forever");
        assertThat(configError(() -> load(word)).getMessage())
                .startsWith("FRAMEWORK_TARGET_DB_MAX_IDLE_TIME_MS must be a whole number, 0 or more, was 'forever'");
    }

    // --- endpoints -------------------------------------------------------------------------------------------------

    @Test
    void mongodbEndpointDefaults() {
        EndpointConfig source = load(Map.of(ConfigKeys.SOURCE_URI, "mongodb://u:p@localhost:27017/shop",
                ConfigKeys.SOURCE_COLLECTION, "orders")).requireSource();
        assertThat(source.database()).as("taken from the connection string").isEqualTo("shop");
        assertThat(source.collections()).containsExactly("orders");
        assertThat(source.flavour()).isEqualTo(Flavour.MONGODB);
        assertThat(source.pool()).isEqualTo(PoolConfig.MONGODB_DEFAULTS);
        assertThat(source.maxDocumentBytes()).isEqualTo(16L * 1024 * 1024);
        assertThat(source.serverSelectionTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(source.toString()).doesNotContain(":p@");
    }

    @Test
    void cosmosEndpointDefaults() {
        EndpointConfig source = load(Map.of(ConfigKeys.SOURCE_URI,
                "mongodb://acct:key==@acct.mongo.cosmos.azure.com:10255/?ssl=true&replicaSet=globaldb",
                ConfigKeys.SOURCE_DB, "shop")).requireSource();
        assertThat(source.flavour()).isEqualTo(Flavour.COSMOS_DB);
        assertThat(source.pool()).isEqualTo(PoolConfig.COSMOS_DB_DEFAULTS);
        assertThat(source.pool().maxIdleTimeMs()).isEqualTo(120_000);
        assertThat(source.maxDocumentBytes()).isEqualTo(2L * 1024 * 1024);
        assertThat(source.collections()).isEmpty();
    }

    @Test
    void explicitTypeBeatsDetectionAndExplicitKeysBeatUriOptions() {
        Map<String, String> o = new HashMap<>();
        o.put(ConfigKeys.TARGET_URI, "mongodb://localhost/?maxPoolSize=7&minPoolSize=2&serverSelectionTimeoutMS=1500");
        o.put(ConfigKeys.TARGET_DB, "db");
        o.put(ConfigKeys.TARGET_TYPE, "Cosmos");
        EndpointConfig t = load(o).requireTarget();
        assertThat(t.flavour()).isEqualTo(Flavour.COSMOS_DB);
        assertThat(t.pool().maxPoolSize()).as("connection-string option beats the flavour default").isEqualTo(7);
        assertThat(t.pool().minPoolSize()).isEqualTo(2);
        assertThat(t.serverSelectionTimeout()).isEqualTo(Duration.ofMillis(1500));

        o.put(ConfigKeys.TARGET_MAX_POOL_SIZE, "9");
        o.put(ConfigKeys.TARGET_MAX_DOCUMENT_BYTES, "4194304");
        o.put(ConfigKeys.TARGET_SERVER_SELECTION_TIMEOUT_MS, "250");
        t = load(o).requireTarget();
        assertThat(t.pool().maxPoolSize()).as("explicit key beats the connection string").isEqualTo(9);
        assertThat(t.maxDocumentBytes()).isEqualTo(4L * 1024 * 1024);
        assertThat(t.serverSelectionTimeout()).isEqualTo(Duration.ofMillis(250));
    }

    @Test
    void collectionListIsSplitTrimmedAndDeduplicated() {
        assertThat(ConfigLoader.splitList(" a, b,,a , c ")).containsExactly("a", "b", "c");
    }

    // --- module keys -----------------------------------------------------------------------------------------------

    enum Mode { INSERT, UPSERT }

    @Test
    void moduleSpecificKeys() {
        DataWorksConfig config = load(Map.of("FRAMEWORK_MAX_ERRORS", "12", "FRAMEWORK_VERIFY", "yes",
                "FRAMEWORK_WRITE_MODE", "upsert"));
        assertThat(config.get("FRAMEWORK_MAX_ERRORS", Integer.class, 0)).isEqualTo(12);
        assertThat(config.get("FRAMEWORK_MAX_ERRORS", long.class, 0L)).isEqualTo(12L);
        assertThat(config.get("FRAMEWORK_VERIFY", Boolean.class, false)).isTrue();
        assertThat(config.get("FRAMEWORK_WRITE_MODE", Mode.class, Mode.INSERT)).isEqualTo(Mode.UPSERT);
        assertThat(config.get("FRAMEWORK_UNSET", String.class, "d")).isEqualTo("d");
        assertThat(config.get(ConfigKeys.WRITE_WORKERS, Integer.class, 1)).as("defaults are values too").isEqualTo(4);
    }

    @Test
    void moduleKeyConversionErrorsNameTheKeyAndFlag() {
        DataWorksConfig config = load(Map.of(ConfigKeys.PARALLEL_CURSORS, "4", "FRAMEWORK_MAX_ERRORS", "lots",
                "FRAMEWORK_VERIFY", "maybe"));
        ConfigException e = configError(() -> config.get("FRAMEWORK_MAX_ERRORS", Integer.class, 0));
        assertThat(e.key()).isEqualTo("FRAMEWORK_MAX_ERRORS");
        assertThat(e.getMessage()).isEqualTo("FRAMEWORK_MAX_ERRORS must be a whole number, was 'lots': "
                + "set FRAMEWORK_MAX_ERRORS in .env_local or the environment");
        assertThat(configError(() -> config.get("FRAMEWORK_VERIFY", Boolean.class, false)).getMessage())
                .contains("true or false");
        assertThat(configError(() -> config.get(ConfigKeys.PARALLEL_CURSORS, Mode.class, null)).getMessage())
                .contains("one of insert, upsert").contains("--parallel-cursors");
    }

    @Test
    void requireNamesTheKeyAndFlag() {
        DataWorksConfig config = load(Map.of(ConfigKeys.TARGET_COLLECTION, "orders"));
        assertThat(config.require(ConfigKeys.TARGET_COLLECTION)).isEqualTo("orders");
        assertThat(configError(() -> config.require(ConfigKeys.SOURCE_COLLECTION)).getMessage())
                .isEqualTo("FRAMEWORK_SOURCE_DB_COLLECTION is not set: pass --source-collection or set it in .env_local");
    }

    @Test
    void describeMasksConnectionStrings() {
        DataWorksConfig config = load(Map.of(ConfigKeys.SOURCE_URI, "mongodb://u:hunter2@h/db"));
        assertThat(config.describe()).containsEntry(ConfigKeys.SOURCE_URI, "mongodb://u:****@h/db")
                .containsEntry(ConfigKeys.WRITE_WORKERS, "4");
        assertThat(config.toString()).doesNotContain("hunter2");
        assertThatThrownBy(() -> config.get(ConfigKeys.SOURCE_URI, Integer.class, 0))
                .hasMessageNotContaining("hunter2");
    }

    @Test
    void aMisspelledFrameworkKeyIsReportedWithTheClosestKnownKey() throws IOException {
        writeEnvFile("FRAMEWORK_BATCH_AGREGATION_SIZE=10");
        DataWorksConfig config = load(Map.of(), Map.of("FRAMEWORK_WRTIE_WORKERS", "8", "FRAMEWORK_COMPLETELY_DIFFERENT", "1"), Map.of());
        assertThat(config.warnings()).containsExactly(
                "FRAMEWORK_BATCH_AGREGATION_SIZE (from " + envFile() + ") is not a DataWorks key and is ignored:"
                        + " did you mean FRAMEWORK_BATCH_AGGREGATION_SIZE?",
                "FRAMEWORK_COMPLETELY_DIFFERENT (from the environment) is not a DataWorks key and is ignored",
                "FRAMEWORK_WRTIE_WORKERS (from the environment) is not a DataWorks key and is ignored:"
                        + " did you mean FRAMEWORK_WRITE_WORKERS?");
        Files.delete(envFile());
        assertThat(load(Map.of(), Map.of("FRAMEWORK_WRITE_WORKERS", "8", "FRAMEWORK_ALERT_ERROR_RATE", "1%"), Map.of()).warnings()).isEmpty();
    }

    @Test
    void everyKeyOfTheExampleEnvFileIsKnown() throws IOException {
        Path example = Path.of("..", ".env_local.example");
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("FRAMEWORK_[A-Z0-9_]+").matcher(Files.readString(example));
        List<String> keys = new java.util.ArrayList<>();
        while (m.find()) {
            keys.add(m.group());
        }
        assertThat(keys).isNotEmpty();
        assertThat(ConfigKeys.KNOWN).containsAll(keys);
    }

    @Test
    void aModuleKeyWithABadValueIsAConfigErrorNamingTheKeyAndItsOrigin() throws IOException {
        writeEnvFile("FRAMEWORK_ALERT_P99_LATENCY_MS=fast");
        DataWorksConfig config = load(Map.of());
        ConfigException e = configError(() -> config.read(lookup -> {
            lookup.apply("FRAMEWORK_ALERT_DURATION_SECONDS");
            return Double.parseDouble(lookup.apply("FRAMEWORK_ALERT_P99_LATENCY_MS").orElse("0"));
        }));
        assertThat(e.key()).isEqualTo("FRAMEWORK_ALERT_P99_LATENCY_MS");
        assertThat(e.getMessage()).startsWith("FRAMEWORK_ALERT_P99_LATENCY_MS: ").contains("fast")
                .contains("(from " + envFile() + ")").endsWith("set FRAMEWORK_ALERT_P99_LATENCY_MS in .env_local or the environment");
        assertThat(e.exitCode()).isEqualTo(io.dataworks.core.ExitCode.USAGE);
    }
}
