package io.dataworks.migrations.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import io.dataworks.core.cli.Cli;

/** flexible-migrate run in this JVM as the shell would run it, its exit code and both output streams captured. */
final class MigrateCli {

    record Result(int exitCode, String out, String err) {
    }

    private MigrateCli() {
    }

    static Result run(List<String> args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Cli.run(new FlexibleMigrate(), new PrintWriter(out), new PrintWriter(err), args.toArray(String[]::new));
        return new Result(code, out.toString(), err.toString());
    }

    /** An empty {@code --env-file} in {@code dir}, so that no {@code .env_local} of the working directory leaks in. */
    static Path emptyEnvFile(Path dir) {
        try {
            return Files.writeString(dir.resolve("none.env"), "");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
