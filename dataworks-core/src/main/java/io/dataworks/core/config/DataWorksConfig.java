package io.dataworks.core.config;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

import org.eclipse.microprofile.config.spi.Converter;

import io.smallrye.config.SmallRyeConfig;

/**
 * The loaded configuration: typed records per concern, plus raw access for module-specific keys. Immutable and
 * thread-safe. Built by {@link ConfigLoader}.
 */
public final class DataWorksConfig {

    private static final Map<Class<?>, Class<?>> BOXED = Map.of(int.class, Integer.class, long.class, Long.class,
            double.class, Double.class, boolean.class, Boolean.class, float.class, Float.class, short.class,
            Short.class, byte.class, Byte.class, char.class, Character.class);

    private static final Set<String> TRUE = Set.of("true", "yes", "on", "1");
    private static final Set<String> FALSE = Set.of("false", "no", "off", "0");

    private final SmallRyeConfig config;
    private final Endpoint source;
    private final Endpoint target;
    private final WorkerConfig workers;
    private final RetryConfig retry;
    private final List<String> warnings;

    DataWorksConfig(SmallRyeConfig config, Endpoint source, Endpoint target, WorkerConfig workers, RetryConfig retry,
            List<String> warnings) {
        this.config = config;
        this.source = source;
        this.target = target;
        this.workers = workers;
        this.retry = retry;
        this.warnings = List.copyOf(warnings);
    }

    /** What the load noticed but did not fail on (unknown {@code FRAMEWORK_} keys, with a did-you-mean); logged at WARN. */
    public List<String> warnings() {
        return warnings;
    }

    /**
     * Runs a module's own reading of its {@code FRAMEWORK_} keys (e.g. {@code AlertRule::fromConfig}) over this
     * configuration. A value it rejects with an {@link IllegalArgumentException} becomes a {@link ConfigException}
     * (exit code 2) naming the key it was reading, where the value came from and how to fix it.
     */
    public <T> T read(java.util.function.Function<java.util.function.Function<String, Optional<String>>, T> reader) {
        Objects.requireNonNull(reader, "reader");
        String[] last = new String[1];
        try {
            return reader.apply(key -> {
                last[0] = key;
                return value(key);
            });
        } catch (IllegalArgumentException e) {
            if (last[0] == null) {
                throw e;
            }
            String key = last[0];
            String message = String.valueOf(e.getMessage());
            throw new ConfigException(key, MongoUri.maskSecrets(message.startsWith(key) ? message : key + ": " + message)
                    + new ConfigLoader.Values(config).origin(key) + ": " + ConfigKeys.howToFix(key));
        }
    }

    /**
     * The source endpoint, or empty when {@code FRAMEWORK_SOURCE_DB_CONNECTION_STRING} is not set.
     *
     * @throws ConfigException when the connection string is set but the database name is missing
     */
    public Optional<EndpointConfig> source() {
        return source.optional();
    }

    /** The source endpoint; a {@link ConfigException} naming the missing key and its flag when it is not set. */
    public EndpointConfig requireSource() {
        return source.require();
    }

    /** The target endpoint, or empty when {@code FRAMEWORK_TARGET_DB_CONNECTION_STRING} is not set. */
    public Optional<EndpointConfig> target() {
        return target.optional();
    }

    /** The target endpoint; a {@link ConfigException} naming the missing key and its flag when it is not set. */
    public EndpointConfig requireTarget() {
        return target.require();
    }

    public WorkerConfig workers() {
        return workers;
    }

    public RetryConfig retry() {
        return retry;
    }

    /** The raw value of {@code key} from the highest source that has it (defaults included); blank counts as unset. */
    public Optional<String> value(String key) {
        Objects.requireNonNull(key, "key");
        String raw = config.getConfigValue(key).getValue();
        return raw == null || raw.isBlank() ? Optional.empty() : Optional.of(raw.strip());
    }

    /**
     * The raw value of {@code key}, which the tool needs.
     *
     * @throws ConfigException "KEY is not set: pass --flag or set it in .env_local" when it has no value
     */
    public String require(String key) {
        return value(key).orElseThrow(() -> new ConfigException(key, key + " is not set: " + ConfigKeys.howToSet(key)));
    }

