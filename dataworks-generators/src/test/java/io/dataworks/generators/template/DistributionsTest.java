package io.dataworks.generators.template;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.bson.Document;
import org.bson.types.Decimal128;
import org.junit.jupiter.api.Test;

/** Statistical checks with tolerances wide enough to be stable, narrow enough to catch a wrong shape. */
class DistributionsTest {

    private static final int N = 20_000;

    private static double[] numbers(String template) {
        List<Object> values = Templates.values(template, N);
        double[] out = new double[values.size()];
        for (int i = 0; i < out.length; i++) {
            Object v = values.get(i);
            out[i] = v instanceof Decimal128 d ? d.bigDecimalValue().doubleValue()
                    : v instanceof Date date ? date.getTime() : ((Number) v).doubleValue();
        }
        return out;
    }

    private static double mean(double[] xs) {
        double s = 0;
        for (double x : xs) {
            s += x;
        }
        return s / xs.length;
    }

    private static double stddev(double[] xs) {
        double m = mean(xs);
        double s = 0;
        for (double x : xs) {
            s += (x - m) * (x - m);
        }
        return Math.sqrt(s / (xs.length - 1));
    }

    @Test
    void normalIntegersHaveTheirMeanAndStddev() {
        double[] xs = numbers("{'v': {'$integer': {'min': 1, 'max': 100, 'distribution': 'normal', 'mean': 50, 'stddev': 10}}}");
        assertThat(mean(xs)).isCloseTo(50, within(0.5));
        assertThat(stddev(xs)).isCloseTo(10, within(0.4));
        assertThat(java.util.Arrays.stream(xs).allMatch(x -> x >= 1 && x <= 100)).isTrue();
    }

    @Test
    void normalFloatsAreTruncatedToTheRange() {
        double[] xs = numbers("{'v': {'$floating': {'min': 0, 'max': 10, 'distribution': 'normal', 'mean': 9, 'stddev': 2}}}");
        assertThat(java.util.Arrays.stream(xs).allMatch(x -> x >= 0 && x <= 10)).isTrue();
        assertThat(mean(xs)).isLessThan(9).isGreaterThan(7);
    }

    @Test
    void lognormalHasItsMean() {
        double[] xs = numbers("{'v': {'$floating': {'min': 0, 'max': 1e9, 'distribution': 'lognormal', 'mean': 50000, 'stddev': 30000}}}");
        assertThat(mean(xs)).isCloseTo(50000, within(1500.0));
        assertThat(stddev(xs)).isCloseTo(30000, within(3000.0));
        double[] ys = numbers("{'v': {'$floating': {'min': 0, 'max': 1e9, 'distribution': 'lognormal', 'mu': 0, 'sigma': 0.5}}}");
        assertThat(mean(ys)).isCloseTo(Math.exp(0.125), within(0.03));
    }

    @Test
    void exponentialHasItsMeanAboveMin() {
        double[] xs = numbers("{'v': {'$floating': {'min': 10, 'max': 1e6, 'distribution': 'exponential', 'mean': 15}}}");
        assertThat(mean(xs)).isCloseTo(15, within(0.2));
        assertThat(java.util.Arrays.stream(xs).allMatch(x -> x >= 10)).isTrue();
    }

    @Test
    void zipfRanksFollowOneOverK() {
        double[] xs = numbers("{'v': {'$integer': {'min': 1, 'max': 100, 'distribution': 'zipf', 'exponent': 1}}}");
        Map<Integer, Integer> counts = new HashMap<>();
        for (double x : xs) {
            counts.merge((int) x, 1, Integer::sum);
        }
        double h = 0;
        for (int k = 1; k <= 100; k++) {
            h += 1.0 / k;
        }
        for (int k = 1; k <= 4; k++) {
            double expected = (1.0 / k) / h;
            assertThat(counts.getOrDefault(k, 0) / (double) N).as("rank " + k).isCloseTo(expected, within(0.015));
        }
        assertThat(counts.get(1)).isGreaterThan(counts.get(2)).isGreaterThan(counts.get(10));
        assertThat(java.util.Arrays.stream(xs).allMatch(x -> x >= 1 && x <= 100)).isTrue();
    }

    @Test
    void zipfWithAnOffsetMinAndLargeN() {
        double[] xs = numbers("{'v': {'$long': {'min': 1000, 'max': 100000000, 'distribution': 'zipf', 'exponent': 1.2}}}");
        long ones = 0;
        for (double x : xs) {
            if (x == 1000) {
                ones++;
            }
        }
        assertThat(java.util.Arrays.stream(xs).allMatch(x -> x >= 1000 && x <= 100000000)).isTrue();
        assertThat(ones / (double) N).isBetween(0.15, 0.35);
    }

