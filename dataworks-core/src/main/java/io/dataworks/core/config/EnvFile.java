package io.dataworks.core.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Reads a {@code .env_local} file: {@code KEY=VALUE} lines, {@code #} comment lines, blank lines, an optional
 * {@code export } prefix, values optionally in single or double quotes. An unquoted value ends at {@code " #"}
 * (an inline comment). A later line for the same key wins.
 */
final class EnvFile {

    private static final Pattern KEY = Pattern.compile("[A-Za-z_][A-Za-z0-9_.]*");

    private EnvFile() {
    }

    static Map<String, String> read(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ConfigException("--env-file", "cannot read " + file + ": " + e.getMessage()
                    + " (pass --env-file PATH with a readable file)", e);
        }
        Map<String, String> values = new LinkedHashMap<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (i == 0 && line.startsWith("\uFEFF")) {
                line = line.substring(1).strip();
            }
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            if (line.startsWith("export ")) {
                line = line.substring("export ".length()).strip();
            }
            int eq = line.indexOf('=');
            String key = eq > 0 ? line.substring(0, eq).strip() : "";
            if (!KEY.matcher(key).matches()) {
                // The line is not echoed: it may be a bare connection string with a password in it.
                throw new ConfigException("--env-file", file + " line " + (i + 1)
                        + " is not KEY=VALUE (comment lines start with #): fix the line or pass --env-file PATH");
            }
            values.put(key, unquote(line.substring(eq + 1).strip(), file, i + 1, key));
        }
        return values;
    }

    private static String unquote(String raw, Path file, int lineNumber, String key) {
        if (raw.isEmpty()) {
            return raw;
        }
        char quote = raw.charAt(0);
        if (quote == '"' || quote == '\'') {
            int end = closingQuote(raw, quote);
            if (end < 0) {
                throw new ConfigException(key, file + " line " + lineNumber + ": the value of " + key
                        + " has no closing " + quote + ": " + ConfigKeys.howToFix(key));
            }
            String inner = raw.substring(1, end);
            return quote == '"' ? unescape(inner) : inner;
        }
        int comment = raw.indexOf(" #");
        if (comment < 0) {
            comment = raw.indexOf("\t#");
        }
        return comment < 0 ? raw : raw.substring(0, comment).strip();
    }

    private static int closingQuote(String raw, char quote) {
        for (int i = 1; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '\\' && quote == '"') {
                i++;
            } else if (c == quote) {
                return i;
            }
        }
        return -1;
    }

    private static String unescape(String s) {
        StringBuilder out = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 1 < s.length()) {
                char next = s.charAt(++i);
                switch (next) {
                    case 'n' -> out.append('\n');
                    case 't' -> out.append('\t');
                    default -> out.append(next);
                }
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }
}
