package io.dataworks.core.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** The repository's .env_local.example documents every key and loads as it is. */
class EnvLocalExampleTest {

    private static final Path EXAMPLE = Path.of("..", ".env_local.example");

    @Test
    void listsEveryCoreKeyWithAComment() throws IOException {
        List<String> lines = Files.readAllLines(EXAMPLE);
        for (String key : coreKeys()) {
            int at = lines.stream().map(String::strip).toList().indexOf(
                    lines.stream().map(String::strip).filter(l -> l.startsWith(key + "=")).findFirst().orElse("?"));
            assertThat(at).as(key + " is in .env_local.example").isPositive();
            assertThat(lines.get(at - 1)).as("the line above " + key + " is its comment").startsWith("# ");
        }
    }

    @Test
    void loadsToTheDefaults() {
        DataWorksConfig config = ConfigLoader.load(Map.of(), EXAMPLE, true, Map.of(), Map.of());
        DataWorksConfig defaults = ConfigLoader.load(Map.of(), Path.of("no-such-file"), false, Map.of(), Map.of());
        assertThat(config.workers()).isEqualTo(defaults.workers());
        assertThat(config.retry()).isEqualTo(defaults.retry());
        assertThat(config.source()).isEmpty();
        assertThat(config.target()).isEmpty();
    }

    private static List<String> coreKeys() {
        List<String> keys = new ArrayList<>();
        for (Field f : ConfigKeys.class.getFields()) {
            if (Modifier.isStatic(f.getModifiers()) && f.getType() == String.class) {
                try {
                    String value = (String) f.get(null);
                    if (value.startsWith(ConfigKeys.PREFIX) && value.length() > ConfigKeys.PREFIX.length()) {
                        keys.add(value);
                    }
                } catch (IllegalAccessException e) {
                    throw new IllegalStateException(e);
                }
            }
        }
        assertThat(keys).hasSizeGreaterThan(30);
        return keys;
    }
}
