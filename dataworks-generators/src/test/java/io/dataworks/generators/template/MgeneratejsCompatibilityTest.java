package io.dataworks.generators.template;

import static io.dataworks.generators.template.Templates.many;
import static io.dataworks.generators.template.Templates.values;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.Date;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.bson.BsonRegularExpression;
import org.bson.BsonTimestamp;
import org.bson.Document;
import org.bson.types.Binary;
import org.bson.types.Decimal128;
import org.junit.jupiter.api.Test;

import io.dataworks.core.ExitCode;

/** The gaps issue 12 found between mgeneratejs and us, one assertion each (the differential IT checks the rest). */
class MgeneratejsCompatibilityTest {

    private static final String INT_0_5 = "{'$integer': {'min': 0, 'max': 5}}";

    @Test
    void operatorsAreEvaluatedWhereTheyAreOptionValues() {
        for (Object v : values("{'v': {'$integer': {'min': {'$integer': {'min': 10, 'max': 20}}, 'max': 30}}}", 200)) {
            assertThat((Integer) v).isBetween(10, 30);
        }
        for (Object v : values("{'v': {'$date': {'min': {'$date': {'min': '2020-01-01', 'max': '2020-02-01'}}, 'max': '2020-03-01'}}}", 50)) {
            assertThat(((Date) v).toInstant().toString()).startsWith("2020-0");
        }
        assertThat(values("{'v': {'$pickset': {'array': ['a', 'b', 'c', 'd', 'e', 'f'], 'quantity': " + INT_0_5 + "}}}", 300))
                .extracting(v -> ((List<?>) v).size()).containsOnly(0, 1, 2, 3, 4, 5);
        assertThat(new HashSet<>(values("{'v': {'$pick': {'array': ['a', 'b', 'c'], 'element': {'$integer': {'min': 0, 'max': 2}}}}}", 200)))
                .containsExactlyInAnyOrder("a", "b", "c");
        for (Object v : values("{'v': {'$choose': {'from': ['x', 'y'], 'weights': [{'$integer': {'min': 0, 'max': 0}}, 1]}}}", 50)) {
            assertThat(v).isEqualTo("y");
        }
        for (Object v : values("{'v': {'$join': {'array': ['a', 'b', 'c'], 'sep': {'$choose': {'from': ['-', '+']}}}}}", 50)) {
            assertThat((String) v).matches("a-b-c|a\\+b\\+c");
        }
        assertThat(values("{'v': {'$polygon': {'corners': {'$integer': {'min': 3, 'max': 6}}}}}", 200))
                .extracting(v -> ((List<?>) ((Document) v).getList("coordinates", List.class).get(0)).size()).containsOnly(4, 5, 6, 7);
        assertThat(values("{'v': {'$linestring': {'locs': {'$integer': {'min': 2, 'max': 4}}}}}", 200))
                .extracting(v -> ((Document) v).getList("coordinates", Object.class).size()).containsOnly(2, 3, 4);
        assertThat(values("{'v': {'$geometries': {'number': {'$integer': {'min': 1, 'max': 3}}}}}", 200))
                .extracting(v -> ((Document) v).getList("geometries", Object.class).size()).containsOnly(1, 2, 3);
        assertThat(values("{'v': {'$binary': {'length': " + INT_0_5 + "}}}", 300))
                .extracting(v -> ((Binary) v).length()).containsOnly(0, 1, 2, 3, 4, 5);
        assertThat(values("{'v': {'$string': {'length': " + INT_0_5 + "}}}", 300))
                .extracting(v -> ((String) v).length()).containsOnly(0, 1, 2, 3, 4, 5);
        assertThat(values("{'v': {'$decimal': {'fixed': {'$integer': {'min': 1, 'max': 3}}}}}", 300))
                .extracting(v -> ((Decimal128) v).bigDecimalValue().scale()).containsOnly(1, 2, 3);
        for (Object v : values("{'v': {'$coordinates': {'long_lim': [{'$integer': {'min': -20, 'max': -10}}, -5]}}}", 100)) {
            assertThat((Double) ((List<?>) v).get(0)).isBetween(-20.0, -5.0);
        }
        assertThat(values("{'v': {'$timestamp': {'t': {'$integer': {'min': 7, 'max': 9}}, 'i': 1}}}", 100))
                .extracting(v -> ((BsonTimestamp) v).getTime()).containsOnly(7, 8, 9);
        for (Object v : values("{'v': {'$inc': {'start': {'$integer': {'min': 100, 'max': 100}}}}}", 3)) {
            assertThat((Integer) v).isBetween(100, 102);
        }
        assertThat(new HashSet<>(many("{'g': '$gender', 'v': {'$name': {'gender': '$gender'}}}", 20))).isNotEmpty();
        Object regex = values("{'v': {'$regex': {'string': '$word', 'flags': 'i'}}}", 1).get(0);
        assertThat(((BsonRegularExpression) regex).getPattern()).doesNotContain("$").isNotEmpty();
        assertThat(((BsonRegularExpression) regex).getOptions()).isEqualTo("i");
    }

