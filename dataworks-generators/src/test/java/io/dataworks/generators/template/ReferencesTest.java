package io.dataworks.generators.template;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.util.Date;
import java.util.List;

import org.bson.Document;
import org.bson.types.Decimal128;
import org.junit.jupiter.api.Test;

class ReferencesTest {

    @Test
    void refCopiesAnEarlierFieldAndWalksIntoIt() {
        Document d = Templates.one("{'a': {'$integer': {'min': 1, 'max': 1000}}, 'b': {'$ref': 'a'},"
                + " 'c': {'x': {'y': 'deep'}, 'list': [10, 20]}, 'd': {'$ref': 'c.x.y'}, 'e': {'$ref': 'c.list.1'}, 'f': {'$ref': 'c.nope'}}");
        assertThat(d.get("b")).isEqualTo(d.get("a"));
        assertThat(d.get("d")).isEqualTo("deep");
        assertThat(d.get("e")).isEqualTo(20);
        assertThat(d.containsKey("f")).isTrue();
        assertThat(d.get("f")).isNull();
    }

    @Test
    void referencesResolveInTheArrayElementThenOutwards() {
        Document d = Templates.one("{'rate': 2, 'lines': {'$array': {'number': 5, 'of': {"
                + "  'q': {'$integer': {'min': 1, 'max': 9}}, 'p': {'$decimal': {'min': 1, 'max': 50}},"
                + "  'total': {'$multiply': [{'$ref': 'q'}, {'$ref': 'p'}]}, 'scaled': {'$multiply': [{'$ref': 'q'}, {'$ref': 'rate'}]}}}},"
                + " 'sum': {'$sum': {'array': 'lines', 'field': 'total'}}, 'n': {'$size': 'lines'}}");
        List<Document> lines = d.getList("lines", Document.class);
        BigDecimal sum = BigDecimal.ZERO;
        for (Document line : lines) {
            BigDecimal expected = ((Decimal128) line.get("p")).bigDecimalValue().multiply(BigDecimal.valueOf(line.getInteger("q")));
            assertThat(((Decimal128) line.get("total")).bigDecimalValue()).isEqualByComparingTo(expected);
            assertThat(line.get("scaled")).isEqualTo(line.getInteger("q") * 2);
            sum = sum.add(expected);
        }
        assertThat(((Decimal128) d.get("sum")).bigDecimalValue()).isEqualByComparingTo(sum);
        assertThat(d.get("n")).isEqualTo(5);
    }

    @Test
    void arithmeticWidensLikeBson() {
        Document d = Templates.one("{'i': 6, 'l': 5000000000, 'f': 1.5, 'm': {'$numberDecimal': '2.25'},"
                + " 'ii': {'$add': [{'$ref': 'i'}, 4]}, 'il': {'$add': [{'$ref': 'i'}, {'$ref': 'l'}]}, 'if': {'$multiply': [{'$ref': 'i'}, {'$ref': 'f'}]},"
                + " 'im': {'$multiply': [{'$ref': 'i'}, {'$ref': 'm'}]}, 'fm': {'$subtract': [{'$ref': 'm'}, {'$ref': 'f'}]},"
                + " 'div': {'$divide': [{'$ref': 'i'}, 4]}, 'r': {'$round': {'value': {'$divide': [2, 3]}, 'places': 3}},"
                + " 'rm': {'$round': [{'$multiply': [{'$ref': 'm'}, 0.0825]}, 2]}, 's': {'$sum': [1, 2.5, 'x', null]},"
                + " 'gone': '$missing', 'nul': {'$add': [{'$ref': 'gone'}, 1]}}");
        assertThat(d.get("ii")).isEqualTo(10);
        assertThat(d.get("il")).isEqualTo(5000000006L);
        assertThat(d.get("if")).isEqualTo(9.0);
        assertThat(d.get("im")).isEqualTo(Decimal128.parse("13.50"));
        assertThat(d.get("fm")).isEqualTo(Decimal128.parse("0.75"));
        assertThat(d.get("div")).isEqualTo(1.5);
        assertThat(d.get("r")).isEqualTo(0.667);
        assertThat(d.get("rm")).isEqualTo(Decimal128.parse("0.19"));
        assertThat(d.get("s")).isEqualTo(3.5);
        assertThat(d.containsKey("nul")).isTrue();
        assertThat(d.get("nul")).isNull();
    }

    @Test
    void dateAfterAndBeforeStayWithinTheirOffsets() {
        for (Document d : Templates.many("{'openedAt': {'$date': {'min': '2024-01-01', 'max': '2024-12-31'}},"
                + " 'closedAt': {'$dateAfter': {'field': 'openedAt', 'minMinutes': 30, 'maxDays': 10}},"
                + " 'quotedAt': {'$dateBefore': {'field': 'openedAt', 'minHours': 1, 'maxHours': 2}}}", 2000)) {
            long opened = d.getDate("openedAt").getTime();
            long closed = d.getDate("closedAt").getTime();
            long quoted = d.getDate("quotedAt").getTime();
            assertThat(closed - opened).isBetween(30 * 60_000L, 10 * 86_400_000L);
            assertThat(opened - quoted).isBetween(3_600_000L, 7_200_000L);
        }
    }

    @Test
    void dateAfterAMissingFieldIsNull() {
        Document d = Templates.one("{'a': {'$missing': {'percent': 100}}, 'b': {'$dateAfter': {'field': 'a', 'maxDays': 1}}}");
        assertThat(d.containsKey("b")).isTrue();
        assertThat(d.get("b")).isNull();
    }

    @Test
    void aDateFieldPlusMillis() {
        Document d = Templates.one("{'a': {'$date': '2024-01-01T00:00:00Z'}, 'b': {'$add': [{'$ref': 'a'}, 60000]}}");
        assertThat(d.getDate("b")).isEqualTo(new Date(d.getDate("a").getTime() + 60_000));
    }

    @Test
    void forwardReferenceIsACompileError() {
        assertThatThrownBy(() -> Templates.compile("{'a': {'$ref': 'b'}, 'b': 1}"))
                .isInstanceOf(TemplateException.class)
                .hasMessageContaining("$.a: reference to 'b': field 'b' is generated after this one");
        assertThatThrownBy(() -> Templates.compile("{'lines': {'$array': {'of': {'x': {'$ref': 'lines'}}, 'number': 1}}}"))
                .isInstanceOf(TemplateException.class)
                .hasMessageContaining("$.lines.of.x: reference to 'lines'");
        assertThatThrownBy(() -> Templates.compile("{'a': {'$ref': 'a'}}"))
                .hasMessageContaining("generated after this one");
    }

    @Test
    void unknownReferenceIsACompileErrorWithSuggestions() {
        assertThatThrownBy(() -> Templates.compile("{'openedAt': '$now', 'c': {'$dateAfter': {'field': 'openAt', 'maxDays': 1}}}"))
                .isInstanceOf(TemplateException.class)
                .hasMessageContaining("$.c: reference to unknown field 'openAt' (did you mean openedAt?)");
        assertThatThrownBy(() -> Templates.compile("{'s': {'$sum': {'array': 'nope', 'field': 'x'}}}"))
                .hasMessageContaining("$.s: reference to unknown field 'nope'");
    }

    @Test
    void indexOutsideAnArrayIsACompileError() {
        assertThatThrownBy(() -> Templates.compile("{'i': '$index'}"))
                .isInstanceOf(TemplateException.class)
                .hasMessageContaining("$.i: $index is only allowed inside");
    }
}