    @Test
    void chooseHonoursWeights() {
        Map<Object, Integer> counts = new HashMap<>();
        for (Object v : Templates.values("{'v': {'$choose': {'from': ['read', 'unread', 'deleted'], 'weights': [2, 1, 1]}}}", N)) {
            counts.merge(v, 1, Integer::sum);
        }
        assertThat(counts.get("read") / (double) N).isCloseTo(0.5, within(0.015));
        assertThat(counts.get("unread") / (double) N).isCloseTo(0.25, within(0.015));
        assertThat(counts.get("deleted") / (double) N).isCloseTo(0.25, within(0.015));
    }

    @Test
    void chooseWithManyWeightsUsesBinarySearchCorrectly() {
        StringBuilder from = new StringBuilder();
        StringBuilder weights = new StringBuilder();
        for (int i = 0; i < 20; i++) {
            from.append(i == 0 ? "" : ",").append(i);
            weights.append(i == 0 ? "" : ",").append(i == 13 ? 81 : 1);
        }
        Map<Object, Integer> counts = new HashMap<>();
        for (Object v : Templates.values("{'v': {'$choose': {'from': [" + from + "], 'weights': [" + weights + "]}}}", N)) {
            counts.merge(v, 1, Integer::sum);
        }
        assertThat(counts.get(13) / (double) N).isCloseTo(0.81, within(0.015));
        assertThat(counts.get(0) / (double) N).isCloseTo(0.01, within(0.005));
        assertThat(counts.get(19) / (double) N).isCloseTo(0.01, within(0.005));
    }

    @Test
    void chooseZipfFavoursTheFirstCandidates() {
        Map<Object, Integer> counts = new HashMap<>();
        for (Object v : Templates.values("{'v': {'$choose': {'from': ['a', 'b', 'c'], 'distribution': 'zipf', 'exponent': 1}}}", N)) {
            counts.merge(v, 1, Integer::sum);
        }
        assertThat(counts.get("a") / (double) N).isCloseTo(6.0 / 11, within(0.015));
        assertThat(counts.get("c") / (double) N).isCloseTo(2.0 / 11, within(0.015));
    }

    @Test
    void nullRateAndMissingRateProportions() {
        List<Document> docs = Templates.many("{'v': {'$string': {'length': 4, 'nullRate': 0.1, 'missingRate': 0.2}},"
                + " 'w': {'$field': {'value': {'a': 1}, 'nullRate': 0.3}}}", N);
        long missing = docs.stream().filter(d -> !d.containsKey("v")).count();
        long nulls = docs.stream().filter(d -> d.containsKey("v") && d.get("v") == null).count();
        long wNulls = docs.stream().filter(d -> d.get("w") == null).count();
        assertThat(missing / (double) N).isCloseTo(0.2, within(0.012));
        assertThat(nulls / (double) N).isCloseTo(0.1, within(0.01));
        assertThat(wNulls / (double) N).isCloseTo(0.3, within(0.015));
    }

    @Test
    void arrayLengthsFollowTheirDistribution() {
        double[] lengths = new double[N];
        List<Object> values = Templates.values("{'v': {'$array': {'of': 1, 'min': 0, 'max': 40, 'distribution': 'normal', 'mean': 20, 'stddev': 4}}}", N);
        for (int i = 0; i < N; i++) {
            lengths[i] = ((List<?>) values.get(i)).size();
        }
        assertThat(mean(lengths)).isCloseTo(20, within(0.2));
        assertThat(stddev(lengths)).isCloseTo(4, within(0.25));
    }

    @Test
    void datesFollowNormalAroundAnIsoMean() {
        double[] ms = numbers("{'v': {'$date': {'min': '2020-01-01', 'max': '2024-01-01', 'distribution': 'normal',"
                + " 'mean': '2022-01-01', 'stddev': 30}}}");
        double mean = java.time.Instant.parse("2022-01-01T00:00:00Z").toEpochMilli();
        assertThat(mean(ms)).isCloseTo(mean, within(86_400_000.0));
        assertThat(stddev(ms) / 86_400_000.0).isCloseTo(30, within(1.5));
    }

    @Test
    void reverseExponentialDatesCrowdTowardsMax() {
        double[] ms = numbers("{'v': {'$date': {'min': '2020-01-01', 'max': '2024-01-01', 'distribution': 'exponential',"
                + " 'mean': 60, 'reverse': true}}}");
        double max = java.time.Instant.parse("2024-01-01T00:00:00Z").toEpochMilli();
        assertThat((max - mean(ms)) / 86_400_000.0).isCloseTo(60, within(3.0));
    }

    @Test
    void decimalsAndLongsTakeDistributionsToo() {
        double[] xs = numbers("{'v': {'$decimal': {'min': 0, 'max': 1000, 'distribution': 'normal', 'mean': 100, 'stddev': 5}}}");
        assertThat(mean(xs)).isCloseTo(100, within(0.2));
        double[] ys = numbers("{'v': {'$long': {'min': 0, 'max': 1000000, 'distribution': 'exponential', 'mean': 1000}}}");
        assertThat(mean(ys)).isCloseTo(1000, within(30.0));
    }
}