    /**
     * The value of a module-specific {@code key} converted to {@code type} (String, Integer, Long, Double, Boolean,
     * enums, anything SmallRye Config converts), or {@code defaultValue} when unset.
     *
     * @throws ConfigException naming the key and its flag when the value does not convert
     */
    public <T> T get(String key, Class<T> type, T defaultValue) {
        Objects.requireNonNull(type, "type");
        Optional<String> raw = value(key);
        if (raw.isEmpty()) {
            return defaultValue;
        }
        @SuppressWarnings("unchecked")
        Class<T> boxed = (Class<T>) BOXED.getOrDefault(type, type);
        String v = raw.get();
        try {
            if (boxed == Boolean.class) {
                String lower = v.toLowerCase(Locale.ROOT);
                if (TRUE.contains(lower) || FALSE.contains(lower)) {
                    return boxed.cast(TRUE.contains(lower));
                }
                throw new IllegalArgumentException("not a boolean");
            }
            if (boxed.isEnum()) {
                for (T constant : boxed.getEnumConstants()) {
                    if (((Enum<?>) constant).name().equalsIgnoreCase(v.replace('-', '_'))) {
                        return constant;
                    }
                }
                throw new IllegalArgumentException("not one of the names");
            }
            Converter<T> converter = config.getConverter(boxed)
                    .orElseThrow(() -> new IllegalStateException("no converter for " + boxed.getName()));
            T converted = converter.convert(v);
            if (converted == null) {
                throw new IllegalArgumentException("empty");
            }
            return converted;
        } catch (IllegalArgumentException e) {
            throw new ConfigException(key, key + " must be " + describe(boxed) + ", was '" + MongoUri.maskSecrets(v)
                    + "'" + new ConfigLoader.Values(config).origin(key) + ": " + ConfigKeys.howToFix(key));
        }
    }

    /**
     * Every {@code FRAMEWORK_} key that has a value, with connection strings masked and where the value came from,
     * for a start-up log line or {@code --dry-run}.
     */
    public Map<String, String> describe() {
        Map<String, String> out = new TreeMap<>();
        for (String name : config.getPropertyNames()) {
            if (name.startsWith(ConfigKeys.PREFIX)) {
                value(name).ifPresent(v -> out.put(name, MongoUri.maskSecrets(v)));
            }
        }
        return out;
    }

    private static String describe(Class<?> type) {
        if (type == Integer.class || type == Long.class || type == Short.class || type == Byte.class) {
            return "a whole number";
        }
        if (type == Double.class || type == Float.class) {
            return "a number";
        }
        if (type == Boolean.class) {
            return "true or false";
        }
        if (type.isEnum()) {
            StringBuilder names = new StringBuilder("one of ");
            Object[] constants = type.getEnumConstants();
            for (int i = 0; i < constants.length; i++) {
                names.append(i == 0 ? "" : ", ").append(((Enum<?>) constants[i]).name().toLowerCase(Locale.ROOT));
            }
            return names.toString();
        }
        return "a valid " + type.getSimpleName();
    }

    @Override
    public String toString() {
        return "DataWorksConfig" + describe();
    }

    /** One side's outcome: configured, not configured, or configured without a database. */
    static final class Endpoint {

        private final EndpointConfig config;
        /** Why {@link #require()} fails: the connection string or the database name is missing. */
        private final ConfigException problem;
        /** The connection string is set but something required (the database name) is not. */
        private final boolean incomplete;

        private Endpoint(EndpointConfig config, ConfigException problem, boolean incomplete) {
            this.config = config;
            this.problem = problem;
            this.incomplete = incomplete;
        }

        static Endpoint of(EndpointConfig config) {
            return new Endpoint(config, null, false);
        }

        static Endpoint missing(ConfigException notSet) {
            return new Endpoint(null, notSet, false);
        }

        static Endpoint incomplete(ConfigException problem) {
            return new Endpoint(null, problem, true);
        }

        Optional<EndpointConfig> optional() {
            if (incomplete) {
                throw copy(problem);
            }
            return Optional.ofNullable(config);
        }

        EndpointConfig require() {
            if (config == null) {
                throw copy(problem);
            }
            return config;
        }

        /** A fresh exception each time, so its stack trace shows the caller that needed the endpoint. */
        private static ConfigException copy(ConfigException e) {
            return new ConfigException(e.key(), e.getMessage());
        }
    }
}
