package io.dataworks.generators.template.internal;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.random.RandomGenerator;

import com.fasterxml.jackson.databind.JsonNode;

import net.datafaker.Faker;

import io.dataworks.generators.template.internal.TemplateCompiler.Operator;

/**
 * The chance.js names mgeneratejs passes through ({@code "$name"}, {@code {"$email": {"domain": ...}}}),
 * mapped onto Datafaker or, where chance's output is simple, computed directly from the random source
 * (cheaper than any Faker call).
 */
final class ChanceNames {

    private ChanceNames() {
    }

    private static final String[] GENDERS = {"Male", "Female"};
    private static final String[] MONTHS = {"January", "February", "March", "April", "May", "June", "July",
        "August", "September", "October", "November", "December"};
    private static final String[] WEEKDAYS = {"Monday", "Tuesday", "Wednesday", "Thursday", "Friday"};
    private static final String[] WEEKDAYS_ALL = {"Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"};
    private static final String[] TLDS = {"com", "org", "edu", "gov", "co.uk", "net", "io", "de", "fr", "ca"};
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    static void register(Map<String, Operator> ops) {
        ops.put("$name", (c, op, args, path, scope) -> {
            Opts o = Opts.of(c, op, path, args, List.of("gender", "middle", "prefix"));
            int gender = gender(o);
            boolean middle = o.boolOpt("middle", false);
            boolean prefix = o.boolOpt("prefix", false);
            Vocabulary v = vocabulary(c);
            if (v == null) {
                return fakerNode(c, f -> (prefix ? f.name().prefix() + " " : "") + f.name().firstName() + " "
                        + (middle ? f.name().firstName() + " " : "") + f.name().lastName());
            }
            if (prefix) {
                int slot = c.localeSlot(c.options().locale());
                return (r, ctx) -> ctx.faker(slot).name().prefix() + " " + v.first(r, gender) + " "
                        + (middle ? v.first(r, gender) + " " : "") + Vocabulary.pick(v.last, r);
            }
            if (middle) {
                return (r, ctx) -> v.first(r, gender) + " " + v.first(r, gender) + " " + Vocabulary.pick(v.last, r);
            }
            return (r, ctx) -> v.first(r, gender) + " " + Vocabulary.pick(v.last, r);
        });
        ops.put("$first", (c, op, args, path, scope) -> {
            Opts o = Opts.of(c, op, path, args, List.of("gender"));
            int gender = gender(o);
            Vocabulary v = vocabulary(c);
            return v == null ? fakerNode(c, f -> f.name().firstName()) : (r, ctx) -> v.first(r, gender);
        });
        fast(ops, "$last", f -> f.name().lastName(), v -> (r, ctx) -> Vocabulary.pick(v.last, r));
        fast(ops, "$street", f -> f.address().streetName(), v -> (r, ctx) -> v.street(r));
        fast(ops, "$address", f -> f.address().streetAddress(), v -> (r, ctx) -> v.address(r));
        fast(ops, "$city", f -> f.address().city(), v -> (r, ctx) -> v.city(r));
        fast(ops, "$company", f -> f.company().name(), v -> (r, ctx) -> v.company(r));
        ops.put("$word", (c, op, args, path, scope) -> {
            Opts o = Opts.of(c, op, path, args, List.of("length", "syllables", "capitalize"));
            int length = o.nonNegativeInt("length", 0);
            int syllables = o.nonNegativeInt("syllables", 0);
            if (length > 0 && syllables > 0) {
                throw o.error("give length or syllables, not both");
            }
            boolean capitalize = o.boolOpt("capitalize", false);
            Vocabulary v = vocabulary(c);
            Node word = v == null ? fakerNode(c, f -> f.lorem().word()) : (r, ctx) -> Vocabulary.pick(v.words, r);
            if (length == 0 && syllables == 0 && !capitalize) {
                return word;
            }
            return (r, ctx) -> {
                StringBuilder sb = new StringBuilder();
                if (syllables > 0) {
                    // chance builds a word of that many syllables: 2 or 3 letters each
                    for (int i = 0; i < syllables; i++) {
                        sb.append(syllable(r));
                    }
                } else {
                    while (sb.length() < Math.max(1, length)) {
                        sb.append((String) word.generate(r, ctx));
                    }
                    if (length > 0) {
                        sb.setLength(length);
                    }
                }
                String s = sb.toString();
                return capitalize && !s.isEmpty() ? Character.toUpperCase(s.charAt(0)) + s.substring(1) : s;
            };
        });
        fast(ops, "$domain", f -> f.internet().domainName(), v -> (r, ctx) -> v.domain(r));
        fast(ops, "$url", f -> f.internet().url(), v -> (r, ctx) -> "https://www." + v.domain(r) + "/" + Vocabulary.pick(v.words, r));
        ops.put("$phone", (c, op, args, path, scope) -> {
            Opts o = Opts.of(c, op, path, args, List.of("formatted", "country", "mobile"));
            o.enumOpt("country", "us", List.of("us"));
            o.boolOpt("mobile", false);
            if (!o.boolOpt("formatted", true)) {
                return (r, ctx) -> Vocabulary.phoneDigits(r);
            }
            return (r, ctx) -> Vocabulary.phone(r);
        });
        ops.put("$zip", (c, op, args, path, scope) -> {
            Opts o = Opts.of(c, op, path, args, List.of("plusfour"));
            boolean plusFour = o.boolOpt("plusfour", false);
            return (r, ctx) -> Vocabulary.zip(r, plusFour);
        });
        faker(ops, "$postal", f -> f.address().postcode());
        faker(ops, "$postcode", f -> f.address().postcode());
        faker(ops, "$prefix", f -> f.name().prefix());
        faker(ops, "$suffix", f -> f.name().suffix());
        faker(ops, "$username", f -> f.name().username());
        faker(ops, "$profession", f -> f.company().profession());
        faker(ops, "$ipv6", f -> f.internet().ipV6Address());
        faker(ops, "$color", f -> f.color().name());
        faker(ops, "$animal", f -> f.animal().name());
        faker(ops, "$ssn", f -> f.idNumber().ssnValid());
        faker(ops, "$cc", f -> f.finance().creditCard());
        faker(ops, "$iban", f -> f.finance().iban());
        faker(ops, "$twitter", f -> "@" + f.name().username().replace(".", ""));

        ops.put("$email", (c, op, args, path, scope) -> {
            Opts o = Opts.of(c, op, path, args, List.of("domain"));
            String domain = o.stringOpt("domain", null);
            Vocabulary v = vocabulary(c);
            if (v != null) {
                return (r, ctx) -> v.email(r, domain);
            }
            if (domain == null) {
                return fakerNode(c, f -> f.internet().emailAddress());
            }
            return fakerNode(c, f -> f.internet().username() + "@" + domain);
        });
        ops.put("$state", (c, op, args, path, scope) -> {
            Opts o = Opts.of(c, op, path, args, List.of("full", "country"));
            o.stringOpt("country", null);
            boolean full = o.boolOpt("full", false);
            Vocabulary v = vocabulary(c);
            if (v != null) {
                String[] states = full ? v.state : v.stateAbbr;
                return (r, ctx) -> Vocabulary.pick(states, r);
            }
            return full ? fakerNode(c, f -> f.address().state()) : fakerNode(c, f -> f.address().stateAbbr());
        });
        ops.put("$country", (c, op, args, path, scope) -> {
            Opts o = Opts.of(c, op, path, args, List.of("full"));
            boolean full = o.boolOpt("full", false);
            Vocabulary v = vocabulary(c);
            if (v != null) {
                String[] countries = full ? v.country : v.countryCode;
                return (r, ctx) -> Vocabulary.pick(countries, r);
            }
            return full ? fakerNode(c, f -> f.address().country()) : fakerNode(c, f -> f.address().countryCode());
        });
        ops.put("$sentence", (c, op, args, path, scope) -> {
            Opts o = Opts.of(c, op, path, args, List.of("words"));
            int words = o.nonNegativeInt("words", 0);
            if (o.has("words") && words < 1) {
                throw o.error("words must be at least 1");
            }
            int min = o.has("words") ? words : 6;
            int max = o.has("words") ? words : 12;
            Vocabulary v = vocabulary(c);
            return v != null ? (r, ctx) -> v.sentence(r, min, max) : fakerNode(c, f -> f.lorem().sentence(min, 0));
        });
        ops.put("$paragraph", (c, op, args, path, scope) -> {
            Opts o = Opts.of(c, op, path, args, List.of("sentences"));
            int sentences = o.nonNegativeInt("sentences", 0);
            boolean fixed = o.has("sentences");
            Vocabulary v = vocabulary(c);
            if (v != null) {
                return (r, ctx) -> v.paragraph(r, fixed ? sentences : r.nextInt(3, 8));
            }
            return fakerNode(c, f -> f.lorem().paragraph(fixed ? sentences : 5));
        });
        ops.put("$age", (c, op, args, path, scope) -> {
            Opts o = Opts.of(c, op, path, args, List.of("type"));
            String type = o.enumOpt("type", "adult", List.of("child", "teen", "adult", "senior", "all"));
            int[] range = switch (type) {
                case "child" -> new int[] {0, 12};
                case "teen" -> new int[] {13, 19};
                case "senior" -> new int[] {65, 100};
                case "all" -> new int[] {0, 100};
                default -> new int[] {18, 65};
            };
            return (r, ctx) -> r.nextInt(range[0], range[1] + 1);
        });
        ops.put("$birthday", (c, op, args, path, scope) -> {
            Opts o = Opts.of(c, op, path, args, List.of("type"));
            String type = o.enumOpt("type", "adult", List.of("child", "teen", "adult", "senior"));
            int[] range = switch (type) {
                case "child" -> new int[] {1, 12};
                case "teen" -> new int[] {13, 19};
                case "senior" -> new int[] {65, 100};
                default -> new int[] {18, 65};
            };
            long base = c.options().baseTime().toEpochMilli();
            long youngest = base - range[0] * 365L * 86_400_000L;
            long oldest = base - (range[1] + 1) * 365L * 86_400_000L;
            return (r, ctx) -> new java.util.Date(r.nextLong(oldest, youngest));
        });
        ops.put("$gender", (c, op, args, path, scope) -> {
            Opts.of(c, op, path, args, List.of());
            return (r, ctx) -> GENDERS[r.nextInt(2)];
        });
        ops.put("$ip", (c, op, args, path, scope) -> {
            Opts.of(c, op, path, args, List.of());
            return (r, ctx) -> {
                int v = r.nextInt();
                return ((v >>> 24) & 0xFF) + "." + ((v >>> 16) & 0xFF) + "." + ((v >>> 8) & 0xFF) + "." + (v & 0xFF);
            };
        });
        ops.put("$guid", (c, op, args, path, scope) -> {
            Opts.of(c, op, path, args, List.of("version"));
            return (r, ctx) -> guid(r);
        });
        ops.put("$hash", (c, op, args, path, scope) -> {
            Opts o = Opts.of(c, op, path, args, List.of("length", "casing"));
            int length = o.nonNegativeInt("length", 40);
            boolean upper = "upper".equals(o.enumOpt("casing", "lower", List.of("lower", "upper")));
            return (r, ctx) -> {
                char[] out = new char[length];
                for (int i = 0; i < length; i++) {
                    char ch = HEX[r.nextInt(16)];
                    out[i] = upper ? Character.toUpperCase(ch) : ch;
                }
                return new String(out);
            };
        });
        ops.put("$year", (c, op, args, path, scope) -> {
            Opts o = Opts.of(c, op, path, args, List.of("min", "max"));
            int min = o.intOpt("min", 1900);
            int max = o.intOpt("max", 2100);
            if (min > max) {
                throw o.error("min " + min + " > max " + max);
            }
            return (r, ctx) -> Integer.toString(r.nextInt(min, max + 1));
        });
        ops.put("$month", (c, op, args, path, scope) -> {
            Opts.of(c, op, path, args, List.of());
            return (r, ctx) -> MONTHS[r.nextInt(12)];
        });
        ops.put("$weekday", (c, op, args, path, scope) -> {
            Opts o = Opts.of(c, op, path, args, List.of("weekday_only"));
            String[] days = o.boolOpt("weekday_only", false) ? WEEKDAYS : WEEKDAYS_ALL;
            return (r, ctx) -> days[r.nextInt(days.length)];
        });
        ops.put("$natural", (c, op, args, path, scope) -> {
            Opts o = Opts.of(c, op, path, args, List.of("min", "max"));
            long min = o.longOpt("min", 0);
            long max = o.longOpt("max", 9007199254740991L);
            if (min < 0 || min > max) {
                throw o.error("needs 0 <= min <= max, got min " + min + ", max " + max);
            }
            return max <= Integer.MAX_VALUE ? (r, ctx) -> (int) r.nextLong(min, max + 1) : (r, ctx) -> r.nextLong(min, max + 1);
        });
        ops.put("$letter", (c, op, args, path, scope) -> {
            Opts o = Opts.of(c, op, path, args, List.of("casing"));
            String pool = "upper".equals(o.enumOpt("casing", "lower", List.of("lower", "upper"))) ? Operators.UPPER : Operators.LOWER;
            return (r, ctx) -> String.valueOf(pool.charAt(r.nextInt(26)));
        });
        ops.put("$tld", (c, op, args, path, scope) -> {
            Opts.of(c, op, path, args, List.of());
            return (r, ctx) -> TLDS[r.nextInt(TLDS.length)];
        });
        ops.put("$latitude", (c, op, args, path, scope) -> geo(c, op, args, path, -90, 90));
        ops.put("$longitude", (c, op, args, path, scope) -> geo(c, op, args, path, -180, 180));
        ops.put("$altitude", (c, op, args, path, scope) -> geo(c, op, args, path, 0, 8848));
    }

