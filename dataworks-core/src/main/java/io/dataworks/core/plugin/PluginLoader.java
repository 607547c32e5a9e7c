package io.dataworks.core.plugin;

import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.jar.JarFile;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.dataworks.core.config.ConfigException;

/**
 * Finds plug-ins with {@link ServiceLoader}: on the application class path and in the jars of a {@code --plugins}
 * directory. One bad jar or one provider that fails to load is logged and skipped; it does not take the scan down.
 * Thread-safe; close it when the plug-ins are no longer used.
 */
public final class PluginLoader implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(PluginLoader.class);

    /** Stops a ServiceLoader that keeps failing on the same entry from spinning forever. */
    private static final int MAX_ERRORS_PER_SCAN = 100;

    private final ClassLoader classLoader;
    private final URLClassLoader ownLoader;
    private final List<Path> jars;
    /** Each broken provider is reported once per loader, not on every scan. */
    private final Set<String> reported = ConcurrentHashMap.newKeySet();

    private PluginLoader(ClassLoader classLoader, URLClassLoader ownLoader, List<Path> jars) {
        this.classLoader = classLoader;
        this.ownLoader = ownLoader;
        this.jars = jars;
    }

    /**
     * A loader over the application class path plus, when {@code pluginsDir} is given, every {@code *.jar} in it.
     *
     * @throws ConfigException for {@code --plugins} when the directory does not exist
     */
    public static PluginLoader create(Optional<Path> pluginsDir) {
        Objects.requireNonNull(pluginsDir, "pluginsDir");
        ClassLoader parent = PluginLoader.class.getClassLoader();
        if (pluginsDir.isEmpty()) {
            return new PluginLoader(parent, null, List.of());
        }
        Path dir = pluginsDir.get();
        if (!Files.isDirectory(dir)) {
            throw new ConfigException("--plugins", "the plug-in directory " + dir.toAbsolutePath()
                    + " does not exist or is not a directory: pass --plugins DIR with a directory of plug-in jars");
        }
        List<Path> candidates;
        try (Stream<Path> files = Files.list(dir)) {
            candidates = files.filter(p -> p.getFileName().toString().endsWith(".jar") && Files.isRegularFile(p))
                    .sorted().collect(Collectors.toList());
        } catch (IOException e) {
            throw new ConfigException("--plugins", "cannot list the plug-in directory " + dir.toAbsolutePath() + ": "
                    + e.getMessage(), e);
        }
        List<Path> jars = new ArrayList<>();
        List<URL> urls = new ArrayList<>();
        for (Path jar : candidates) {
            try (JarFile opened = new JarFile(jar.toFile())) {
                opened.getManifest(); // reads the central directory: a corrupt jar fails here, not in ServiceLoader
                urls.add(jar.toUri().toURL());
                jars.add(jar);
            } catch (IOException | SecurityException e) {
                LOG.warn("skipping plug-in jar {}: it cannot be read as a jar ({})", jar, e.getMessage());
            }
        }
        if (jars.isEmpty()) {
            LOG.warn("no plug-in jars in {}", dir.toAbsolutePath());
        } else {
            LOG.info("plug-in jars: {}", jars.stream().map(p -> p.getFileName().toString())
                    .collect(Collectors.joining(", ")));
        }
        URLClassLoader own = new URLClassLoader("dataworks-plugins", urls.toArray(URL[]::new), parent);
        return new PluginLoader(own, own, List.copyOf(jars));
    }

    /** The class loader plug-ins come from (the application's, or one over the plug-in jars on top of it). */
    public ClassLoader classLoader() {
        return classLoader;
    }

    /** The plug-in jars that were readable, in load order. */
    public List<Path> jars() {
        return jars;
    }

    /** Every provider of {@code spi} that loads; the others are logged at WARN and skipped. */
    public <T> List<T> load(Class<T> spi) {
        Objects.requireNonNull(spi, "spi");
        List<T> providers = new ArrayList<>();
        Iterator<T> it = ServiceLoader.load(spi, classLoader).iterator();
        int errors = 0;
        while (errors < MAX_ERRORS_PER_SCAN) {
            try {
                if (!it.hasNext()) {
                    break;
                }
                providers.add(it.next());
            } catch (ServiceConfigurationError | LinkageError e) {
                errors++;
                String problem = describe(e);
                if (reported.add(problem)) {
                    LOG.warn("skipping a {} plug-in that failed to load: {}", spi.getSimpleName(), problem);
                }
            }
        }
        return List.copyOf(providers);
    }

    /**
     * The one provider of {@code spi} whose {@code nameOf} equals {@code name} (ignoring case).
     *
     * @throws ConfigException listing the available names when none or several match
     */
    public <T> T select(Class<T> spi, String name, Function<T, String> nameOf) {
        return select(spi, name, nameOf, spi.getSimpleName());
    }

    /** Like {@link #select(Class, String, Function)}, naming {@code flag} (e.g. {@code --strategy}) in the message. */
    public <T> T select(Class<T> spi, String name, Function<T, String> nameOf, String flag) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(nameOf, "nameOf");
        List<T> all = load(spi);
        List<T> matches = all.stream().filter(p -> name.equalsIgnoreCase(nameOf.apply(p))).collect(Collectors.toList());
        if (matches.size() == 1) {
            return matches.get(0);
        }
        String available = all.stream().map(nameOf).sorted(String.CASE_INSENSITIVE_ORDER)
                .collect(Collectors.joining(", "));
        if (matches.isEmpty()) {
            throw new ConfigException(flag, "no " + spi.getSimpleName() + " named '" + name + "'; available: "
                    + (available.isEmpty() ? "none" : available) + " (pass " + flag
                    + " with one of these, or add the plug-in jar with --plugins DIR)");
        }
        String classes = matches.stream().map(p -> p.getClass().getName()).collect(Collectors.joining(", "));
        throw new ConfigException(flag, "several " + spi.getSimpleName() + " plug-ins are named '" + name + "' ("
                + classes + "); available: " + available + " (remove the duplicate jar from the class path or the "
                + "--plugins directory)");
    }

    @Override
    public void close() {
        if (ownLoader != null) {
            try {
                ownLoader.close();
            } catch (IOException e) {
                LOG.debug("closing the plug-in class loader failed", e);
            }
        }
    }

    private static String describe(Throwable e) {
        StringBuilder out = new StringBuilder(String.valueOf(e.getMessage()));
        for (Throwable c = e.getCause(); c != null && c != c.getCause(); c = c.getCause()) {
            out.append("; caused by ").append(c);
        }
        return out.toString();
    }
}
