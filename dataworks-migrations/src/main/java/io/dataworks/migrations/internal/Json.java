package io.dataworks.migrations.internal;

import org.bson.BsonDocument;
import org.bson.BsonValue;
import org.bson.json.JsonMode;
import org.bson.json.JsonWriterSettings;

/** Short relaxed Extended JSON of one value, for messages. */
final class Json {

    private static final JsonWriterSettings RELAXED = JsonWriterSettings.builder().outputMode(JsonMode.RELAXED).build();

    private Json() {
    }

    static String of(BsonValue value) {
        String json = new BsonDocument("v", value).toJson(RELAXED);
        return json.substring(json.indexOf(':') + 1, json.length() - 1).trim();
    }
}
