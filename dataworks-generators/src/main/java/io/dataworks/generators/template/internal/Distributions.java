package io.dataworks.generators.template.internal;

import java.util.List;
import java.util.function.ToDoubleFunction;
import java.util.random.RandomGenerator;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Number distributions shared by the numeric operators, {@code $date} and {@code $array} lengths:
 * {@code uniform} (default), {@code normal} (mean, stddev), {@code lognormal} (mean, stddev of the value,
 * or mu, sigma of its logarithm), {@code exponential} (mean; the value is min + an exponential
 * excess) and {@code zipf} (n, exponent; integers only: rank k has weight 1/k^exponent and gives
 * min + k - 1). Draws outside [min, max] are redrawn (up to 64 times, then clamped), so the bounds
 * always hold and the shape inside them is the truncated distribution.
 */
final class Distributions {

    static final List<String> KEYS = List.of("distribution", "mean", "stddev", "mu", "sigma", "n", "exponent");
    static final List<String> NAMES = List.of("uniform", "normal", "lognormal", "exponential", "zipf");
    private static final int TRIES = 64;

    private Distributions() {
    }

    /** Draws a double (value space). */
    @FunctionalInterface
    interface DoubleSampler {
        double sample(RandomGenerator random);
    }

    /** Draws a long in [min, max]. */
    @FunctionalInterface
    interface LongSampler {
        long sample(RandomGenerator random);
    }

    static boolean isUniform(Opts o) {
        return "uniform".equals(o.enumOpt("distribution", "uniform", NAMES));
    }

    /** A sampler over integers in [min, max]. */
    static LongSampler integral(Opts o, long min, long max) {
        if (min > max) {
            throw o.error("min " + min + " > max " + max);
        }
        String kind = o.enumOpt("distribution", "uniform", NAMES);
        if ("uniform".equals(kind)) {
            rejectParams(o, kind);
            if (min == max) {
                return r -> min;
            }
            if (max == Long.MAX_VALUE) {
                return r -> r.nextLong(min, max);
            }
            long bound = max + 1;
            return r -> r.nextLong(min, bound);
        }
        if ("zipf".equals(kind)) {
            long span = max - min + 1;
            long n = o.longOpt("n", span > 0 && span <= (1L << 53) ? span : -1);
            if (n <= 0) {
                throw o.error("zipf needs n (the number of ranks) when min..max is this wide");
            }
            if (n > span && span > 0) {
                throw o.error("zipf n " + n + " exceeds the range min " + min + " .. max " + max);
            }
            double exponent = o.doubleOpt("exponent", 1.0);
            if (exponent <= 0) {
                throw o.error("zipf exponent must be > 0, got " + exponent);
            }
            Zipf zipf = new Zipf(n, exponent);
            return r -> min + zipf.sample(r) - 1;
        }
        DoubleSampler raw = continuousRaw(o, kind, min, max, null);
        double lo = min;
        double hi = max;
        return r -> {
            for (int i = 0; i < TRIES; i++) {
                double x = Math.rint(raw.sample(r));
                if (x >= lo && x <= hi) {
                    return (long) x;
                }
            }
            return Math.max(min, Math.min(max, Math.round(raw.sample(r))));
        };
    }

    /** A sampler over doubles in [min, max]; {@code meanParser} turns the {@code mean} option into value space. */
    static DoubleSampler continuous(Opts o, double min, double max, ToDoubleFunction<JsonNode> meanParser) {
        if (min > max) {
            throw o.error("min " + min + " > max " + max);
        }
        String kind = o.enumOpt("distribution", "uniform", NAMES);
        if ("uniform".equals(kind)) {
            rejectParams(o, kind);
            if (min == max) {
                return r -> min;
            }
            return r -> r.nextDouble(min, max);
        }
        if ("zipf".equals(kind)) {
            throw o.error("distribution zipf applies to whole numbers ($integer, $long, $array lengths, $choose)");
        }
        DoubleSampler raw = continuousRaw(o, kind, min, max, meanParser);
        return r -> {
            for (int i = 0; i < TRIES; i++) {
                double x = raw.sample(r);
                if (x >= min && x <= max) {
                    return x;
                }
            }
            return Math.max(min, Math.min(max, raw.sample(r)));
        };
    }

    private static void rejectParams(Opts o, String kind) {
        for (String key : List.of("mean", "stddev", "mu", "sigma", "n", "exponent")) {
            if (o.has(key)) {
                throw o.error("option " + key + " does not apply to distribution " + kind);
            }
        }
    }

