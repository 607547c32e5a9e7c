package io.dataworks.generators.template;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.dataworks.core.DataWorksException;
import io.dataworks.core.ExitCode;

/** A malformed template fails at compile time, naming the JSON path (or line and column) and what is wrong. */
class TemplateErrorsTest {

    private static TemplateException error(String template) {
        return catchThrowableOfType(TemplateException.class, () -> Templates.compile(template));
    }

    @Test
    void unknownOperatorNamesThePathAndSuggests() {
        TemplateException e = error("{'lines': {'$array': {'of': {'price': {'$flot': {'min': 1}}}, 'number': 2}}}");
        assertThat(e.getMessage()).isEqualTo("test.json: $.lines.of.price: unknown operator $flot (did you mean $floating?)");
        assertThat(e.path()).isEqualTo("$.lines.of.price");
        assertThat(e.source()).isEqualTo("test.json");
        assertThat(e.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(e).isInstanceOf(DataWorksException.class);
        assertThat(error("{'a': {'b': ['$nmae']}}").getMessage()).endsWith("$.a.b[0]: unknown operator $nmae (did you mean $name?)");
        assertThat(error("{'a': '$qwertyuiop'}").getMessage()).endsWith("$.a: unknown operator $qwertyuiop");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "{'age': {'$integer': {'min': 10, 'max': 5}}}                       | $.age: $integer min 10 > max 5",
        "{'a': {'$integer': {'mn': 1}}}                                     | $.a: unknown option 'mn' for $integer (did you mean min?)",
        "{'a': {'$integer': {'min': 'x'}}}                                  | $.a: $integer min must be a number, got string \"x\"",
        "{'a': {'$integer': {'min': 1.5}}}                                  | $.a: $integer min must be a whole number",
        "{'a': {'$integer': {'min': 1, 'max': 9, 'distribution': 'normel'}}} | $.a: $integer distribution 'normel' is not one of uniform, normal, lognormal, exponential, zipf (did you mean normal?)",
        "{'a': {'$integer': {'min': 1, 'max': 9, 'mean': 5}}}                | $.a: $integer option mean does not apply to distribution uniform",
        "{'a': {'$floating': {'min': 0, 'max': 9, 'distribution': 'zipf'}}}  | $.a: $floating distribution zipf applies to whole numbers",
        "{'a': {'$integer': {'min': 0, 'max': 9, 'distribution': 'normal', 'mean': 50}}} | $.a: $integer mean 50.0 is outside min 0.0 .. max 9.0",
        "{'a': {'$integer': {'min': 0, 'max': 9, 'distribution': 'normal', 'stddev': -1}}} | $.a: $integer normal distribution needs stddev > 0",
        "{'a': {'$choose': {'from': ['x', 'y'], 'weights': [1]}}}            | $.a: $choose weights has 1 entries but from has 2",
        "{'a': {'$choose': {'from': []}}}                                    | $.a: $choose needs option 'from'",
        "{'a': {'$choose': {'from': ['x'], 'weights': [-1]}}}                | $.a: $choose weights must not be negative",
        "{'a': {'$array': {'number': 2}}}                                    | $.a: $array needs option 'of'",
        "{'a': {'$array': {'of': 1, 'number': 2, 'max': 3}}}                 | $.a: $array give number, or min/max",
        "{'a': {'$date': {'min': 'yesterday'}}}                              | $.a: $date min 'yesterday' is not an ISO-8601 date",
        "{'a': {'$date': {'min': '2024-01-01', 'max': '2023-01-01'}}}        | $.a: $date min 2024-01-01T00:00:00Z > max 2023-01-01T00:00:00Z",
        "{'a': {'$sequence': {'format': 'SO-%s'}}}                           | $.a: $sequence format 'SO-%s' must use %d",
        "{'a': {'$sequence': {'format': 'SO'}}}                              | $.a: $sequence format 'SO' has no %d",
        "{'a': {'$string': {'length': -1}}}                                  | $.a: $string length must not be negative",
        "{'a': {'$string': {'pool': ''}}}                                    | $.a: $string pool must not be empty",
        "{'a': {'$boolean': {'likelihood': 150}}}                            | $.a: $boolean likelihood must be a percentage",
        "{'a': {'$string': {'nullRate': 1.5}}}                               | $.a: $string nullRate must be between 0 and 1",
        "{'a': {'$string': {'nullRate': 0.6, 'missingRate': 0.6}}}           | $.a: $string nullRate + missingRate must not exceed 1",
        "{'a': {'$integer': 5}}                                              | $.a: $integer expects an options object, got number 5",
        "{'a': {'$integer': {}, 'b': 1}}                                     | $.a: an operator object has exactly one key, found 2: $integer, b",
        "{'a': {'b': 1, '$integer': {}}}                                     | $.a.$integer: field names starting with $ are operators",
        "{'a': {'$ref': 5}}                                                  | $.a: $ref needs a field name",
        "{'a': {'$multiply': [1]}}                                           | $.a: $multiply needs an array of at least 2 expressions",
        "{'a': {'$round': [1, 'x']}}                                         | $.a: $round takes [<expression>, <places>]",
        "{'a': {'$oid': 'xyz'}}                                              | $.a: $oid 'xyz' is not a 24-digit hex ObjectId",
        "{'b': 1, 'a': {'$dateAfter': {'field': 'b'}}}                       | $.a: $dateAfter needs a maximum offset",
        "{'a': {'$faker': {'locale': 'de'}}}                                 | $.a: $faker needs option 'expr'",
        "{'a': {'$pick': {'element': 1}}}                                    | $.a: $pick needs option 'array'",
        "{'x': 1, 'a': {'$case': {'field': 'x'}}}                           | $.a: $case needs option 'cases'",
        "{'a': {'$regex': {'string': 'x', 'flags': 'q'}}}                    | $.a: $regex flags 'q' may only contain",
        "{'a': {'$binary': {'subtype': 300}}}                                | $.a: $binary subtype must be between 0 and 255",
    })
    void badOptionsNameThePathAndTheOption(String template, String expected) {
        assertThat(error(template).getMessage()).startsWith("test.json: " + expected.trim());
    }