    @Test
    void chanceNamesMgeneratejsPassesThroughExist() {
        assertThat(values("{'v': '$numberInt'}", 50)).allMatch(v -> v instanceof Integer);
        assertThat(values("{'v': '$gauss'}", 50)).allMatch(v -> v instanceof Double);
        assertThat(values("{'v': {'$normal': {'mean': 100, 'dev': 0}}}", 5)).containsOnly(100.0);
        assertThat(new HashSet<>(values("{'v': '$d6'}", 500))).containsExactlyInAnyOrder(1, 2, 3, 4, 5, 6);
        assertThat(new HashSet<>(values("{'v': '$d20'}", 2000))).hasSize(20);
        assertThat(new HashSet<>(values("{'v': '$coin'}", 100))).containsExactlyInAnyOrder("heads", "tails");
        assertThat(values("{'v': {'$hex': {'min': 16, 'max': 255, 'casing': 'upper'}}}", 100)).allMatch(v -> ((String) v).matches("[0-9A-F]{2}"));
        assertThat(values("{'v': '$hour'}", 200)).allMatch(v -> (Integer) v >= 1 && (Integer) v <= 12);
        assertThat(values("{'v': {'$hour': {'twentyfour': true}}}", 500)).contains(0, 23);
        assertThat(values("{'v': '$mac_address'}", 20)).allMatch(v -> ((String) v).matches("([0-9A-F]{2}:){5}[0-9A-F]{2}"));
        assertThat(values("{'v': '$syllable'}", 50)).allMatch(v -> ((String) v).matches("[a-z]{2,3}"));
        assertThat(values("{'v': '$hammertime'}", 20)).allMatch(v -> v instanceof Long);
    }

    @Test
    void timezoneAndCurrencyAreObjectsAsInChance() {
        Document tz = (Document) values("{'v': '$timezone'}", 1).get(0);
        assertThat(tz.keySet()).containsExactly("name", "abbr", "offset", "isdst", "text", "utc");
        assertThat(tz.getList("utc", String.class)).hasSize(1);
        Document currency = (Document) values("{'v': '$currency'}", 1).get(0);
        assertThat(currency.keySet()).containsExactly("code", "name");
        assertThat(currency.getString("code")).matches("[A-Z]{3}");
    }

    @Test
    void binarySubtypeMayBeAHexString() {
        assertThat(((Binary) values("{'v': {'$binary': {'subtype': '04', 'length': 16}}}", 1).get(0)).getType()).isEqualTo((byte) 4);
        assertThat(((Binary) values("{'v': {'$binary': {'subtype': '80'}}}", 1).get(0)).getType()).isEqualTo((byte) 0x80);
        assertThat(((Binary) values("{'v': '$binary'}", 1).get(0)).getType()).isEqualTo((byte) 0);
    }

    @Test
    void handlebarsStringsAreWrittenAsTheyAreWithAWarningNamingThePath() {
        TemplateGenerator g = Templates.compile("{'a': {'b': '{{chance.name()}}'}, 'c': 'plain'}");
        assertThat(g.warnings()).singleElement().asString().startsWith("$.a.b: '{{chance.name()}}' looks like an mgeneratejs handlebars string");
        assertThat(Templates.one("{'a': '{{chance.name()}}'}").get("a")).isEqualTo("{{chance.name()}}");
        assertThat(Templates.compile("{'a': 'no {braces}'}").warnings()).isEmpty();
    }

    @Test
    void everyMistakeOfATemplateIsReportedWithItsPath() {
        TemplateException e = catchThrowableOfType(TemplateException.class, () -> Templates.compile(
                "{'a': '$nmae', 'b': {'c': {'$integer': {'min': 5, 'max': 1}}}, 'd': [1, {'$string': {'lenght': 3}}], 'ok': '$name'}"));
        assertThat(e.problems()).extracting(TemplateException::path).containsExactly("$.a", "$.b.c", "$.d[1]");
        assertThat(e.getMessage()).startsWith("test.json: 3 mistakes:")
                .contains("$.a: unknown operator $nmae (did you mean $name?)")
                .contains("$.b.c: $integer min 5 > max 1")
                .contains("$.d[1]: unknown option 'lenght' for $string (did you mean length?)");
        assertThat(e.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(e.path()).isEqualTo("$.a");
    }

    @Test
    void hugeArraysAreRefusedWithTheLimitNamed() {
        TemplateException e = catchThrowableOfType(TemplateException.class,
                () -> Templates.compile("{'a': {'$array': {'of': '$integer', 'number': 100000000}}}"));
        assertThat(e.getMessage()).isEqualTo("test.json: $.a: $array number 100000000 is larger than the limit of 1000000"
                + " elements per array (a BSON document is at most 16 MiB)");
        TemplateException max = catchThrowableOfType(TemplateException.class,
                () -> Templates.compile("{'a': {'$array': {'of': 1, 'min': 1, 'max': 2000000}}}"));
        assertThat(max.getMessage()).contains("$array max 2000000 is larger than the limit of 1000000");
        TemplateGenerator computed = Templates.compile("{'n': {'$long': {'min': 50000000, 'max': 50000000}}, 'a': {'$array': {'of': 1, 'number': {'$ref': 'n'}}}}");
        io.dataworks.core.DataWorksException runtime = catchThrowableOfType(io.dataworks.core.DataWorksException.class,
                () -> computed.generate(0, Templates.random(1, 0)));
        assertThat(runtime.getMessage()).isEqualTo("test.json: $.a: $array number 50000000 is larger than the limit of 1000000 elements per array"
                + " (a BSON document is at most 16 MiB)");
        Set<Integer> fine = new HashSet<>(values("{'v': {'$array': {'of': 1, 'number': 3}}}", 1).stream().map(v -> ((List<?>) v).size()).toList());
        assertThat(fine).containsExactly(3);
    }
}
