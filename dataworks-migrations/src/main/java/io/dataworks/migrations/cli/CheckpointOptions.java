package io.dataworks.migrations.cli;

import java.nio.file.Path;
import java.util.Collection;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

import io.dataworks.core.config.ConfigException;
import io.dataworks.core.config.DataWorksConfig;
import io.dataworks.core.config.MongoUri;
import io.dataworks.migrations.checkpoint.CheckpointStore;
import picocli.CommandLine.Option;

/**
 * The options that put the checkpoint store in MongoDB ({@code --checkpoint-uri}, {@code --checkpoint-db}), a picocli
 * mixin shared by the CLIs that run a migration. Resolved once, at the edge, into a {@link MongoStore} or nothing
 * (then the records stay in {@code --checkpoint-dir}).
 */
public final class CheckpointOptions {

    @Option(names = "--checkpoint-uri", paramLabel = "URI", description = "Keep checkpoints, the run's lease and the dead "
            + "letters in this MongoDB deployment instead of --checkpoint-dir (FRAMEWORK_CHECKPOINT_URI), e.g. the target's.")
    String uri;
    @Option(names = "--checkpoint-db", paramLabel = "NAME", description = "Database of --checkpoint-uri (FRAMEWORK_CHECKPOINT_DB; "
            + "default: the URI's, else dataworks_checkpoints). Must not be a source or target database of the run.")
    String database;

    /** A MongoDB checkpoint store: the connection string (a secret) and the database. */
    public record MongoStore(MongoUri uri, String database) {
        /** For messages: the database and the masked connection string. */
        public String location() {
            return "database " + database + " at " + uri.masked();
        }
    }

    /** The flags given, as configuration keys, so they win over system properties, environment and {@code .env_local}. */
    public void putOverrides(Map<String, String> overrides) {
        if (uri != null) {
            overrides.put(MigrationKeys.CHECKPOINT_URI, uri);
        }
        if (database != null) {
            overrides.put(MigrationKeys.CHECKPOINT_DB, database);
        }
    }

    /**
     * The MongoDB store the configuration asks for, or empty for the directory store. Usage errors (exit 2): an
     * unparsable connection string; {@code --checkpoint-dir} given on the command line as well; a database without a
     * connection string; a checkpoint database that is one of the run's source or target databases on the same hosts.
     *
     * @param checkpointDirFlag {@code --checkpoint-dir} as given on the command line, or {@code null}
     * @param runDatabases      the run's source and target deployments and databases
     */
    public Optional<MongoStore> resolve(DataWorksConfig config, Path checkpointDirFlag, Collection<Database> runDatabases) {
        Optional<String> givenUri = config.value(MigrationKeys.CHECKPOINT_URI);
        Optional<String> givenDb = config.value(MigrationKeys.CHECKPOINT_DB);
        if (givenUri.isEmpty()) {
            if (givenDb.isPresent()) {
                throw new ConfigException(MigrationKeys.CHECKPOINT_DB, "--checkpoint-db (" + MigrationKeys.CHECKPOINT_DB
                        + ") names a database of a MongoDB checkpoint store, and there is none: pass --checkpoint-uri too, or "
                        + "drop --checkpoint-db to keep the checkpoints in --checkpoint-dir");
            }
            return Optional.empty();
        }
        if (checkpointDirFlag != null) {
            throw new ConfigException("--checkpoint-dir", "--checkpoint-dir and a checkpoint URI (--checkpoint-uri or "
                    + MigrationKeys.CHECKPOINT_URI + ") both say where the checkpoints are: give one (the URI keeps them in "
                    + "MongoDB, --checkpoint-dir in a directory)");
        }
        MongoUri parsed = MongoUri.parse(MigrationKeys.CHECKPOINT_URI, givenUri.get());
        String name = CheckpointStore.mongoDatabase(parsed.value(), givenDb.orElse(null));
        Set<String> hosts = hosts(parsed);
        for (Database run : runDatabases) {
            if (run.name() != null && run.name().equals(name) && hosts(run.uri()).equals(hosts)) {
                throw new ConfigException(MigrationKeys.CHECKPOINT_DB, "the checkpoint database " + name + " is the run's "
                        + run.role() + " database on the same deployment: the checkpoints would mix with the data (and be "
                        + "copied, verified or deleted with it). Pass --checkpoint-db with a database of its own, e.g. "
                        + "dataworks_checkpoints");
            }
        }
        return Optional.of(new MongoStore(parsed, name));
    }

    private static Set<String> hosts(MongoUri uri) {
        Set<String> hosts = new TreeSet<>();
        uri.hosts().forEach(h -> hosts.add(h.toLowerCase(Locale.ROOT)));
        return hosts;
    }

    /** A database a run reads or writes: its role ("source", "target"), deployment and name. */
    public record Database(String role, MongoUri uri, String name) {
    }
}
