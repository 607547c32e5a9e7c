package io.dataworks.monitoring.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class ProgressHistoryTest {

    private static double[] values(double v) {
        double[] out = new double[ProgressHistory.COLUMNS.length];
        Arrays.fill(out, v);
        return out;
    }

    @Test
    void staysBoundedAndSpansTheWholeRun() {
        ProgressHistory history = new ProgressHistory(100);
        for (int i = 0; i < 100_000; i++) {
            history.add(i, values(i));
        }
        assertThat(history.size()).isLessThanOrEqualTo(100).isGreaterThanOrEqualTo(50);
        double[] t = history.columns().get("t");
        assertThat(t[0]).isZero();
        assertThat(t[t.length - 1]).isGreaterThan(100_000 - 100_000 / 50.0);
        for (int i = 1; i < t.length; i++) {
            assertThat(t[i]).isGreaterThan(t[i - 1]);
        }
    }

    @Test
    void writesColumnsWithNullForMissingValues() {
        ProgressHistory history = new ProgressHistory(10);
        double[] v = values(1.5);
        v[5] = Double.NaN; // no pacing
        history.add(1_700_000_000, v);
        assertThat(history.toJson()).startsWith("{\"t\":[1700000000],\"documentsPerSecond\":[1.5],")
                .contains("\"pacingRate\":[null]");
    }
}