    private static DoubleSampler continuousRaw(Opts o, String kind, double min, double max,
                                               ToDoubleFunction<JsonNode> meanParser) {
        for (String key : List.of("n", "exponent")) {
            if (o.has(key)) {
                throw o.error("option " + key + " applies to distribution zipf only");
            }
        }
        boolean bounded = Double.isFinite(max - min) && Math.abs(max - min) < 1e300;
        double mean = o.has("mean")
                ? (meanParser != null ? meanParser.applyAsDouble(o.raw("mean")) : o.doubleOpt("mean", 0))
                : Double.NaN;
        if (!Double.isNaN(mean) && (mean < min || mean > max)) {
            throw o.error("mean " + mean + " is outside min " + min + " .. max " + max);
        }
        switch (kind) {
            case "normal": {
                noMuSigma(o, kind);
                double m = Double.isNaN(mean) ? min / 2 + max / 2 : mean;
                double sd = o.doubleOpt("stddev", bounded ? (max - min) / 6 : Double.NaN);
                if (!(sd > 0)) {
                    throw o.error("normal distribution needs stddev > 0");
                }
                return r -> m + sd * r.nextGaussian();
            }
            case "lognormal": {
                double mu;
                double sigma;
                if (o.has("mu") || o.has("sigma")) {
                    if (o.has("mean") || o.has("stddev")) {
                        throw o.error("give either mu/sigma (of the logarithm) or mean/stddev (of the value), not both");
                    }
                    mu = o.doubleOpt("mu", 0);
                    sigma = o.doubleOpt("sigma", 1);
                } else {
                    double m = Double.isNaN(mean) ? min / 2 + max / 2 : mean;
                    double sd = o.doubleOpt("stddev", bounded ? (max - min) / 6 : Double.NaN);
                    if (!(m > 0) || !(sd > 0)) {
                        throw o.error("lognormal distribution needs mean > 0 and stddev > 0");
                    }
                    double s2 = Math.log1p(sd * sd / (m * m));
                    sigma = Math.sqrt(s2);
                    mu = Math.log(m) - s2 / 2;
                }
                if (!(sigma > 0)) {
                    throw o.error("lognormal distribution needs sigma > 0");
                }
                double fmu = mu;
                double fsigma = sigma;
                return r -> Math.exp(fmu + fsigma * r.nextGaussian());
            }
            case "exponential": {
                noMuSigma(o, kind);
                if (o.has("stddev")) {
                    throw o.error("option stddev does not apply to distribution exponential (its stddev is its mean)");
                }
                double m = Double.isNaN(mean) ? (bounded ? min + (max - min) / 4 : Double.NaN) : mean;
                double excess = m - min;
                if (!(excess > 0)) {
                    throw o.error("exponential distribution needs mean > min");
                }
                return r -> min + excess * r.nextExponential();
            }
            default:
                throw o.error("unknown distribution " + kind);
        }
    }

    private static void noMuSigma(Opts o, String kind) {
        if (o.has("mu") || o.has("sigma")) {
            throw o.error("options mu/sigma apply to distribution lognormal only");
        }
    }

    /**
     * Zipf ranks 1..n with P(k) proportional to 1/k^s, by rejection-inversion (Hörmann and Derflinger,
     * 1996): constant time and memory for any n.
     */
    static final class Zipf {
        private final long n;
        private final double exponent;
        private final double hIntegralX1;
        private final double hIntegralN;
        private final double s;

        Zipf(long n, double exponent) {
            this.n = n;
            this.exponent = exponent;
            this.hIntegralX1 = hIntegral(1.5) - 1.0;
            this.hIntegralN = hIntegral(n + 0.5);
            this.s = 2.0 - hIntegralInverse(hIntegral(2.5) - h(2.0));
        }

        long sample(RandomGenerator random) {
            while (true) {
                double u = hIntegralN + random.nextDouble() * (hIntegralX1 - hIntegralN);
                double x = hIntegralInverse(u);
                long k = (long) (x + 0.5);
                if (k < 1) {
                    k = 1;
                } else if (k > n) {
                    k = n;
                }
                if (k - x <= s || u >= hIntegral(k + 0.5) - h(k)) {
                    return k;
                }
            }
        }

        private double hIntegral(double x) {
            double logX = Math.log(x);
            return helper2((1.0 - exponent) * logX) * logX;
        }

        private double h(double x) {
            return Math.exp(-exponent * Math.log(x));
        }

        private double hIntegralInverse(double x) {
            double t = x * (1.0 - exponent);
            if (t < -1.0) {
                t = -1.0;
            }
            return Math.exp(helper1(t) * x);
        }

        private static double helper1(double x) {
            return Math.abs(x) > 1e-8 ? Math.log1p(x) / x : 1.0 - x * (0.5 - x * (1.0 / 3.0 - 0.25 * x));
        }

        private static double helper2(double x) {
            return Math.abs(x) > 1e-8 ? Math.expm1(x) / x : 1.0 + x * 0.5 * (1.0 + x * (1.0 / 3.0) * (1.0 + 0.25 * x));
        }
    }
}
