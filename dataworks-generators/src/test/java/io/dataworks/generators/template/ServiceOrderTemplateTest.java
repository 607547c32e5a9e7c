package io.dataworks.generators.template;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.bson.BsonBinaryWriter;
import org.bson.Document;
import org.bson.codecs.DocumentCodec;
import org.bson.codecs.EncoderContext;
import org.bson.io.BasicOutputBuffer;
import org.bson.types.Decimal128;
import org.bson.types.ObjectId;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The shipped automotive service-order template: consistent totals, ordered dates, plausible shape and size. */
class ServiceOrderTemplateTest {

    private static final int N = 3000;
    private static TemplateGenerator generator;
    private static List<Document> docs;

    @BeforeAll
    static void generate() {
        generator = TemplateGenerator.compile(Templates.dir().resolve("service_order_template.json"));
        docs = new java.util.ArrayList<>(N);
        for (int i = 0; i < N; i++) {
            docs.add(generator.generate(i, Templates.random(11, i)));
        }
    }

    private static BigDecimal dec(Object v) {
        return ((Decimal128) v).bigDecimalValue();
    }

    @Test
    void compilesUnderItsFileName() {
        assertThat(generator.name()).isEqualTo("template:service_order_template.json");
    }

    @Test
    void totalsAreConsistentWithTheLines() {
        for (Document d : docs) {
            List<Document> lines = d.getList("lines", Document.class);
            assertThat(lines).hasSizeBetween(1, 12);
            assertThat(d.get("lineCount")).isEqualTo(lines.size());
            BigDecimal sum = BigDecimal.ZERO;
            for (int i = 0; i < lines.size(); i++) {
                Document line = lines.get(i);
                assertThat(line.get("lineNumber")).isEqualTo(i + 1);
                BigDecimal expected = dec(line.get("unitPrice")).multiply(BigDecimal.valueOf(line.getInteger("quantity")));
                assertThat(dec(line.get("lineTotal"))).isEqualByComparingTo(expected);
                sum = sum.add(expected);
            }
            BigDecimal subtotal = dec(d.get("subtotal"));
            assertThat(subtotal).isEqualByComparingTo(sum);
            BigDecimal tax = dec(d.get("tax"));
            assertThat(tax).isEqualByComparingTo(subtotal.multiply(new BigDecimal("0.0825")).setScale(2, RoundingMode.HALF_EVEN));
            assertThat(dec(d.get("total"))).isEqualByComparingTo(subtotal.add(tax));
            assertThat(d.getString("currency")).isEqualTo("USD");
        }
    }

    @Test
    void datesAreInOrderAndClosedAtOnlyOnceClosed() {
        Set<String> open = Set.of("OPEN", "IN_PROGRESS", "WAITING_PARTS");
        for (Document d : docs) {
            long opened = d.getDate("openedAt").getTime();
            assertThat(d.getDate("promisedAt").getTime()).isGreaterThan(opened);
            if (open.contains(d.getString("status"))) {
                assertThat(d.containsKey("closedAt")).as(d.getString("status")).isFalse();
                assertThat(d.containsKey("paymentMethod")).isFalse();
            } else {
                assertThat(d.getDate("closedAt").getTime()).isGreaterThan(opened);
            }
        }
    }

    @Test
    void identifiersHaveTheirFormats() {
        for (int i = 0; i < N; i++) {
            Document d = docs.get(i);
            assertThat(d.get("_id")).isInstanceOf(ObjectId.class);
            assertThat(d.getString("orderNumber")).isEqualTo(String.format("SO-%08d", i + 1));
            assertThat(d.getString("vin")).matches("[A-HJ-NPR-Z0-9]{17}");
            Document customer = d.get("customer", Document.class);
            assertThat(customer.getString("email")).contains("@");
            assertThat(customer.getString("phone")).matches("\\(\\d{3}\\) \\d{3}-\\d{4}");
            assertThat(customer.get("address", Document.class).keySet()).containsExactly("street", "city", "state", "zip");
            for (Document line : d.getList("lines", Document.class)) {
                assertThat(line.getString("partNumber")).matches("[A-Z]{3}-\\d{6}");
                assertThat(line.getString("description")).isNotBlank();
            }
        }
    }

    @Test
    void modelsBelongToTheirMakeAndVehicleNumbersAreRealistic() {
        Map<String, Set<String>> models = Map.of(
                "Toyota", Set.of("Camry", "Corolla", "RAV4", "Highlander", "Tacoma", "Tundra"),
                "Ford", Set.of("F-150", "Escape", "Explorer", "Mustang", "Bronco"),
                "Chevrolet", Set.of("Silverado", "Equinox", "Malibu", "Tahoe", "Traverse"),
                "Honda", Set.of("Civic", "Accord", "CR-V", "Pilot", "Odyssey"),
                "Nissan", Set.of("Altima", "Rogue", "Sentra", "Frontier"),
                "Hyundai", Set.of("Elantra", "Tucson", "Santa Fe", "Sonata"),
                "BMW", Set.of("3 Series", "5 Series", "X3", "X5"),
                "Subaru", Set.of("Outback", "Forester", "Crosstrek", "Impreza"));
        double mileage = 0;
        for (Document d : docs) {
            Document v = d.get("vehicle", Document.class);
            assertThat(models.get(v.getString("make"))).contains(v.getString("model"));
            assertThat(v.getInteger("year")).isBetween(2008, 2025);
            assertThat(v.getInteger("mileage")).isBetween(5, 300000);
            mileage += v.getInteger("mileage");
        }
        assertThat(mileage / N).isCloseTo(52000, within(4000.0));
    }

    @Test
    void statusFollowsItsWeights() {
        Map<String, Integer> counts = new HashMap<>();
        docs.forEach(d -> counts.merge(d.getString("status"), 1, Integer::sum));
        assertThat(counts.get("CLOSED") / (double) N).isCloseTo(0.55, within(0.04));
        assertThat(counts.get("WAITING_PARTS") / (double) N).isCloseTo(0.04, within(0.015));
    }

    @Test
    void aDocumentIsAboutOneKilobyteOfBson() {
        DocumentCodec codec = new DocumentCodec();
        long bytes = 0;
        for (Document d : docs) {
            BasicOutputBuffer buffer = new BasicOutputBuffer();
            codec.encode(new BsonBinaryWriter(buffer), d, EncoderContext.builder().build());
            bytes += buffer.getSize();
        }
        assertThat(bytes / (double) N).isBetween(900.0, 1400.0);
    }
}
