package io.dataworks.core.cli;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

import org.slf4j.LoggerFactory;

import io.dataworks.core.DataWorksException;
import io.dataworks.core.ExitCode;
import io.dataworks.core.config.MongoUri;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * Runs a picocli command and turns its outcome into the exit codes of DESIGN.md: what the command returns (0 for a
 * {@code Runnable}), a {@link DataWorksException}'s own code, 2 for a command-line error, 1 for anything else. Every
 * message printed is masked ({@link MongoUri#maskSecrets(String)}); full stack traces go to the log at DEBUG.
 *
 * <pre>{@code public static void main(String[] args) { System.exit(Cli.run(new FlexibleMigrate(), args)); }}</pre>
 */
public final class Cli {

    private Cli() {
    }

    /** Runs {@code command} with {@code args} on System.out / System.err and returns the exit code. */
    public static int run(Object command, String... args) {
        return run(command, new PrintWriter(System.out, true, StandardCharsets.UTF_8),
                new PrintWriter(System.err, true, StandardCharsets.UTF_8), args);
    }

    /** Like {@link #run(Object, String...)} with the given streams (tests). */
    public static int run(Object command, PrintWriter out, PrintWriter err, String... args) {
        Objects.requireNonNull(command, "command");
        CommandLine commandLine = new CommandLine(command)
                .setOut(out)
                .setErr(err)
                .setCaseInsensitiveEnumValuesAllowed(true)
                .setParameterExceptionHandler(Cli::parameterError)
                .setExecutionExceptionHandler(Cli::executionError);
        try {
            return commandLine.execute(args);
        } finally {
            out.flush();
            err.flush();
        }
    }

    private static int parameterError(ParameterException e, String[] args) {
        CommandLine commandLine = e.getCommandLine();
        PrintWriter err = commandLine.getErr();
        err.println("error: " + MongoUri.maskSecrets(e.getMessage()));
        UnmatchedArgumentException.printSuggestions(e, err);
        err.println("Try '" + commandLine.getCommandSpec().qualifiedName() + " --help' for usage.");
        return ExitCode.USAGE.code();
    }

    private static int executionError(Exception e, CommandLine commandLine, ParseResult parseResult) {
        if (e instanceof ParameterException pe) {
            return parameterError(pe, parseResult.originalArgs().toArray(String[]::new));
        }
        PrintWriter err = commandLine.getErr();
        // looked up here, not in a static field: logging starts up (tens of milliseconds) on a second thread while the
        // command line is parsed, see Preload
        LoggerFactory.getLogger(Cli.class).debug("{} failed", commandLine.getCommandSpec().qualifiedName(), e);
        DataWorksException known = find(e);
        if (known != null) {
            err.println("error: " + MongoUri.maskSecrets(known.getMessage()));
            return known.exitCode().code();
        }
        err.println("error: " + describe(e));
        for (Throwable cause = e.getCause(); cause != null && cause != cause.getCause(); cause = cause.getCause()) {
            err.println("  caused by: " + describe(cause));
        }
        return ExitCode.FAILED.code();
    }

    /** The first DataWorksException in the cause chain: Reactor and executors wrap what the pipeline threw. */
    private static DataWorksException find(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof DataWorksException dwe) {
                return dwe;
            }
        }
        return null;
    }

    private static String describe(Throwable t) {
        String message = t.getMessage();
        return MongoUri.maskSecrets(message == null ? t.getClass().getName() : t.getClass().getName() + ": " + message);
    }
}
