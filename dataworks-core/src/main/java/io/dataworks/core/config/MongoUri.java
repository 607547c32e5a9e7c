package io.dataworks.core.config;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.mongodb.ConnectionString;

/**
 * A MongoDB connection string that never shows its password: {@link #toString()} and {@link #masked()}
 * replace it with {@code ****}. Only {@link #value()} gives the raw string, for the driver.
 */
public final class MongoUri {

    /** {@code scheme://user:password@}: the password is everything between the first ':' and the last '@' of the authority. */
    private static final Pattern CREDENTIALS =
            Pattern.compile("(mongodb(?:\\+srv)?://)([^:/@\\s]*):([^\\s]*?)@(?=[^@\\s]*(?:[/?\\s\"']|$))");

    private final String value;
    private final ConnectionString parsed;

    private MongoUri(String value, ConnectionString parsed) {
        this.value = value;
        this.parsed = parsed;
    }

    /**
     * Parses {@code value}, naming {@code key} (and the flag that sets it) in the message when it is blank or
     * not a MongoDB connection string.
     */
    public static MongoUri parse(String key, String value) {
        Objects.requireNonNull(key, "key");
        if (value == null || value.isBlank()) {
            throw new ConfigException(key, key + " is empty: give a connection string such as mongodb://host:27017");
        }
        String trimmed = value.trim();
        try {
            return new MongoUri(trimmed, new ConnectionString(trimmed));
        } catch (IllegalArgumentException e) {
            throw new ConfigException(key, key + " is not a valid MongoDB connection string (" + maskSecrets(trimmed)
                    + "): " + maskSecrets(String.valueOf(e.getMessage())), e);
        }
    }

    /** The raw connection string, password included: hand it to the driver, never to a log or a report. */
    public String value() {
        return value;
    }

    /** The driver's parsed form. */
    public ConnectionString connectionString() {
        return parsed;
    }

    public String masked() {
        return maskSecrets(value);
    }

    public List<String> hosts() {
        return parsed.getHosts();
    }

    public Optional<String> database() {
        return Optional.ofNullable(parsed.getDatabase());
    }

    /** Masks the password of every {@code mongodb://} or {@code mongodb+srv://} URI found in {@code text}. */
    public static String maskSecrets(String text) {
        if (text == null || text.indexOf("mongodb") < 0) {
            return text;
        }
        Matcher m = CREDENTIALS.matcher(text);
        if (!m.find()) {
            return text;
        }
        StringBuilder out = new StringBuilder(text.length());
        do {
            m.appendReplacement(out, Matcher.quoteReplacement(m.group(1) + m.group(2) + ":****@"));
        } while (m.find());
        m.appendTail(out);
        return out.toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MongoUri other && other.value.equals(value);
    }

    @Override
    public int hashCode() {
        return value.hashCode();
    }

    @Override
    public String toString() {
        return masked();
    }
}
