package io.dataworks.core.config;

import java.util.List;
import java.util.Locale;
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

    /**
     * The one masker of secrets for every module: logs, messages, reports, metrics, checkpoints and dead letters all
     * go through it. It masks, wherever they stand in {@code text}:
     * <ul>
     * <li>the password of every {@code mongodb://} or {@code mongodb+srv://} URI ({@code user:****@}; the password is
     * everything up to the authority's last {@code @}, so {@code @}, {@code :} and {@code %} in it are covered);</li>
     * <li>every value of {@code authMechanismProperties} ({@code AWS_SESSION_TOKEN:****,SERVICE_NAME:****});</li>
     * <li>the value of every option or property whose name contains {@code password}, {@code token}, {@code secret}
     * or {@code credential} in any case ({@code tlsCertificateKeyFilePassword=****}, {@code AWS_SESSION_TOKEN:****},
     * {@code "password": "****"}).</li>
     * </ul>
     * Over-masking a harmless value is accepted; printing a secret is not.
     */
    public static String maskSecrets(String text) {
        if (text == null || text.isEmpty()) {
            return text;
        }
        String out = text;
        if (out.indexOf("mongodb") >= 0) {
            out = replaceAll(CREDENTIALS, out, m -> m.group(1) + m.group(2) + ":****@");
        }
        // The two case-insensitive patterns try a match at every position of the text; most messages (every log
        // line goes through here) hold none of their words, which one lower-cased copy tells at a fraction of the cost.
        // Lower-casing maps every letter the patterns' ASCII case-insensitivity equates, so no match is skipped.
        String lower = out.toLowerCase(Locale.ROOT);
        if (lower.contains("authmechanismproperties")) {
            out = replaceAll(MECHANISM_PROPERTIES, out, m -> m.group(1) + maskPropertyValues(m.group(2)));
        }
        if (SECRET_WORDS.stream().anyMatch(lower::contains)) {
            out = replaceAll(SECRET_OPTION, out, m -> m.group(1) + "****");
        }
        return out;
    }

    /** {@code authMechanismProperties=} and its value, up to the next option, blank or quote. */
    private static final Pattern MECHANISM_PROPERTIES =
            Pattern.compile("(?i)(authMechanismProperties\\s*[=:]\\s*[\"']?)([^&\\s\"']+)");

    /** The words {@link #SECRET_OPTION} looks for in a name, lower case. */
    private static final List<String> SECRET_WORDS = List.of("password", "passwd", "pwd", "token", "secret", "credential");

    /**
     * A name that contains password/token/secret/credential, then {@code =} or {@code :} (optionally quoted, as in
     * JSON), then the value up to the next separator. Names are letters, digits, {@code _} and {@code -}. A value that
     * opens a document or an array (a resume token) is a structure, not a secret, and is left alone.
     */
    private static final Pattern SECRET_OPTION = Pattern.compile(
            "(?i)([A-Za-z0-9_-]*(?:" + String.join("|", SECRET_WORDS) + ")[A-Za-z0-9_-]*[\"']?\\s*[=:]\\s*[\"']?)"
                    + "(?!\\*\\*\\*\\*|[{\\[])([^&,;\\s\"'}\\]]+)");

    private static String maskPropertyValues(String properties) {
        StringBuilder out = new StringBuilder(properties.length());
        for (String pair : properties.split(",", -1)) {
            if (out.length() > 0) {
                out.append(',');
            }
            int colon = pair.indexOf(':');
            out.append(colon < 0 ? pair : pair.substring(0, colon + 1) + "****");
        }
        return out.toString();
    }

    private static String replaceAll(Pattern pattern, String text, java.util.function.Function<Matcher, String> replacement) {
        Matcher m = pattern.matcher(text);
        if (!m.find()) {
            return text;
        }
        StringBuilder out = new StringBuilder(text.length());
        do {
            m.appendReplacement(out, Matcher.quoteReplacement(replacement.apply(m)));
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
