package io.dataworks.spark;

import java.io.Serializable;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * What every executor needs to build the same settings as the driver: the command line (so flags map onto settings
 * through the same {@link io.dataworks.migrations.cli.MigrateOptions}) and the configuration the driver resolved
 * (flags, system properties, environment and {@code .env_local} of the driver's machine), so an executor's own
 * environment changes nothing. Travels inside the tasks' closure: it holds connection strings, so it is never logged
 * ({@link #toString()} leaves the values out).
 *
 * @param jobId         one per driver run: executors keep one context (clients, store) per job and JVM
 * @param checkpointDir the file store's directory (absolute), shared by every machine, when no MongoDB store is given
 */
public record JobSpec(String jobId, List<String> args, Map<String, String> config, String checkpointDir) implements Serializable {

    private static final long serialVersionUID = 1L;

    public JobSpec {
        Objects.requireNonNull(jobId, "jobId");
        args = List.copyOf(args);
        config = Map.copyOf(config);
        Objects.requireNonNull(checkpointDir, "checkpointDir");
    }

    @Override
    public String toString() {
        return "JobSpec[" + jobId + ", keys " + new TreeMap<>(config).keySet() + ", checkpointDir " + checkpointDir + "]";
    }
}
