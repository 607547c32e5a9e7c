package io.dataworks.generators.template;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.bson.Document;
import org.bson.json.JsonMode;
import org.bson.json.JsonWriterSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every template shipped in templates/ compiles and generates; the mgeneratejs README examples run unchanged. */
class ExampleTemplatesTest {

    static Stream<Path> templates() throws IOException {
        try (Stream<Path> files = Files.list(Templates.dir())) {
            List<Path> list = files.filter(p -> p.toString().endsWith(".json") && !TemplateSet.isSet(p)).sorted().toList();
            assertThat(list).isNotEmpty();
            return list.stream();
        }
    }

    static Stream<Path> templateSets() throws IOException {
        try (Stream<Path> files = Files.list(Templates.dir())) {
            List<Path> list = files.filter(p -> p.toString().endsWith(".json") && TemplateSet.isSet(p)).sorted().toList();
            assertThat(list).isNotEmpty();
            return list.stream();
        }
    }

    @ParameterizedTest
    @MethodSource("templateSets")
    void templateSetsCompileAndGenerate(Path set) {
        for (TemplateSet.Member m : TemplateSet.compile(set, 9, TemplateOptions.DEFAULTS).members()) {
            assertThat(m.total()).as(m.name()).isPositive();
            for (long i = 0; i < Math.min(50, m.total()); i++) {
                assertThat(m.generator().generate(i, io.dataworks.generators.internal.DocumentRandom.forDocument(m.seed(), i))).isNotEmpty();
            }
        }
    }

    @ParameterizedTest
    @MethodSource("templates")
    void compilesAndGeneratesRelaxedExtendedJson(Path template) {
        TemplateGenerator g = TemplateGenerator.compile(template);
        for (int i = 0; i < 200; i++) {
            Document d = g.generate(i, Templates.random(5, i));
            assertThat(d).isNotEmpty();
            String json = d.toJson(JsonWriterSettings.builder().outputMode(JsonMode.RELAXED).build());
            assertThat(Document.parse(json).keySet()).isEqualTo(d.keySet());
            org.bson.io.BasicOutputBuffer buffer = new org.bson.io.BasicOutputBuffer();
            new org.bson.codecs.DocumentCodec().encode(new org.bson.BsonBinaryWriter(buffer), d,
                    org.bson.codecs.EncoderContext.builder().build());
            org.bson.RawBsonDocument raw = new org.bson.RawBsonDocument(buffer.toByteArray());
            assertThat(raw.keySet()).isEqualTo(d.keySet());
        }
    }

    @Test
    void mgeneratejsReadmeExample() {
        Document d = TemplateGenerator.compile(Templates.dir().resolve("mgeneratejs_readme_example.json")).generate(0, Templates.random(1, 0));
        assertThat(d.keySet()).containsExactly("name", "age", "emails");
        assertThat(d.getString("name")).contains(" ");
        assertThat(d.getInteger("age")).isBetween(18, 65);
        assertThat(d.getList("emails", String.class)).hasSize(3).allMatch(e -> e.contains("@"));
    }

    @Test
    void mgeneratejsOperatorExamplesBehaveAsDocumented() {
        Document d = TemplateGenerator.compile(Templates.dir().resolve("mgeneratejs_operators_example.json")).generate(4, Templates.random(1, 4));
        assertThat(Integer.parseInt(d.getString("born_in"))).isBetween(1930, 1970);
        assertThat(d.getList("ip_addresses", String.class).size()).isBetween(0, 5);
        assertThat(d.getList("countries", String.class)).hasSize(3);
        assertThat(d.get("code")).isEqualTo("foo-bar-baz");
        assertThat(d.get("even_numbers")).isEqualTo(8);
        assertThat(d.get("color")).isEqualTo("red");
        Document triangles = d.get("triangles", Document.class);
        assertThat(triangles.getString("type")).isEqualTo("GeometryCollection");
        assertThat(triangles.getList("geometries", Document.class)).hasSize(4).allMatch(g -> g.getString("type").equals("Polygon"));
        assertThat(d.getDate("birthday")).isNotNull();
    }
}
