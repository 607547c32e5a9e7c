package io.dataworks.spark;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeSet;
import java.util.UUID;
import java.util.function.Supplier;

import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;

import io.dataworks.core.ExitCode;
import io.dataworks.core.cli.Cli;
import io.dataworks.core.config.ConfigKeys;
import io.dataworks.core.config.DataWorksConfig;
import io.dataworks.migrations.cli.FlexibleMigrate;
import io.dataworks.migrations.cli.MigrateOptions;
import picocli.CommandLine;

/**
 * {@code spark-submit --class io.dataworks.spark.SparkMigrate dataworks-spark.jar <flexible-migrate options>}: the same
 * migration as {@code flexible-migrate} (the same options, checks, stages, report and exit codes), with the copy stage
 * run as a Spark job of one task per partition. The driver plans, stores the plan in the checkpoint store and hands out
 * partition descriptors; executors copy the partitions with the CLI's partition copier and write each partition's
 * progress to the store after every acknowledged batch, so a retried task, a lost executor and a rerun of the whole job
 * continue after the last acknowledged {@code _id}. Verification compares each partition's digests in a Spark task too
 * (the driver names the documents of a partition that differs); delete reconciliation and follow run on the driver.
 *
 * <p>Speculative execution ({@code spark.speculation=true}) is refused (exit 2): two attempts of one partition would
 * write the same documents twice over (harmless, the writes are idempotent) and race on its progress record.
 */
public final class SparkMigrate {

    static final String SPECULATION = "spark.speculation";

    private SparkMigrate() {
    }

    public static void main(String[] args) {
        SparkConf conf = new SparkConf().setIfMissing("spark.app.name", "dataworks-migrate");
        JavaSparkContext[] created = new JavaSparkContext[1];
        int code;
        try {
            code = run(conf, () -> {
                synchronized (created) {
                    if (created[0] == null) {
                        created[0] = new JavaSparkContext(conf);
                    }
                    return created[0];
                }
            }, new PrintWriter(System.out, true, StandardCharsets.UTF_8), new PrintWriter(System.err, true, StandardCharsets.UTF_8),
                    args);
        } finally {
            synchronized (created) {
                if (created[0] != null) {
                    created[0].stop();
                }
            }
        }
        System.exit(code);
    }

    /**
     * Runs the migration with {@code args}; the Spark context is asked for only when there are partitions to copy
     * ({@code --help}, {@code --dry-run} and a finished copy start no Spark job). Returns the exit code.
     *
     * @param conf    the application's configuration (what spark-submit set), checked before anything runs
     * @param context the Spark context to run the copy in (the caller's: this does not stop it)
     */
    public static int run(SparkConf conf, Supplier<JavaSparkContext> context, PrintWriter out, PrintWriter err, String... args) {
        if (conf.getBoolean(SPECULATION, false)) {
            err.println("error: " + SPECULATION + "=true is not supported: two attempts of one partition would race on its "
                    + "progress record. Submit with --conf " + SPECULATION + "=false (a slow partition is better split: "
                    + "raise --parallel-cursors)");
            err.flush();
            return ExitCode.USAGE.code();
        }
        if (demoRequested(args)) {
            err.println("error: --demo runs everything in one process: use flexible-migrate --demo; the Spark job needs "
                    + "--source-uri and --target-uri that every executor can reach");
            err.flush();
            return ExitCode.USAGE.code();
        }
        String jobId = UUID.randomUUID().toString();
        FlexibleMigrate[] command = new FlexibleMigrate[1];
        Supplier<JobSpec> spec = () -> jobSpec(jobId, command[0], args);
        SparkCopy copy = new SparkCopy(context, spec, jobId);
        SparkVerify verify = new SparkVerify(context, spec);
        command[0] = new FlexibleMigrate(run -> run.withCopyStage(copy).withPartitionDigests(verify));
        try {
            return Cli.run(command[0], out, err, args);
        } finally {
            ExecutorContext.close(jobId);
        }
    }

    private static boolean demoRequested(String[] args) {
        FlexibleMigrate probe = new FlexibleMigrate();
        try {
            new CommandLine(probe).setCaseInsensitiveEnumValuesAllowed(true).parseArgs(args);
        } catch (CommandLine.ParameterException e) {
            return false; // Cli.run reports it
        }
        return probe.demo();
    }

    /** The executors' view of the job: this command line and the configuration the driver resolved from it. */
    static JobSpec jobSpec(String jobId, FlexibleMigrate command, String[] args) {
        MigrateOptions options = command.options();
        DataWorksConfig config = options.loadConfig(command.common());
        Map<String, String> values = new LinkedHashMap<>();
        TreeSet<String> keys = new TreeSet<>(ConfigKeys.KNOWN);
        keys.addAll(config.describe().keySet());
        for (String key : keys) {
            config.value(key).ifPresent(v -> values.put(key, v));
        }
        return new JobSpec(jobId, Arrays.asList(args), values,
                MigrateOptions.checkpointDir(config).toAbsolutePath().toString());
    }
}
