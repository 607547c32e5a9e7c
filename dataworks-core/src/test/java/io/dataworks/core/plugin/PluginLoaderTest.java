package io.dataworks.core.plugin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.dataworks.core.config.ConfigException;

/** Builds real plug-in jars (compiled with javax.tools) and loads them. */
class PluginLoaderTest {

    private static final String SERVICES = "META-INF/services/" + Greeter.class.getName();

    @TempDir
    Path temp;

    private final ListAppender<ILoggingEvent> warnings = new ListAppender<>();
    private final Logger logger = (Logger) LoggerFactory.getLogger(PluginLoader.class);

    @BeforeEach
    void captureWarnings() {
        warnings.start();
        logger.addAppender(warnings);
    }

    @AfterEach
    void releaseWarnings() {
        logger.detachAppender(warnings);
    }

    private static String greeter(String pkg, String cls, String name, String body) {
        return "package " + pkg + ";\n"
                + "public class " + cls + " implements io.dataworks.core.plugin.Greeter {\n"
                + body
                + "  public String name() { return \"" + name + "\"; }\n"
                + "  public String greet(String who) { return \"" + name + ", \" + who; }\n"
                + "}\n";
    }

    /** Compiles {@code sources} (class name → source) into a jar with the given services file. */
    private Path jar(String fileName, Map<String, String> sources, String services) throws IOException,
            URISyntaxException {
        Path src = Files.createTempDirectory(temp, "src");
        Path classes = Files.createTempDirectory(temp, "classes");
        List<String> files = new ArrayList<>();
        for (Map.Entry<String, String> e : sources.entrySet()) {
            Path file = src.resolve(e.getKey().replace('.', '/') + ".java");
            Files.createDirectories(file.getParent());
            Files.writeString(file, e.getValue());
            files.add(file.toString());
        }
        String spiLocation = Path.of(Greeter.class.getProtectionDomain().getCodeSource().getLocation().toURI())
                .toString();
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        List<String> args = new ArrayList<>(List.of("-classpath", spiLocation, "-d", classes.toString(),
                "--release", "17", "-nowarn"));
        args.addAll(files);
        assertThat(javac.run(null, null, null, args.toArray(String[]::new))).as("javac exit code").isZero();

        Path jar = temp.resolve("plugins").resolve(fileName);
        Files.createDirectories(jar.getParent());
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar));
                Stream<Path> walk = Files.walk(classes)) {
            for (Path p : walk.filter(Files::isRegularFile).collect(Collectors.toList())) {
                out.putNextEntry(new JarEntry(classes.relativize(p).toString().replace('\\', '/')));
                out.write(Files.readAllBytes(p));
                out.closeEntry();
            }
            out.putNextEntry(new JarEntry(SERVICES));
            out.write(services.getBytes(StandardCharsets.UTF_8));
            out.closeEntry();
        }
        return jar;
    }

    private Path pluginsDir() {
        return temp.resolve("plugins");
    }

    private void writeCorruptJar() throws IOException {
        try (OutputStream out = Files.newOutputStream(pluginsDir().resolve("corrupt.jar"))) {
            out.write("this is not a zip file".getBytes(StandardCharsets.UTF_8));
        }
        Files.writeString(pluginsDir().resolve("README.txt"), "not a jar");
    }

    @Test
    void loadsProvidersFromJarsAndSkipsBadJarsAndBadProviders() throws Exception {
        jar("greeters.jar", Map.of(
                "acme.Hello", greeter("acme", "Hello", "hello", ""),
                "acme.Hola", greeter("acme", "Hola", "hola", ""),
                "acme.Broken", greeter("acme", "Broken", "broken",
                        "  public Broken() { throw new IllegalStateException(\"boom\"); }\n")),
                "# greeters\nacme.Hello\nacme.Missing\nacme.Broken\nacme.Hola\n");
        writeCorruptJar();

        try (PluginLoader loader = PluginLoader.create(Optional.of(pluginsDir()))) {
            List<Greeter> greeters = loader.load(Greeter.class);

            assertThat(greeters).extracting(Greeter::name).containsExactly("hello", "hola");
            assertThat(loader.jars()).extracting(p -> p.getFileName().toString()).containsExactly("greeters.jar");
            assertThat(loader.select(Greeter.class, "HOLA", Greeter::name).greet("Ana")).isEqualTo("hola, Ana");
            assertThat(greeters.get(0).getClass().getClassLoader()).isSameAs(loader.classLoader());
        }

        List<String> warned = warnings.list.stream().map(ILoggingEvent::getFormattedMessage).collect(Collectors.toList());
        assertThat(warned).anySatisfy(m -> assertThat(m).contains("corrupt.jar"));
        assertThat(warned).anySatisfy(m -> assertThat(m).contains("acme.Missing"));
        assertThat(warned).anySatisfy(m -> assertThat(m).contains("acme.Broken").contains("boom"));
    }

    @Test
    void selectListsTheAvailableNamesWhenNoneOrSeveralMatch() throws Exception {
        jar("a.jar", Map.of("one.Hello", greeter("one", "Hello", "hello", "")), "one.Hello\n");
        jar("b.jar", Map.of("two.Hello", greeter("two", "Hello", "Hello", ""),
                "two.Bye", greeter("two", "Bye", "bye", "")), "two.Hello\ntwo.Bye\n");

        try (PluginLoader loader = PluginLoader.create(Optional.of(pluginsDir()))) {
            assertThatThrownBy(() -> loader.select(Greeter.class, "nope", Greeter::name, "--greeter"))
                    .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.key()).isEqualTo("--greeter"))
                    .hasMessage("no Greeter named 'nope'; available: bye, hello, Hello (pass --greeter with one of "
                            + "these, or add the plug-in jar with --plugins DIR)");
            assertThatThrownBy(() -> loader.select(Greeter.class, "hello", Greeter::name))
                    .isInstanceOf(ConfigException.class)
                    .hasMessageContaining("several Greeter plug-ins are named 'hello'")
                    .hasMessageContaining("one.Hello")
                    .hasMessageContaining("two.Hello");
            assertThat(loader.select(Greeter.class, "bye", Greeter::name).greet("Bo")).isEqualTo("bye, Bo");
        }
    }

    @Test
    void withoutADirectoryOnlyTheClassPathIsSearched() {
        try (PluginLoader loader = PluginLoader.create(Optional.empty())) {
            assertThat(loader.load(Greeter.class)).isEmpty();
            assertThat(loader.classLoader()).isSameAs(PluginLoader.class.getClassLoader());
            assertThatThrownBy(() -> loader.select(Greeter.class, "x", Greeter::name))
                    .hasMessageContaining("available: none");
        }
    }

    @Test
    void aMissingDirectoryIsAUsageError() {
        assertThatThrownBy(() -> PluginLoader.create(Optional.of(temp.resolve("nowhere"))))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.key()).isEqualTo("--plugins"))
                .hasMessageContaining("nowhere")
                .hasMessageContaining("--plugins DIR");
    }
}
