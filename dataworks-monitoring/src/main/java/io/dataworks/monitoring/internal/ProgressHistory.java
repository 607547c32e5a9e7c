package io.dataworks.monitoring.internal;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The series the live page draws, bounded: at most {@code capacity} points. When full, every other point is
 * dropped and from then on only every other sample is kept (then every 4th...), so the series always spans
 * the whole run with at most {@code capacity} points, whatever its length. Thread-safe.
 */
public final class ProgressHistory {

    /** The columns, in the order of {@link #add}'s values after the time. */
    public static final String[] COLUMNS = {"documentsPerSecond", "bytesPerSecond", "latencyP50Millis",
            "latencyP99Millis", "throttledPerSecond", "pacingRate", "concurrencyLimit", "lagSeconds", "percent"};

    private final int capacity;
    private final double[] times;
    private final double[][] values;
    private int size;
    private int stride = 1;
    private long offered;

    public ProgressHistory(int capacity) {
        if (capacity < 2) {
            throw new IllegalArgumentException("capacity must be at least 2, got " + capacity);
        }
        this.capacity = capacity;
        this.times = new double[capacity];
        this.values = new double[COLUMNS.length][capacity];
    }

    /**
     * Offers one sample: {@code epochSeconds} and one value per {@link #COLUMNS} entry (NaN = none). Kept when it
     * falls on the current stride.
     */
    public synchronized void add(double epochSeconds, double... columns) {
        if (columns.length != COLUMNS.length) {
            throw new IllegalArgumentException("expected " + COLUMNS.length + " values, got " + columns.length);
        }
        if (offered++ % stride != 0) {
            return;
        }
        if (size == capacity) {
            int kept = 0;
            for (int i = 0; i < size; i += 2) {
                times[kept] = times[i];
                for (double[] column : values) {
                    column[kept] = column[i];
                }
                kept++;
            }
            size = kept;
            stride *= 2;
            offered = 1;
        }
        times[size] = epochSeconds;
        for (int c = 0; c < COLUMNS.length; c++) {
            values[c][size] = columns[c];
        }
        size++;
    }

    public synchronized int size() {
        return size;
    }

    /** Column-wise, as uPlot takes it: {@code t} (epoch seconds) and one array per column (NaN as null in JSON). */
    public synchronized Map<String, double[]> columns() {
        Map<String, double[]> out = new LinkedHashMap<>();
        out.put("t", Arrays.copyOf(times, size));
        for (int c = 0; c < COLUMNS.length; c++) {
            out.put(COLUMNS[c], Arrays.copyOf(values[c], size));
        }
        return out;
    }

    /** The columns as JSON; NaN becomes {@code null}. */
    public String toJson() {
        Map<String, double[]> columns = columns();
        StringBuilder b = new StringBuilder(64 + columns.size() * size() * 8);
        b.append('{');
        boolean first = true;
        for (Map.Entry<String, double[]> e : columns.entrySet()) {
            if (!first) {
                b.append(',');
            }
            first = false;
            b.append('"').append(e.getKey()).append("\":[");
            double[] column = e.getValue();
            for (int i = 0; i < column.length; i++) {
                if (i > 0) {
                    b.append(',');
                }
                double v = column[i];
                b.append(Double.isNaN(v) || Double.isInfinite(v) ? "null" : Json.number(v));
            }
            b.append(']');
        }
        return b.append('}').toString();
    }
}