    private static Node geo(TemplateCompiler c, String op, JsonNode args, String path, double lo, double hi) {
        Opts o = Opts.of(c, op, path, args, List.of("min", "max", "fixed"));
        double min = o.doubleOpt("min", lo);
        double max = o.doubleOpt("max", hi);
        if (min > max) {
            throw o.error("min " + min + " > max " + max);
        }
        double scale = Math.pow(10, Math.min(o.nonNegativeInt("fixed", 5), 15));
        return (r, ctx) -> Math.rint((min == max ? min : r.nextDouble(min, max)) * scale) / scale;
    }

    private static String syllable(RandomGenerator r) {
        String consonants = "bcdfghjklmnprstvwz";
        String vowels = "aeiou";
        int n = r.nextInt(2, 4);
        StringBuilder sb = new StringBuilder(n);
        boolean consonant = r.nextBoolean();
        for (int i = 0; i < n; i++) {
            String pool = consonant ? consonants : vowels;
            sb.append(pool.charAt(r.nextInt(pool.length())));
            consonant = !consonant;
        }
        return sb.toString();
    }

    static String guid(RandomGenerator r) {
        long msb = (r.nextLong() & 0xFFFFFFFFFFFF0FFFL) | 0x0000000000004000L;
        long lsb = (r.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
        return new java.util.UUID(msb, lsb).toString();
    }

    private static int gender(Opts o) {
        String g = o.enumOpt("gender", null, List.of("male", "female", "Male", "Female"));
        return g == null ? -1 : g.equalsIgnoreCase("male") ? 0 : 1;
    }

    private static Vocabulary vocabulary(TemplateCompiler c) {
        Locale locale = c.options().locale();
        return Vocabulary.of(locale, c.fakers().probe(locale));
    }

    /** A name with a fast path over the copied word lists, and a Faker call where the locale has none. */
    private static void fast(Map<String, Operator> ops, String name, Function<Faker, String> fn,
                             Function<Vocabulary, Node> fast) {
        ops.put(name, (c, op, args, path, scope) -> {
            Opts.of(c, op, path, args, List.of());
            Vocabulary v = vocabulary(c);
            return v == null ? fakerNode(c, fn) : fast.apply(v);
        });
    }

    private static void faker(Map<String, Operator> ops, String name, Function<Faker, String> fn) {
        ops.put(name, (c, op, args, path, scope) -> {
            Opts.of(c, op, path, args, List.of());
            return fakerNode(c, fn);
        });
    }

    /** A Datafaker call on the default locale's per-thread Faker, probed once at compile time. */
    private static Node fakerNode(TemplateCompiler c, Function<Faker, String> fn) {
        int slot = c.localeSlot(c.options().locale());
        fn.apply(c.fakers().probe(c.options().locale()));
        return (r, ctx) -> fn.apply(ctx.faker(slot));
    }
}
