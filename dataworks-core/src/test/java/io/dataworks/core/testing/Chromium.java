package io.dataworks.core.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Headless Chromium for tests of the live page: the DOM after the page's scripts ran, or a screenshot. Debian's
 * {@code chromium} package (installed by {@code .ci/run}) or {@code CHROMIUM_BIN}; tests skip with a clear message
 * where there is none ({@link #find()}).
 */
public final class Chromium {

    private final Path binary;
    private final Path workDir;

    private Chromium(Path binary, Path workDir) {
        this.binary = binary;
        this.workDir = workDir;
    }

    /** The browser, when one is installed; {@code workDir} holds its profiles and output. */
    public static Optional<Chromium> find(Path workDir) {
        return Stream.of(System.getenv("CHROMIUM_BIN"), "/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome")
                .filter(c -> c != null && !c.isBlank()).map(Path::of).filter(Files::isExecutable).findFirst()
                .map(binary -> new Chromium(binary, workDir));
    }

    /** Why a browser test is skipped here. */
    public static String missing() {
        return "skipped: Chromium is not installed here (set CHROMIUM_BIN, or apt-get install -y chromium chromium-driver, as "
                + ".ci/run does where apt is available)";
    }

    /** The page's DOM once its scripts ran (up to 5 s of virtual time). */
    public String dumpDom(String url) throws IOException, InterruptedException {
        return run(url, "--dump-dom");
    }

    /** A PNG of the page at 1280 x 1560. */
    public void screenshot(String url, Path png) throws IOException, InterruptedException {
        Files.createDirectories(png.toAbsolutePath().getParent());
        Files.deleteIfExists(png);
        run(url, "--screenshot=" + png.toAbsolutePath());
    }

    private String run(String url, String what) throws IOException, InterruptedException {
        Path profile = Files.createTempDirectory(workDir, "chromium");
        List<String> command = List.of(binary.toString(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--hide-scrollbars", "--no-first-run", "--user-data-dir=" + profile, "--window-size=1280,1560",
                "--virtual-time-budget=5000", what, url);
        Path out = Files.createTempFile(workDir, "chromium", ".out");
        Path err = Files.createTempFile(workDir, "chromium", ".err");
        Process process = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!process.waitFor(90, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("Chromium did not finish within 90 s: " + Files.readString(err));
        }
        if (process.exitValue() != 0) {
            throw new AssertionError("Chromium exited with " + process.exitValue() + ": " + Files.readString(err));
        }
        return Files.readString(out);
    }
}
