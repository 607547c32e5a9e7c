package io.dataworks.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class FlavourTest {

    @ParameterizedTest
    @CsvSource({
            "mongodb://acct:key@acct.mongo.cosmos.azure.com:10255/?ssl=true, COSMOS_DB",
            "mongodb://acct:key@ACCT.MONGO.COSMOS.AZURE.COM:10255/?ssl=true, COSMOS_DB",
            "mongodb://acct:key@acct.documents.azure.com:10255/?ssl=true, COSMOS_DB",
            "mongodb+srv://u:p@cluster0.ab12c.mongodb.net/?retryWrites=true, ATLAS",
            "'mongodb://u:p@shard-00-00.ab12c.mongodb.net:27017,shard-00-01.ab12c.mongodb.net:27017/', ATLAS",
            "mongodb+srv://u:p@vcore.mongocluster.cosmos.azure.com/?tls=true, MONGODB",
            "mongodb://localhost:27017, MONGODB",
            "mongodb://127.0.0.1:1234/db, MONGODB",
            "mongodb://[::1]:27017, MONGODB",
            "mongodb://mongodb.net.example.com, MONGODB",
    })
    void detectsTheFlavourFromTheHost(String uri, Flavour expected) {
        assertThat(Flavour.detect(MongoUri.parse("K", uri))).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource({"cosmos, COSMOS_DB", "COSMOS, COSMOS_DB", "cosmos_db, COSMOS_DB", "cosmos-db, COSMOS_DB",
            "atlas, ATLAS", "Atlas, ATLAS", "mongodb, MONGODB", " MongoDB , MONGODB"})
    void parsesTheNamesUsersType(String value, Flavour expected) {
        assertThat(Flavour.parse(ConfigKeys.TARGET_TYPE, value)).isEqualTo(expected);
        assertThat(Flavour.parse("K", expected.cliName())).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource({"dynamo", "''", "mongo db"})
    void rejectsOtherNames(String value) {
        assertThatThrownBy(() -> Flavour.parse(ConfigKeys.TARGET_TYPE, value))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(ConfigKeys.TARGET_TYPE)
                .hasMessageContaining("--target-type");
    }
}