    @Test
    void invalidDatafakerExpressionFailsAtCompileTime() {
        assertThat(error("{'x': {'y': 'Hello #{Name.noSuchThing}'}}").getMessage())
                .startsWith("test.json: $.x.y: Datafaker expression 'Hello #{Name.noSuchThing}' does not resolve");
    }

    @Test
    void badJsonGivesLineAndColumn() {
        TemplateException e = catchThrowableOfType(TemplateException.class,
                () -> TemplateGenerator.compile("{\n  \"a\": 1,\n  \"b\": \n}", "bad.json"));
        assertThat(e.getMessage()).startsWith("bad.json: line 4, column 1: invalid JSON");
        assertThat(catchThrowableOfType(TemplateException.class,
                () -> TemplateGenerator.compile("{\"a\": 1, \"a\": 2}", "dup.json")).getMessage())
                .startsWith("dup.json: line 1, column").contains("Duplicate field 'a'");
        assertThat(catchThrowableOfType(TemplateException.class,
                () -> TemplateGenerator.compile("{\"a\": 1} {\"b\": 2}", "two.json")).getMessage())
                .startsWith("two.json: line 1, column").contains("invalid JSON");
        assertThat(catchThrowableOfType(TemplateException.class, () -> TemplateGenerator.compile("", "empty.json")).getMessage())
                .contains("empty");
        assertThat(catchThrowableOfType(TemplateException.class, () -> TemplateGenerator.compile("[1]", "arr.json")).getMessage())
                .isEqualTo("arr.json: $: a template must be a JSON object, got array [1]");
    }

    @Test
    void fileNameIsTheSourceAndTheGeneratorName(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("orders.json");
        Files.writeString(file, "{\"price\": {\"$flot\": {}}}");
        assertThatThrownBy(() -> TemplateGenerator.compile(file))
                .isInstanceOf(TemplateException.class)
                .hasMessage("orders.json: $.price: unknown operator $flot (did you mean $floating?)");
        Files.writeString(file, "{\"price\": \"$integer\"}");
        assertThat(TemplateGenerator.compile(file).name()).isEqualTo("template:orders.json");
        assertThatThrownBy(() -> TemplateGenerator.compile(dir.resolve("none.json")))
                .isInstanceOf(DataWorksException.class)
                .hasMessageEndingWith("none.json: no such file")
                .matches(t -> ((DataWorksException) t).exitCode() == ExitCode.USAGE);
    }
}
