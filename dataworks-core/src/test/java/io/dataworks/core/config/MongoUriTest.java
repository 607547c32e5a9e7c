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

    @Test
    void masksCredentialBearingOptionsInUrisAndText() {
        String uri = "mongodb://u:p%40ss:w@rd@h1:27017/db?authMechanism=MONGODB-AWS"
                + "&authMechanismProperties=AWS_SESSION_TOKEN:tok3nValue,SERVICE_NAME:svcName"
                + "&tlsCertificateKeyFilePassword=k3yPass&tls=true&appName=x";
        String masked = MongoUri.maskSecrets("cannot reach " + uri + ": refused");
        assertThat(masked).doesNotContain("p%40ss", "w@rd", "tok3nValue", "svcName", "k3yPass")
                .contains("mongodb://u:****@h1:27017/db?authMechanism=MONGODB-AWS")
                .contains("authMechanismProperties=AWS_SESSION_TOKEN:****,SERVICE_NAME:****")
                .contains("tlsCertificateKeyFilePassword=****&tls=true&appName=x");
        // the same secrets outside a URI: driver messages, JSON reports
        assertThat(MongoUri.maskSecrets("property AWS_SESSION_TOKEN:abc123 is invalid")).isEqualTo("property AWS_SESSION_TOKEN:**** is invalid");
        assertThat(MongoUri.maskSecrets("{\"sslPassword\": \"hunter2\", \"n\": 1}")).isEqualTo("{\"sslPassword\": \"****\", \"n\": 1}");
        assertThat(MongoUri.maskSecrets("clientSecret=xyz;other=1")).isEqualTo("clientSecret=****;other=1");
        // any case of every word, and the mechanism properties' name in upper case
        assertThat(MongoUri.maskSecrets("DB_PWD=a1 Passwd: b2 x_CREDENTIAL=c3 AuthMechanismProperties=TOKEN_NAME:d4"))
                .isEqualTo("DB_PWD=**** Passwd: **** x_CREDENTIAL=**** AuthMechanismProperties=TOKEN_NAME:****");
        // idempotent, and structures (resume tokens) are not taken for secrets
        assertThat(MongoUri.maskSecrets(masked)).isEqualTo(masked);
        assertThat(MongoUri.maskSecrets("{\"resumeToken\": {\"_data\": \"82\"}}")).isEqualTo("{\"resumeToken\": {\"_data\": \"82\"}}");
        assertThat(MongoUri.maskSecrets("check user name, password and authSource")).isEqualTo("check user name, password and authSource");
    }

    @Test
    void parsedUriMasksOptionsToo() {
        MongoUri uri = MongoUri.parse(ConfigKeys.SOURCE_URI,
                "mongodb://h:27017/?authMechanism=MONGODB-AWS&authMechanismProperties=AWS_SESSION_TOKEN:s3ss10n");
        assertThat(uri.masked()).doesNotContain("s3ss10n");
        assertThat(uri.toString()).doesNotContain("s3ss10n");
    }
}
