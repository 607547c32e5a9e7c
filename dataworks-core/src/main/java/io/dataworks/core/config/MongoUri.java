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
            throw new ConfigException(key, key + " is empty: give a connection string such as mongodb://host:27017 ("
                    + ConfigKeys.howToFix(key) + ")");
        }
        String trimmed = value.trim();
        try {
            return new MongoUri(trimmed, new ConnectionString(trimmed));
        } catch (IllegalArgumentException e) {
            // The value is not a URI, so maskSecrets may not recognise its password: cut it out by position. The
            // driver's exception is not kept as the cause because its message may quote the raw value.
            String password = passwordOf(trimmed);
            String reason = maskSecrets(String.valueOf(e.getMessage()));
            if (!password.isEmpty()) {
                reason = reason.replace(password, "****");
            }
            throw new ConfigException(key, key + " is not a valid MongoDB connection string (" + redact(trimmed)
                    + "): " + reason + "; " + ConfigKeys.howToFix(key));
        }
    }

    /** {@code user:password} is everything between "://" (or the start) and the last '@'. */
    private static String passwordOf(String text) {
        int at = text.lastIndexOf('@');
        if (at < 0) {
            return "";
        }
        int scheme = text.indexOf("://");
        int start = scheme >= 0 && scheme < at ? scheme + 3 : 0;
        int colon = text.indexOf(':', start);
        return colon >= 0 && colon < at ? text.substring(colon + 1, at) : "";
    }

    private static String redact(String text) {
        String password = passwordOf(text);
        if (password.isEmpty()) {
            return maskSecrets(text);
        }
        int at = text.lastIndexOf('@');
        int colon = at - password.length() - 1;
        return text.substring(0, colon) + ":****" + text.substring(at);
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
