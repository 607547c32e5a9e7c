package io.dataworks.generators.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 12 bug 6, end to end: flexible-generator.jar under a real pseudo-terminal ({@code script} from util-linux).
 * Progress is drawn only when stderr is a terminal, and the final log line is never glued to it.
 */
class ProgressOnATerminalIT {

    private static final Path JAR = Path.of("target", "flexible-generator.jar").toAbsolutePath();

    @TempDir
    Path dir;

    @Test
    void stderrRedirectedToAFileGetsNoCarriageReturnsEvenWhenStdoutIsATerminal() throws Exception {
        assumeTools();
        Path err = dir.resolve("err.log");
        terminal("java -jar " + JAR + " --template " + template() + " -n 200000 -o " + dir.resolve("out.jsonl")
                + " 2> " + err);
        String log = Files.readString(err);
        assertThat(log).contains("wrote 200000 documents").contains("flexible-generator completed");
        assertThat(log).doesNotContain("\r");
    }

    @Test
    void withStdoutRedirectedTheTerminalStillShowsProgressAndTheLastLogLineStartsItsOwnLine() throws Exception {
        assumeTools();
        String screen = terminal("java -jar " + JAR + " --template " + template() + " -n 300000 -o - > "
                + dir.resolve("out.jsonl"));
        assertThat(screen).contains("\r"); // the progress line is drawn in place
        List<String> lines = rendered(screen);
        assertThat(lines).anySatisfy(l -> assertThat(l).matches("\\d\\d:\\d\\d:\\d\\d\\.\\d{3} INFO .*wrote 300000 documents.*"));
        assertThat(lines).anySatisfy(l -> assertThat(l).startsWith("100.0% 300,000/300,000 docs"));
        assertThat(lines).anySatisfy(l -> assertThat(l).startsWith("flexible-generator completed in "));
        assertThat(Files.readAllLines(dir.resolve("out.jsonl"))).hasSize(300_000);
    }

    /** Runs {@code command} in a pseudo-terminal and returns what the terminal received. */
    private String terminal(String command) throws Exception {
        Path typescript = dir.resolve("terminal.out");
        Process p = new ProcessBuilder("script", "-qec", command, "/dev/null")
                .redirectOutput(typescript.toFile()).redirectErrorStream(true).start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("the run did not finish within 120 s");
        }
        String out = Files.readString(typescript, StandardCharsets.UTF_8);
        assertThat(p.exitValue()).as(out).isZero();
        return out;
    }

    /** What a person sees: '\r' returns to column 0 and overwrites; the pty's "\r\n" ends a line. */
    private static List<String> rendered(String output) {
        List<String> lines = new ArrayList<>();
        StringBuilder line = new StringBuilder();
        int col = 0;
        for (char c : output.replace("\r\n", "\n").toCharArray()) {
            if (c == '\n') {
                lines.add(line.toString().strip());
                line.setLength(0);
                col = 0;
            } else if (c == '\r') {
                col = 0;
            } else {
                if (col < line.length()) {
                    line.setCharAt(col, c);
                } else {
                    line.append(c);
                }
                col++;
            }
        }
        lines.add(line.toString().strip());
        return lines;
    }

    private Path template() throws Exception {
        return Files.writeString(dir.resolve("t.json"), FlexibleGeneratorIT.TEMPLATE);
    }

    private static void assumeTools() {
        Assumptions.assumeTrue(Files.isRegularFile(JAR), "skipped: " + JAR + " is not built (run mvn verify)");
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/script")),
                "skipped: no 'script' (util-linux) to give the run a pseudo-terminal");
    }
}
