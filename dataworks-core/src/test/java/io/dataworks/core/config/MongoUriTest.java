package io.dataworks.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class MongoUriTest {

    @Test
    void masksThePasswordEverywhereButValue() {
        MongoUri uri = MongoUri.parse(ConfigKeys.SOURCE_URI, " mongodb://admin:s3cr%40t@db1:27017,db2:27017/shop?w=1 ");
        assertThat(uri.value()).isEqualTo("mongodb://admin:s3cr%40t@db1:27017,db2:27017/shop?w=1");
        assertThat(uri.masked()).isEqualTo("mongodb://admin:****@db1:27017,db2:27017/shop?w=1");
        assertThat(uri).hasToString(uri.masked());
        assertThat(uri.hosts()).containsExactly("db1:27017", "db2:27017");
        assertThat(uri.database()).contains("shop");
    }

    @Test
    void masksEveryUriInsideText() {
        String text = "copying mongodb+srv://u:pw1@c.mongodb.net/x to \"mongodb://v:pw2@h:1\" and mongodb://plain:27017";
        assertThat(MongoUri.maskSecrets(text)).isEqualTo(
                "copying mongodb+srv://u:****@c.mongodb.net/x to \"mongodb://v:****@h:1\" and mongodb://plain:27017");
        assertThat(MongoUri.maskSecrets(null)).isNull();
        assertThat(MongoUri.maskSecrets("no uri")).isEqualTo("no uri");
    }

    @Test
    void blankValueNamesKeyAndFlag() {
        assertThatThrownBy(() -> MongoUri.parse(ConfigKeys.TARGET_URI, "  "))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(ConfigKeys.TARGET_URI)
                .hasMessageContaining("--target-uri");
    }
}
