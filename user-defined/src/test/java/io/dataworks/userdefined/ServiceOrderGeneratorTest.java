package io.dataworks.userdefined;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.util.Date;
import java.util.List;
import java.util.ServiceLoader;
import java.util.SplittableRandom;

import org.bson.Document;
import org.bson.types.Decimal128;
import org.junit.jupiter.api.Test;

import io.dataworks.generators.DocumentGenerator;

class ServiceOrderGeneratorTest {

    final ServiceOrderGenerator generator = new ServiceOrderGenerator();

    @Test
    void isFoundByServiceLoader() {
        assertThat(ServiceLoader.load(DocumentGenerator.class).stream().map(p -> p.get().name()))
                .contains("service-order");
    }

    @Test
    void vinsAreValidAndCarryTheModelYear() {
        for (int i = 0; i < 2_000; i++) {
            Document vehicle = generate(i).get("vehicle", Document.class);
            String vin = vehicle.getString("vin");
            assertThat(Vin.isValid(vin)).as(vin).isTrue();
            assertThat(vin.charAt(9)).isEqualTo(Vin.yearCode(vehicle.getInteger("year")));
        }
    }

    @Test
    void knownVinChecksOut() {
        assertThat(Vin.isValid("1M8GDM9AXKP042788")).isTrue(); // the textbook example
        assertThat(Vin.isValid("1M8GDM9A1KP042788")).isFalse();
    }

    @Test
    void modelYearsAreOnesTheModelWasBuilt() {
        for (int i = 0; i < 2_000; i++) {
            Document order = generate(i);
            Document vehicle = order.get("vehicle", Document.class);
            ServiceOrderGenerator.Model model = ServiceOrderGenerator.MAKES.stream()
                    .filter(m -> m.name().equals(vehicle.getString("make"))).findFirst().orElseThrow()
                    .models().stream().filter(m -> m.name().equals(vehicle.getString("model"))).findFirst().orElseThrow();
            assertThat(vehicle.getInteger("year")).isBetween(model.firstYear(), model.lastYear());
            int openedYear = order.getDate("openedAt").toInstant().atZone(java.time.ZoneOffset.UTC).getYear();
            assertThat(vehicle.getInteger("year")).isLessThanOrEqualTo(openedYear + 1);
            assertThat(vehicle.getInteger("mileage")).isPositive();
        }
    }

    @Test
    void totalsAddUpAndDatesAreInOrder() {
        for (int i = 0; i < 2_000; i++) {
            Document order = generate(i);
            @SuppressWarnings("unchecked")
            List<Document> lines = (List<Document>) order.get("lines");
            assertThat(lines).hasSizeBetween(1, 12);
            BigDecimal sum = lines.stream().map(l -> ((Decimal128) l.get("amount")).bigDecimalValue())
                    .reduce(BigDecimal.ZERO, BigDecimal::add);
            Document totals = order.get("totals", Document.class);
            BigDecimal tax = ((Decimal128) totals.get("tax")).bigDecimalValue();
            assertThat(((Decimal128) totals.get("total")).bigDecimalValue()).isEqualByComparingTo(sum.add(tax));
            Date closed = order.getDate("closedAt");
            if (closed != null) {
                assertThat(closed).isAfter(order.getDate("openedAt"));
            }
            assertThat(closed != null).isEqualTo(List.of("completed", "invoiced", "cancelled").contains(order.getString("status")));
        }
    }

    @Test
    void highMileageVehiclesGetHighMileageRepairs() {
        long timingBelts = 0;
        for (int i = 0; i < 5_000; i++) {
            Document order = generate(i);
            @SuppressWarnings("unchecked")
            List<Document> lines = (List<Document>) order.get("lines");
            boolean belt = lines.stream().anyMatch(l -> "TMB-KIT-9010".equals(l.getString("partNumber")));
            if (belt) {
                timingBelts++;
                assertThat(order.get("vehicle", Document.class).getInteger("mileage")).isGreaterThanOrEqualTo(90_000);
            }
        }
        assertThat(timingBelts).isPositive();
    }

    @Test
    void aDocumentDependsOnlyOnItsRandomSource() {
        assertThat(generator.generate(5, new SplittableRandom(99)).toJson())
                .isEqualTo(generator.generate(5, new SplittableRandom(99)).toJson());
        assertThat(generator.generate(5, new SplittableRandom(99)).toJson())
                .isNotEqualTo(generator.generate(5, new SplittableRandom(98)).toJson());
    }

    @Test
    void documentsAreAboutOneKilobyte() {
        long bytes = 0;
        for (int i = 0; i < 1_000; i++) {
            bytes += new org.bson.RawBsonDocument(generate(i), new org.bson.codecs.DocumentCodec()).getByteBuffer().remaining();
        }
        assertThat(bytes / 1_000).isBetween(500L, 2_000L);
    }

    private Document generate(long index) {
        return generator.generate(index, new SplittableRandom(index * 7919 + 1));
    }
}
