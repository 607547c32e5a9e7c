package io.dataworks.generators.template;

import static io.dataworks.generators.template.Templates.many;
import static io.dataworks.generators.template.Templates.one;
import static io.dataworks.generators.template.Templates.values;
import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.Date;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.bson.BsonBinarySubType;
import org.bson.BsonRegularExpression;
import org.bson.BsonTimestamp;
import org.bson.Document;
import org.bson.types.Binary;
import org.bson.types.Decimal128;
import org.bson.types.MaxKey;
import org.bson.types.MinKey;
import org.bson.types.ObjectId;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class OperatorsTest {

    @Test
    void plainValuesAreCopiedAndFieldOrderIsKept() {
        Document d = one("{'z': 1, 'a': 'text', 'm': 2.5, 'b': true, 'n': null, 'big': 12345678901,"
                + " 'sub': {'x': [1, 'two', {'y': false}]}}");
        assertThat(d.keySet()).containsExactly("z", "a", "m", "b", "n", "big", "sub");
        assertThat(d.get("z")).isEqualTo(1);
        assertThat(d.get("a")).isEqualTo("text");
        assertThat(d.get("m")).isEqualTo(2.5);
        assertThat(d.get("b")).isEqualTo(true);
        assertThat(d.containsKey("n")).isTrue();
        assertThat(d.get("n")).isNull();
        assertThat(d.get("big")).isEqualTo(12345678901L);
        assertThat(d.get("sub", Document.class).getList("x", Object.class))
                .containsExactly(1, "two", new Document("y", false));
        assertThat(one("{'price': '$5.00', 'tag': '$ not an operator'}").getString("price")).isEqualTo("$5.00");
    }

    @Test
    void integerNumberAndLongStayInRangeWithStableTypes() {
        for (Object v : values("{'v': {'$integer': {'min': -3, 'max': 7}}}", 2000)) {
            assertThat(v).isInstanceOf(Integer.class);
            assertThat((Integer) v).isBetween(-3, 7);
        }
        assertThat(new HashSet<>(values("{'v': {'$number': {'min': 1, 'max': 3}}}", 500))).containsExactlyInAnyOrder(1, 2, 3);
        for (Object v : values("{'v': {'$long': {'min': 5000000000, 'max': 5000000010}}}", 500)) {
            assertThat(v).isInstanceOf(Long.class);
            assertThat((Long) v).isBetween(5000000000L, 5000000010L);
        }
        assertThat(values("{'v': {'$numberLong': {'min': 1, 'max': 2}}}", 10)).allMatch(v -> v instanceof Long);
        // mgeneratejs's default range is -2^31 .. 2^31: the bare operators are Int32 there and here
        assertThat(values("{'v': '$integer'}", 50)).allMatch(v -> v instanceof Integer);
        assertThat(values("{'v': '$number'}", 50)).allMatch(v -> v instanceof Integer);
        assertThat(values("{'v': '$numberInt'}", 50)).allMatch(v -> v instanceof Integer);
    }

    @Test
    void floatingHonoursFixedAndRange() {
        for (Object v : values("{'v': {'$floating': {'min': 1, 'max': 9, 'fixed': 2}}}", 2000)) {
            double d = (Double) v;
            assertThat(d).isBetween(1.0, 9.0);
            assertThat(BigDecimal.valueOf(d).stripTrailingZeros().scale()).isLessThanOrEqualTo(2);
        }
        assertThat(values("{'v': {'$double': {'min': 0, 'max': 1}}}", 100)).allMatch(v -> (Double) v >= 0 && (Double) v <= 1);
    }

    @Test
    void decimalIsDecimal128WithFixedScale() {
        for (Object v : values("{'v': {'$decimal': {'min': 10, 'max': 20, 'fixed': 3}}}", 1000)) {
            BigDecimal d = ((Decimal128) v).bigDecimalValue();
            assertThat(d.scale()).isEqualTo(3);
            assertThat(d).isBetween(new BigDecimal("10"), new BigDecimal("20"));
        }
        Decimal128 def = (Decimal128) one("{'v': '$numberDecimal'}").get("v");
        assertThat(def.bigDecimalValue().scale()).isEqualTo(2);
        assertThat(def.bigDecimalValue()).isBetween(BigDecimal.ZERO, new BigDecimal("1000"));
    }

    @Test
    void booleanHonoursLikelihood() {
        List<Object> all = values("{'v': {'$boolean': {'likelihood': 0}}}", 200);
        assertThat(all).containsOnly(false);
        assertThat(values("{'v': '$bool'}", 200)).contains(true, false);
    }

    @Test
    void incIsAPureFunctionOfTheIndex() {
        TemplateGenerator g = Templates.compile("{'v': {'$inc': {'start': 100, 'step': 5}}, 'w': '$inc'}");
        assertThat(g.generate(0, Templates.random(1, 0)).get("v")).isEqualTo(100);
        assertThat(g.generate(7, Templates.random(1, 7)).get("v")).isEqualTo(135);
        assertThat(g.generate(7, Templates.random(99, 3)).get("w")).isEqualTo(7);
        assertThat(g.generate(3_000_000_000L, Templates.random(1, 0)).get("w")).isEqualTo(3_000_000_000L);
    }

    @Test
    void sequenceFormatsWithoutStringFormat() {
        TemplateGenerator g = Templates.compile("{'a': {'$sequence': {'format': 'SO-%08d', 'start': 1}},"
                + " 'b': {'$sequence': {'format': '%d%%', 'start': 10, 'step': 10}}, 'c': {'$sequence': {'start': 5}},"
                + " 'd': {'$sequence': {'format': '[%5d]'}}}");
        Document d = g.generate(41, Templates.random(1, 41));
        assertThat(d.get("a")).isEqualTo("SO-00000042");
        assertThat(d.get("b")).isEqualTo("420%");
        assertThat(d.get("c")).isEqualTo(46L);
        assertThat(d.get("d")).isEqualTo("[   42]");
        assertThat(g.generate(123_456_788L, Templates.random(1, 0)).get("a")).isEqualTo("SO-123456789");
    }

    @Test
    void stringHonoursLengthPoolAndCasing() {
        for (Object v : values("{'v': {'$string': {'length': 17, 'pool': 'ABC123'}}}", 500)) {
            assertThat((String) v).hasSize(17).matches("[ABC123]{17}");
        }
        for (Object v : values("{'v': {'$string': {'minLength': 2, 'maxLength': 4, 'alpha': true, 'casing': 'upper'}}}", 500)) {
            assertThat((String) v).matches("[A-Z]{2,4}");
        }
        for (Object v : values("{'v': '$string'}", 200)) {
            assertThat(((String) v).length()).isBetween(5, 20);
        }
        assertThat(values("{'v': {'$character': {'pool': 'xy'}}}", 100)).containsOnly("x", "y");
    }

    @Test
    void chooseOnlyReturnsCandidatesAndGeneratesOnlyTheChosenOne() {
        Set<Object> seen = new HashSet<>(values("{'v': {'$choose': {'from': ['a', 'b', {'$integer': {'min': 5, 'max': 5}}]}}}", 500));
        assertThat(seen).containsExactlyInAnyOrder("a", "b", 5);
    }

    @Test
    void pickAndPickset() {
        assertThat(one("{'v': {'$pick': {'array': ['green', 'red', 'blue'], 'element': 1}}}").get("v")).isEqualTo("red");
        assertThat(one("{'v': {'$pick': {'array': ['green'], 'element': 3}}}").containsKey("v")).isFalse();
        for (Object v : values("{'v': {'$pickset': {'array': ['a', 'b', 'c', 'd'], 'quantity': 3}}}", 300)) {
            @SuppressWarnings("unchecked")
            List<Object> l = (List<Object>) v;
            assertThat(l).hasSize(3).doesNotHaveDuplicates().isSubsetOf(List.of("a", "b", "c", "d"));
        }
        assertThat(one("{'v': {'$pickset': {'array': ['a'], 'quantity': 2}}}").containsKey("v")).isFalse();
    }

    @Test
    void arrayNumberOrMinMaxOrComputedLength() {
        assertThat(one("{'v': {'$array': {'of': '$email', 'number': 3}}}").getList("v", String.class))
                .hasSize(3).allMatch(e -> e.contains("@"));
        for (Object v : values("{'v': {'$array': {'of': 1, 'min': 2, 'max': 4}}}", 300)) {
            assertThat(((List<?>) v).size()).isBetween(2, 4);
        }
        for (Object v : values("{'v': {'$array': {'of': 'x', 'number': {'$integer': {'min': 0, 'max': 2}}}}}", 300)) {
            assertThat(((List<?>) v).size()).isBetween(0, 2);
        }
        assertThat(one("{'v': {'$array': {'of': 'x'}}}").getList("v", Object.class)).isEmpty();
    }

    @Test
    void joinCastsToString() {
        assertThat(one("{'v': {'$join': {'array': ['foo', 'bar', 'baz'], 'sep': '-'}}}").get("v")).isEqualTo("foo-bar-baz");
        assertThat((String) one("{'v': {'$join': {'array': ['C', {'$integer': {'min': 10, 'max': 10}}]}}}").get("v")).isEqualTo("C10");
        assertThat((String) one("{'v': {'$join': {'array': {'$array': {'of': 'ab', 'number': 3}}, 'sep': ','}}}").get("v"))
                .isEqualTo("ab,ab,ab");
    }

    @Test
    void datesStayInRange() {
        long min = Instant.parse("2015-01-01T00:00:00Z").toEpochMilli();
        long max = Instant.parse("2016-12-31T23:59:59.999Z").toEpochMilli();
        for (Object v : values("{'v': {'$date': {'min': '2015-01-01', 'max': '2016-12-31T23:59:59.999Z'}}}", 1000)) {
            assertThat(((Date) v).getTime()).isBetween(min, max);
        }
        assertThat(one("{'v': '$datetime'}").get("v")).isInstanceOf(Date.class);
    }

    @Test
    void nowAndObjectIdUseTheConfiguredBaseTime() {
        Instant base = Instant.parse("2030-06-01T00:00:00Z");
        TemplateGenerator g = TemplateGenerator.compile("{\"_id\": \"$objectid\", \"at\": \"$now\", \"o\": \"$oid\"}",
                "t.json", TemplateOptions.DEFAULTS.withBaseTime(base));
        Document d = g.generate(5, Templates.random(1, 5));
        assertThat(d.get("at")).isEqualTo(Date.from(base));
        ObjectId id = d.getObjectId("_id");
        assertThat(id.getDate()).isEqualTo(Date.from(base));
        assertThat(d.get("o")).isInstanceOf(ObjectId.class).isNotEqualTo(id);
        assertThat(Templates.compile("{'a': '$now'}").generate(0, Templates.random(1, 0)).get("a"))
                .isEqualTo(Date.from(TemplateOptions.DEFAULT_BASE_TIME));
    }

    @Test
    void objectIdsOfAFieldAreUniqueAndIncreaseWithTheIndex() {
        TemplateGenerator g = Templates.compile("{'_id': '$objectid'}");
        ObjectId previous = null;
        Set<ObjectId> seen = new HashSet<>();
        for (long i = 0; i < 5000; i++) {
            ObjectId id = g.generate(i, Templates.random(3, i)).getObjectId("_id");
            assertThat(seen.add(id)).isTrue();
            if (previous != null) {
                assertThat(id.compareTo(previous)).isPositive();
            }
            previous = id;
        }
        ObjectId far = g.generate(1L << 25, Templates.random(3, 0)).getObjectId("_id");
        assertThat(far.getTimestamp()).isEqualTo((int) TemplateOptions.DEFAULT_BASE_TIME.getEpochSecond() + 2);
    }

    @Test
    void uuidBinaryTimestampRegexAndKeys() {
        Document d = one("{'u': '$uuid', 'b': {'$binary': {'length': 6, 'subtype': 5}}, 'b0': '$binary',"
                + " 't': {'$timestamp': {'t': 10, 'i': 20}}, 'tr': '$timestamp', 'r': {'$regex': {'string': '^ab+c$', 'flags': 'i'}},"
                + " 'max': '$maxkey', 'min': '$minkey', 'g': '$guid'}");
        Binary u = (Binary) d.get("u");
        assertThat(u.getType()).isEqualTo(BsonBinarySubType.UUID_STANDARD.getValue());
        assertThat(u.getData()).hasSize(16);
        assertThat((u.getData()[6] >> 4) & 0xF).isEqualTo(4);
        Binary b = (Binary) d.get("b");
        assertThat(b.getType()).isEqualTo((byte) 5);
        assertThat(b.getData()).hasSize(6);
        assertThat(((Binary) d.get("b0")).getData()).hasSize(10);
        assertThat(d.get("t")).isEqualTo(new BsonTimestamp(10, 20));
        assertThat(d.get("tr")).isInstanceOf(BsonTimestamp.class);
        assertThat(d.get("r")).isEqualTo(new BsonRegularExpression("^ab+c$", "i"));
        assertThat(d.get("max")).isInstanceOf(MaxKey.class);
        assertThat(d.get("min")).isInstanceOf(MinKey.class);
        assertThat(d.getString("g")).matches("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
    }

    @Test
    void missingAndLiteral() {
        Document d = one("{'gone': '$missing', 'kept': {'$missing': {'percent': 0, 'ifnot': 7}},"
                + " 'lit': {'$literal': {'$integer': {'min': 1}, 'a': ['$name']}}, 'after': 1}");
        assertThat(d.keySet()).containsExactly("kept", "lit", "after");
        assertThat(d.get("kept")).isEqualTo(7);
        assertThat(d.get("lit")).isEqualTo(new Document("$integer", new Document("min", 1)).append("a", List.of("$name")));
        long present = many("{'v': {'$missing': {'percent': 30, 'ifnot': 1}}}", 4000).stream().filter(x -> x.containsKey("v")).count();
        assertThat(present / 4000.0).isCloseTo(0.7, org.assertj.core.data.Offset.offset(0.04));
    }

    @Test
    void geoOperators() {
        Document d = one("{'c': {'$coordinates': {'long_lim': [-20, -19]}}, 'p': {'$point': {'lat_lim': [10, 11]}},"
                + " 'l': {'$linestring': {'locs': 3}}, 'g': {'$polygon': {'corners': 4}}, 'c2': '$coord'}");
        List<?> c = d.getList("c", Object.class);
        assertThat((Double) c.get(0)).isBetween(-20.0, -19.0);
        assertThat((Double) c.get(1)).isBetween(-90.0, 90.0);
        Document p = d.get("p", Document.class);
        assertThat(p.getString("type")).isEqualTo("Point");
        assertThat((Double) p.getList("coordinates", Double.class).get(1)).isBetween(10.0, 11.0);
        assertThat(d.get("l", Document.class).getList("coordinates", Object.class)).hasSize(3);
        List<?> ring = (List<?>) d.get("g", Document.class).getList("coordinates", Object.class).get(0);
        assertThat(ring).hasSize(5);
        assertThat(ring.get(0)).isEqualTo(ring.get(4));
    }

    @ParameterizedTest
    @ValueSource(strings = {"name", "first", "last", "email", "phone", "street", "address", "city", "state", "zip",
        "country", "company", "word", "sentence", "paragraph", "gender", "ip", "url", "guid", "character", "domain",
        "postal", "prefix", "suffix", "username", "profession", "ipv6", "color", "animal", "ssn", "cc", "iban",
        "twitter", "hash", "year", "month", "weekday", "letter", "tld"})
    void chanceNamesGiveNonEmptyStrings(String name) {
        for (Object v : values("{'v': '$" + name + "'}", 50)) {
            assertThat(v).isInstanceOf(String.class);
            assertThat((String) v).isNotBlank();
        }
    }

    @Test
    void chanceNamesHaveChanceShapes() {
        Document d = one("{'email': '$email', 'mail2': {'$email': {'domain': 'example.com'}}, 'phone': '$phone', 'ip': '$ip',"
                + " 'digits': {'$phone': {'formatted': false}}, 'zip': '$zip', 'zip4': {'$zip': {'plusfour': true}}, 'state': '$state', 'stateFull': {'$state': {'full': true}},"
                + " 'country': '$country', 'age': '$age', 'child': {'$age': {'type': 'child'}}, 'gender': '$gender',"
                + " 'name': {'$name': {'middle': true}}, 'sentence': {'$sentence': {'words': 5}}, 'lat': '$latitude', 'nat': {'$natural': {'max': 10}}}");
        assertThat(d.getString("email")).matches("[a-z0-9]+\\.[a-z0-9]+@[a-z.]+");
        assertThat(d.getString("mail2")).endsWith("@example.com");
        assertThat(d.getString("phone")).matches("\\([2-9]\\d\\d\\) [2-9]\\d\\d-\\d{4}");
        assertThat(d.getString("digits")).matches("[2-9]\\d\\d[2-9]\\d{6}");
        assertThat(d.getString("ip")).matches("\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}");
        assertThat(d.getString("zip")).matches("\\d{5}");
        assertThat(d.getString("zip4")).matches("\\d{5}-\\d{4}");
        assertThat(d.getString("state")).matches("[A-Z]{2}");
        assertThat(d.getString("stateFull").length()).isGreaterThan(2);
        assertThat(d.getString("country")).matches("[A-Z]{2}");
        assertThat(d.getInteger("age")).isBetween(18, 65);
        assertThat(d.getInteger("child")).isBetween(0, 12);
        assertThat(d.getString("gender")).isIn("Male", "Female");
        assertThat(d.getString("name").split(" ")).hasSizeGreaterThanOrEqualTo(3);
        assertThat(d.getString("sentence").split(" ")).hasSize(5);
        assertThat(d.getDouble("lat")).isBetween(-90.0, 90.0);
        assertThat(d.getInteger("nat")).isBetween(0, 10);
    }

    @Test
    void datafakerExpressionsAndFakerOperator() {
        Document d = one("{'full': '#{Name.fullName}', 'mixed': 'Dear #{Name.firstName}, welcome to #{Address.city}!',"
                + " 'de': {'$faker': {'expr': '#{Address.city}', 'locale': 'de'}}, 'short': {'$faker': '#{Name.lastName}'}}");
        assertThat(d.getString("full")).isNotBlank().doesNotContain("#{");
        assertThat(d.getString("mixed")).startsWith("Dear ").endsWith("!").doesNotContain("#{");
        assertThat(d.getString("de")).isNotBlank();
        assertThat(d.getString("short")).isNotBlank();
    }

    @Test
    void fieldWrapperAndOptionRatesAcceptAnyTemplate() {
        Document d = one("{'a': {'$field': {'value': {'x': 1}, 'nullRate': 0}}, 'b': {'$field': {'value': 'lit', 'missingRate': 1}},"
                + " 'c': {'$integer': {'min': 1, 'max': 2, 'nullRate': 1}}}");
        assertThat(d.get("a")).isEqualTo(new Document("x", 1));
        assertThat(d.containsKey("b")).isFalse();
        assertThat(d.containsKey("c")).isTrue();
        assertThat(d.get("c")).isNull();
    }

    @Test
    void caseIndexAndSize() {
        Document d = one("{'kind': {'$choose': {'from': ['car']}}, 'wheels': {'$case': {'field': 'kind', 'cases': {'car': 4, 'bike': 2}}},"
                + " 'other': {'$case': {'field': 'kind', 'cases': {'bike': 2}, 'default': 'n/a'}},"
                + " 'items': {'$array': {'of': {'pos': {'$index': {'start': 1}}, 'sub': {'$array': {'of': '$index', 'number': 2}}}, 'number': 3}},"
                + " 'count': {'$size': 'items'}}");
        assertThat(d.get("wheels")).isEqualTo(4);
        assertThat(d.get("other")).isEqualTo("n/a");
        List<Document> items = d.getList("items", Document.class);
        assertThat(items).extracting(i -> i.get("pos")).containsExactly(1, 2, 3);
        assertThat(items.get(2).getList("sub", Integer.class)).containsExactly(0, 1);
        assertThat(d.get("count")).isEqualTo(3);
    }

    @Test
    void everyRegisteredOperatorCompilesInItsBareForm() {
        Set<String> needArguments = Set.of("$ref", "$literal", "$field", "$faker", "$choose", "$pick", "$pickset", "$join",
                "$array", "$dateAfter", "$dateBefore", "$sum", "$add", "$subtract", "$multiply", "$divide", "$round", "$size",
                "$case", "$index", "$pickFrom", "$parent"); // the last two need a template set
        for (String op : io.dataworks.generators.template.internal.TemplateCompiler.operatorNames()) {
            if (needArguments.contains(op)) {
                continue;
            }
            Document d = one("{'v': '" + op + "'}");
            if (!op.equals("$missing")) {
                assertThat(d.containsKey("v")).as(op).isTrue();
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"de", "fr", "ja", "pt-BR"})
    void chanceNamesWorkInOtherDefaultLocales(String tag) {
        String template = "{\"name\": \"$name\", \"email\": \"$email\", \"city\": \"$city\", \"street\": \"$address\","
                + " \"state\": \"$state\", \"company\": \"$company\", \"sentence\": \"$sentence\", \"x\": \"#{Name.lastName}\"}";
        TemplateOptions options = TemplateOptions.DEFAULTS.withLocale(java.util.Locale.forLanguageTag(tag));
        TemplateGenerator a = TemplateGenerator.compile(template, "l.json", options);
        TemplateGenerator b = TemplateGenerator.compile(template, "l.json", options);
        for (int i = 0; i < 20; i++) {
            Document d = a.generate(i, Templates.random(9, i));
            assertThat(d.values()).allMatch(v -> v instanceof String s && !s.isBlank());
            assertThat(b.generate(i, Templates.random(9, i))).isEqualTo(d);
        }
    }

    @Test
    void documentsShareNoMutableContainers() {
        TemplateGenerator g = Templates.compile("{'sub': {'a': 1}, 'list': [1, 2], 'lit': {'$literal': {'x': [1]}},"
                + " 'pick': {'$pick': {'array': [{'k': 1}], 'element': 0}}}");
        Document first = g.generate(0, Templates.random(1, 0));
        first.get("sub", Document.class).put("a", 99);
        first.getList("list", Object.class).add(3);
        first.get("lit", Document.class).getList("x", Object.class).add(2);
        first.get("pick", Document.class).put("k", 5);
        Document second = g.generate(0, Templates.random(1, 0));
        assertThat(second.toJson()).isEqualTo("{\"sub\": {\"a\": 1}, \"list\": [1, 2], \"lit\": {\"x\": [1]}, \"pick\": {\"k\": 1}}");
    }
}
