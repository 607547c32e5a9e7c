package io.dataworks.generators.template.internal;

import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.TextStyle;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Currency;
import java.util.Date;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.random.RandomGenerator;

import org.bson.Document;
import org.bson.types.Binary;

import io.dataworks.generators.template.internal.TemplateCompiler.Operator;

/**
 * The rest of chance.js, which mgeneratejs passes every unknown {@code $name} to: dice, clock parts,
 * tokens and national identifiers, music, finance strings, and the objects ({@code $timezone},
 * {@code $currency}, {@code $street_suffix}) chance returns as objects. Values follow chance's formats
 * and ranges (so that the BSON type and shape are the same); the data behind them comes from the JDK
 * (time zones, currencies, countries, languages) rather than from chance's lists.
 */
final class ChanceExtras {

    private ChanceExtras() {
    }

    private static final char[] HEX = "0123456789abcdef".toCharArray();
    private static final char[] HEX_UPPER = "0123456789ABCDEF".toCharArray();
    private static final String ALNUM = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    private static final String CONSONANTS = "bcdfghjklmnprstvwz";
    private static final String VOWELS = "aeiou";
    private static final String[] COIN = {"heads", "tails"};
    private static final String[] AMPM = {"am", "pm"};
    private static final String[] EMOTIONS = {"love", "joy", "surprise", "anger", "sadness", "fear"};
    private static final String[] ZODIAC = {"Aries", "Taurus", "Gemini", "Cancer", "Leo", "Virgo", "Libra", "Scorpio",
        "Sagittarius", "Capricorn", "Aquarius", "Pisces"};
    private static final String[] NOTES = {"C", "C#", "D", "D#", "E", "F", "F#", "G", "G#", "A", "A#", "B", "D♭", "E♭", "G♭", "A♭", "B♭"};
    private static final String[] CHORD_QUALITIES = {"maj", "min", "dim", "aug", "7", "maj7", "m7", "ø", "sus2", "sus4"};
    private static final String[] EMOJIS = {"😀", "😂", "😍", "🤔", "👍", "🎉", "🚀", "🌍", "🍕", "⚽", "🎵", "🐱", "🚪", "🔥", "💡"};
    private static final String[] CC_TYPES = {"American Express", "Mastercard", "Visa", "Discover Card", "Diners Club International",
        "JCB", "Maestro", "UnionPay"};
    private static final String[] NAME_PREFIXES = {"Mr.", "Mrs.", "Miss", "Dr.", "Ms."};
    private static final String[] NAME_SUFFIXES = {"Jr.", "Sr.", "I", "II", "III", "IV", "Ph.D", "M.D.", "B.E", "M.A."};
    private static final String[] NATIONALITIES = {"American", "Argentine", "Australian", "Brazilian", "British", "Canadian",
        "Chinese", "Dutch", "French", "German", "Indian", "Irish", "Italian", "Japanese", "Mexican", "Nigerian",
        "Paraguayan", "Polish", "Spanish", "Swedish"};
    private static final String[][] PROVINCES = {{"Alberta", "AB"}, {"British Columbia", "BC"}, {"Manitoba", "MB"},
        {"New Brunswick", "NB"}, {"Newfoundland and Labrador", "NL"}, {"Nova Scotia", "NS"}, {"Ontario", "ON"},
        {"Prince Edward Island", "PE"}, {"Quebec", "QC"}, {"Saskatchewan", "SK"}};
    private static final String[] COUNTIES = {"Bedfordshire", "Cornwall", "Derby", "Devon", "Dorset", "Essex", "Kent",
        "Lancashire", "Norfolk", "Nottingham", "Suffolk", "Surrey", "Yorkshire"};
    private static final String[][] STREET_SUFFIXES = {{"Avenue", "Ave"}, {"Boulevard", "Blvd"}, {"Center", "Ctr"},
        {"Circle", "Cir"}, {"Court", "Ct"}, {"Drive", "Dr"}, {"Extension", "Ext"}, {"Glen", "Gln"}, {"Grove", "Grv"},
        {"Heights", "Hts"}, {"Highway", "Hwy"}, {"Junction", "Jct"}, {"Key", "Key"}, {"Lane", "Ln"}, {"Loop", "Loop"},
        {"Manor", "Mnr"}, {"Mill", "Mill"}, {"Park", "Park"}, {"Parkway", "Pkwy"}, {"Pass", "Pass"}, {"Path", "Path"},
        {"Pike", "Pike"}, {"Place", "Pl"}, {"Plaza", "Plz"}, {"Point", "Pt"}, {"Ridge", "Rdg"}, {"River", "Riv"},
        {"Road", "Rd"}, {"Square", "Sq"}, {"Street", "St"}, {"Terrace", "Ter"}, {"Trail", "Trl"}, {"Turnpike", "Tpke"},
        {"View", "Vw"}, {"Way", "Way"}};
    private static final String[] FILE_EXTENSIONS = {"txt", "pdf", "doc", "png", "jpg", "gif", "csv", "json", "xml", "mp3", "zip"};
    private static final List<Currency> CURRENCIES = Currency.getAvailableCurrencies().stream()
            .sorted(java.util.Comparator.comparing(Currency::getCurrencyCode)).toList();
    private static final String[] ZONES = ZoneId.getAvailableZoneIds().stream()
            .filter(z -> z.contains("/") && !z.startsWith("Etc/") && !z.startsWith("SystemV/")).sorted().toArray(String[]::new);
    private static final String[] LANGUAGES = Locale.getISOLanguages();
    private static final String[] COUNTRIES = Locale.getISOCountries();

    static void register(Map<String, Operator> ops) {
        for (int sides : new int[] {4, 6, 8, 10, 12, 20, 30, 100}) {
            noOptions(ops, "$d" + sides, (r, ctx) -> r.nextInt(1, sides + 1));
        }
        noOptions(ops, "$coin", (r, ctx) -> pick(COIN, r));
        noOptions(ops, "$ampm", (r, ctx) -> pick(AMPM, r));
        noOptions(ops, "$millisecond", (r, ctx) -> r.nextInt(1000));
        noOptions(ops, "$klout", (r, ctx) -> r.nextInt(1, 100));
        noOptions(ops, "$midi_note", (r, ctx) -> r.nextInt(128));
        noOptions(ops, "$port", (r, ctx) -> r.nextInt(65536));
        noOptions(ops, "$random", (r, ctx) -> r.nextDouble());
        noOptions(ops, "$emotion", (r, ctx) -> pick(EMOTIONS, r));
        noOptions(ops, "$zodiac", (r, ctx) -> pick(ZODIAC, r));
        noOptions(ops, "$note", (r, ctx) -> pick(NOTES, r));
        noOptions(ops, "$chord_quality", (r, ctx) -> pick(CHORD_QUALITIES, r));
        noOptions(ops, "$chord", (r, ctx) -> pick(NOTES, r) + pick(CHORD_QUALITIES, r));
        noOptions(ops, "$emoji", (r, ctx) -> pick(EMOJIS, r));
        noOptions(ops, "$cc_type", (r, ctx) -> pick(CC_TYPES, r));
        noOptions(ops, "$name_prefix", (r, ctx) -> pick(NAME_PREFIXES, r));
        noOptions(ops, "$name_suffix", (r, ctx) -> pick(NAME_SUFFIXES, r));
        noOptions(ops, "$nationality", (r, ctx) -> pick(NATIONALITIES, r));
        noOptions(ops, "$county", (r, ctx) -> pick(COUNTIES, r));
        noOptions(ops, "$locale", (r, ctx) -> pick(LANGUAGES, r));
        noOptions(ops, "$loremPicsum", (r, ctx) -> "https://picsum.photos/500/500/?random");
        noOptions(ops, "$avatar", (r, ctx) -> "//www.gravatar.com/avatar/" + hex(r, 32, false));
        noOptions(ops, "$bb_pin", (r, ctx) -> hex(r, 8, false));
        noOptions(ops, "$apple_token", (r, ctx) -> hex(r, 64, false));
        noOptions(ops, "$android_id", (r, ctx) -> "APA91" + chars(r, ALNUM + "-_", 178));
        noOptions(ops, "$wp7_anid", (r, ctx) -> "A=" + hex(r, 32, true) + "&E=" + hex(r, 3, false) + "&W=" + r.nextInt(10));
        noOptions(ops, "$wp8_anid2", (r, ctx) -> Base64.getEncoder().encodeToString(hex(r, 32, false).getBytes()));
        noOptions(ops, "$google_analytics", (r, ctx) -> "UA-" + digits(r, 6) + "-" + digits(r, 2));
        noOptions(ops, "$fbid", (r, ctx) -> "10000" + digits(r, 11));
        noOptions(ops, "$hashtag", (r, ctx) -> "#" + word(r, 1 + r.nextInt(3)));
        noOptions(ops, "$radio", (r, ctx) -> (r.nextBoolean() ? "K" : "W") + chars(r, "ABCDEFGHIJKLMNOPQRSTUVWXYZ", 3));
        noOptions(ops, "$tv", (r, ctx) -> (r.nextBoolean() ? "K" : "W") + chars(r, "ABCDEFGHIJKLMNOPQRSTUVWXYZ", 3));
        noOptions(ops, "$semver", (r, ctx) -> pick(new String[] {"", "^", "~", "<", ">", "<=", ">=", "="}, r)
                + r.nextInt(1, 11) + "." + r.nextInt(1, 11) + "." + r.nextInt(1, 11));
        noOptions(ops, "$geojson", (r, ctx) -> round(r.nextDouble(-90, 90), 5) + ", " + round(r.nextDouble(-180, 180), 5)
                + ", " + round(r.nextDouble(0, 8848), 5));
        noOptions(ops, "$file", (r, ctx) -> word(r, 2) + "." + pick(FILE_EXTENSIONS, r));
        noOptions(ops, "$exp_month", (r, ctx) -> String.format("%02d", r.nextInt(1, 13)));
        noOptions(ops, "$exp_year", (r, ctx) -> Integer.toString(2025 + r.nextInt(11)));
        noOptions(ops, "$exp", (r, ctx) -> String.format("%02d", r.nextInt(1, 13)) + "/" + (2025 + r.nextInt(11)));
        noOptions(ops, "$currency_pair", (r, ctx) -> {
            int a = r.nextInt(CURRENCIES.size());
            int b = (a + 1 + r.nextInt(CURRENCIES.size() - 1)) % CURRENCIES.size();
            return CURRENCIES.get(a).getCurrencyCode() + "/" + CURRENCIES.get(b).getCurrencyCode();
        });
        noOptions(ops, "$HIDN", (r, ctx) -> digits(r, 6) + chars(r, "ABCDEFGHIJKLMNOPQRSTUVWXYZ", 2));
        noOptions(ops, "$aadhar", (r, ctx) -> digits(r, 4) + " " + digits(r, 4) + " " + digits(r, 4));
        noOptions(ops, "$cpf", (r, ctx) -> digits(r, 3) + "." + digits(r, 3) + "." + digits(r, 3) + "-" + digits(r, 2));
        noOptions(ops, "$cnpj", (r, ctx) -> digits(r, 2) + "." + digits(r, 3) + "." + digits(r, 3) + "/0001-" + digits(r, 2));
        noOptions(ops, "$cf", (r, ctx) -> chars(r, "ABCDEFGHIJKLMNOPQRSTUVWXYZ", 6) + digits(r, 2)
                + chars(r, "ABCDEHLMPRST", 1) + digits(r, 2) + chars(r, "ABCDEFGHILM", 1) + digits(r, 3) + chars(r, "ABCDEFGHIJKLMNOPQRSTUVWXYZ", 1));
        noOptions(ops, "$israelId", (r, ctx) -> digits(r, 9));
        noOptions(ops, "$it_vat", (r, ctx) -> digits(r, 11));
        noOptions(ops, "$pl_nip", (r, ctx) -> digits(r, 10));
        noOptions(ops, "$pl_pesel", (r, ctx) -> digits(r, 11));
        noOptions(ops, "$pl_regon", (r, ctx) -> digits(r, 9));
        noOptions(ops, "$mrz", (r, ctx) -> mrz(r));
        noOptions(ops, "$buffer", (r, ctx) -> {
            byte[] b = new byte[r.nextInt(5, 21)];
            r.nextBytes(b);
            return new Binary(b);
        });
        noOptions(ops, "$timezone", (r, ctx) -> timezone(pick(ZONES, r)));
        noOptions(ops, "$currency", (r, ctx) -> currency(CURRENCIES.get(r.nextInt(CURRENCIES.size()))));

        ops.put("$street_suffix", (c, op, args, path, scope) -> {
            Opts.of(c, op, path, args, List.of("country"));
            return (r, ctx) -> {
                String[] s = STREET_SUFFIXES[r.nextInt(STREET_SUFFIXES.length)];
                return new Document("name", s[0]).append("abbreviation", s[1]);
            };
        });
        ops.put("$province", (c, op, args, path, scope) -> {
            Opts o = Opts.of(c, op, path, args, List.of("full", "country"));
            int i = o.boolOpt("full", false) ? 0 : 1;
            return (r, ctx) -> PROVINCES[r.nextInt(PROVINCES.length)][i];
        });
        ops.put("$vat", (c, op, args, path, scope) -> {
            Opts.of(c, op, path, args, List.of("country"));
            return (r, ctx) -> digits(r, 11);
        });
        ops.put("$areacode", (c, op, args, path, scope) -> {
            boolean parens = Opts.of(c, op, path, args, List.of("parens")).boolOpt("parens", true);
            return (r, ctx) -> {
                String code = r.nextInt(2, 10) + "" + r.nextInt(10) + r.nextInt(10);
                return parens ? "(" + code + ")" : code;
            };
        });
        ops.put("$dollar", (c, op, args, path, scope) -> {
            double[] range = range(Opts.of(c, op, path, args, List.of("min", "max")), 0, 10000);
            return (r, ctx) -> {
                double v = money(r, range);
                return (v < 0 ? "-$" : "$") + String.format(Locale.ROOT, "%.2f", Math.abs(v));
            };
        });
        ops.put("$euro", (c, op, args, path, scope) -> {
            double[] range = range(Opts.of(c, op, path, args, List.of("min", "max")), 0, 10000);
            return (r, ctx) -> String.format(Locale.US, "%,.2f", money(r, range)) + "€";
        });
        ops.put("$hex", (c, op, args, path, scope) -> {
            Opts o = Opts.of(c, op, path, args, List.of("min", "max", "casing"));
            long min = o.longOpt("min", 0);
            long max = o.longOpt("max", 9007199254740991L);
            if (min < 0 || min > max) {
                throw o.error("needs 0 <= min <= max, got min " + min + ", max " + max);
            }
            boolean upper = "upper".equals(o.enumOpt("casing", "lower", List.of("lower", "upper")));
            return (r, ctx) -> {
                String h = Long.toHexString(min == max ? min : r.nextLong(min, max + 1));
                return upper ? h.toUpperCase(Locale.ROOT) : h;
            };
        });
        ops.put("$hour", (c, op, args, path, scope) -> {
            Opts o = Opts.of(c, op, path, args, List.of("twentyfour", "min", "max"));
            boolean h24 = o.boolOpt("twentyfour", false);
            int min = o.intOpt("min", h24 ? 0 : 1);
            int max = o.intOpt("max", h24 ? 23 : 12);
            if (min < 0 || min > max || max > (h24 ? 23 : 12)) {
                throw o.error("needs 0 <= min <= max <= " + (h24 ? 23 : 12) + ", got min " + min + ", max " + max);
            }
            return (r, ctx) -> r.nextInt(min, max + 1);
        });
        for (String name : new String[] {"$minute", "$second"}) {
            ops.put(name, (c, op, args, path, scope) -> {
                Opts o = Opts.of(c, op, path, args, List.of("min", "max"));
                int min = o.intOpt("min", 0);
                int max = o.intOpt("max", 59);
                if (min < 0 || min > max || max > 59) {
                    throw o.error("needs 0 <= min <= max <= 59, got min " + min + ", max " + max);
                }
                return (r, ctx) -> r.nextInt(min, max + 1);
            });
        }
        ops.put("$tempo", (c, op, args, path, scope) -> {
            Opts o = Opts.of(c, op, path, args, List.of("min", "max"));
            int min = o.intOpt("min", 40);
            int max = o.intOpt("max", 320);
            if (min > max) {
                throw o.error("min " + min + " > max " + max);
            }
            return (r, ctx) -> r.nextInt(min, max + 1);
        });
        ops.put("$prime", (c, op, args, path, scope) -> {
            Opts o = Opts.of(c, op, path, args, List.of("min", "max"));
            int min = o.intOpt("min", 0);
            int max = o.intOpt("max", 10000);
            if (min < 0 || min > max || max > 10_000_000) {
                throw o.error("needs 0 <= min <= max <= 10000000, got min " + min + ", max " + max);
            }
            int[] primes = primes(min, max);
            if (primes.length == 0) {
                throw o.error("there is no prime between " + min + " and " + max);
            }
            return (r, ctx) -> primes[r.nextInt(primes.length)];
        });
        ops.put("$depth", (c, op, args, path, scope) -> {
            Opts o = Opts.of(c, op, path, args, List.of("min", "max", "fixed"));
            double[] range = range(o, -10994, 0);
            double scale = Math.pow(10, Math.min(o.nonNegativeInt("fixed", 5), 15));
            return (r, ctx) -> Math.rint((range[0] == range[1] ? range[0] : r.nextDouble(range[0], range[1])) * scale) / scale;
        });
        ops.put("$normal", ChanceExtras::normal);
        ops.put("$gauss", ChanceExtras::normal);
        Operators.ALIASES.add("$gauss");
        ops.put("$hammertime", (c, op, args, path, scope) -> {
            Opts o = Opts.of(c, op, path, args, List.of("min", "max"));
            long min = o.has("min") ? c.dateMillis(o.raw("min"), o, "min") : -2208988800000L;
            long max = o.has("max") ? c.dateMillis(o.raw("max"), o, "max") : 4102444799999L;
            if (min > max) {
                throw o.error("min " + new Date(min).toInstant() + " > max " + new Date(max).toInstant());
            }
            return (r, ctx) -> min == max ? min : r.nextLong(min, max + 1);
        });
        ops.put("$mac_address", (c, op, args, path, scope) -> {
            Opts o = Opts.of(c, op, path, args, List.of("separator", "networkVersion"));
            boolean network = o.boolOpt("networkVersion", false);
            String separator = o.stringOpt("separator", network ? "." : ":");
            int groups = network ? 3 : 6;
            int width = network ? 4 : 2;
            return (r, ctx) -> {
                StringBuilder sb = new StringBuilder();
                for (int i = 0; i < groups; i++) {
                    if (i > 0) {
                        sb.append(separator);
                    }
                    sb.append(hex(r, width, true));
                }
                return sb.toString();
            };
        });
        ops.put("$mac", (c, op, args, path, scope) -> {
            String delimiter = Opts.of(c, op, path, args, List.of("delimiter")).stringOpt("delimiter", ":");
            return (r, ctx) -> {
                StringBuilder sb = new StringBuilder();
                for (int i = 0; i < 6; i++) {
                    if (i > 0) {
                        sb.append(delimiter);
                    }
                    sb.append(hex(r, 2, false));
                }
                return sb.toString();
            };
        });
        ops.put("$syllable", (c, op, args, path, scope) -> {
            Opts o = Opts.of(c, op, path, args, List.of("length", "capitalize"));
            int length = o.nonNegativeInt("length", 0);
            boolean capitalize = o.boolOpt("capitalize", false);
            return (r, ctx) -> {
                String s = syllable(r, length > 0 ? length : r.nextInt(2, 4));
                return capitalize && !s.isEmpty() ? Character.toUpperCase(s.charAt(0)) + s.substring(1) : s;
            };
        });
        ops.put("$geohash", (c, op, args, path, scope) -> {
            int length = Opts.of(c, op, path, args, List.of("length")).nonNegativeInt("length", 7);
            return (r, ctx) -> chars(r, "0123456789bcdefghjkmnpqrstuvwxyz", length);
        });
    }

    private static Node normal(TemplateCompiler c, String op, com.fasterxml.jackson.databind.JsonNode args, String path,
                               TemplateCompiler.Scope scope) {
        Opts o = Opts.of(c, op, path, args, List.of("mean", "dev"));
        double mean = o.doubleOpt("mean", 0);
        double dev = o.doubleOpt("dev", 1);
        if (dev < 0) {
            throw o.error("dev must not be negative, got " + dev);
        }
        return (r, ctx) -> mean + dev * r.nextGaussian();
    }

    private static void noOptions(Map<String, Operator> ops, String name, Node node) {
        ops.put(name, (c, op, args, path, scope) -> {
            Opts.of(c, op, path, args, List.of());
            return node;
        });
    }

    private static double[] range(Opts o, double min, double max) {
        double lo = o.doubleOpt("min", min);
        double hi = o.doubleOpt("max", max);
        if (lo > hi) {
            throw o.error("min " + lo + " > max " + hi);
        }
        return new double[] {lo, hi};
    }

    private static double money(RandomGenerator r, double[] range) {
        double v = range[0] == range[1] ? range[0] : r.nextDouble(range[0], range[1]);
        return Math.rint(v * 100) / 100;
    }

    static String pick(String[] values, RandomGenerator r) {
        return values[r.nextInt(values.length)];
    }

    private static double round(double v, int places) {
        double scale = Math.pow(10, places);
        return Math.rint(v * scale) / scale;
    }

    static String hex(RandomGenerator r, int n, boolean upper) {
        char[] pool = upper ? HEX_UPPER : HEX;
        char[] out = new char[n];
        for (int i = 0; i < n; i++) {
            out[i] = pool[r.nextInt(16)];
        }
        return new String(out);
    }

    private static String digits(RandomGenerator r, int n) {
        return chars(r, "0123456789", n);
    }

    private static String chars(RandomGenerator r, String pool, int n) {
        char[] out = new char[n];
        for (int i = 0; i < n; i++) {
            out[i] = pool.charAt(r.nextInt(pool.length()));
        }
        return new String(out);
    }

    /** chance's syllable: alternating consonants and vowels, starting with either. */
    private static String syllable(RandomGenerator r, int length) {
        StringBuilder sb = new StringBuilder(length);
        boolean consonant = r.nextBoolean();
        for (int i = 0; i < length; i++) {
            String pool = consonant ? CONSONANTS : VOWELS;
            sb.append(pool.charAt(r.nextInt(pool.length())));
            consonant = !consonant;
        }
        return sb.toString();
    }

    private static String word(RandomGenerator r, int syllables) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < syllables; i++) {
            sb.append(syllable(r, r.nextInt(2, 4)));
        }
        return sb.toString();
    }

    private static String mrz(RandomGenerator r) {
        String name = chars(r, "ABCDEFGHIJKLMNOPQRSTUVWXYZ", 8) + "<<" + chars(r, "ABCDEFGHIJKLMNOPQRSTUVWXYZ", 6);
        StringBuilder line1 = new StringBuilder("P<GBR").append(name);
        while (line1.length() < 44) {
            line1.append('<');
        }
        String line2 = digits(r, 10) + "GBR" + digits(r, 7) + (r.nextBoolean() ? "M" : "F") + digits(r, 7) + "<<<<<<<<<<<<<<" + digits(r, 2);
        return line1 + line2;
    }

    private static int[] primes(int min, int max) {
        boolean[] composite = new boolean[max + 1];
        List<Integer> out = new ArrayList<>();
        for (int i = 2; i <= max; i++) {
            if (!composite[i]) {
                if (i >= min) {
                    out.add(i);
                }
                for (long j = (long) i * i; j <= max; j += i) {
                    composite[(int) j] = true;
                }
            }
        }
        return out.stream().mapToInt(Integer::intValue).toArray();
    }

    /** chance's timezone object: name, abbr, offset (hours), isdst, text, utc (zone ids). */
    static Document timezone(String zoneId) {
        ZoneId zone = ZoneId.of(zoneId);
        ZoneOffset offset = zone.getRules().getStandardOffset(java.time.Instant.EPOCH);
        boolean dst = zone.getRules().nextTransition(java.time.Instant.EPOCH) != null;
        String name = zone.getDisplayName(TextStyle.FULL, Locale.ENGLISH);
        String abbr = zone.getDisplayName(TextStyle.SHORT, Locale.ENGLISH);
        String id = offset.getId().equals("Z") ? "+00:00" : offset.getId();
        double hours = offset.getTotalSeconds() / 3600.0;
        Object offsetValue = hours == Math.rint(hours) ? (Object) (int) hours : (Object) hours;
        List<Object> utc = new ArrayList<>(1);
        utc.add(zoneId);
        return new Document("name", name).append("abbr", abbr).append("offset", offsetValue).append("isdst", dst)
                .append("text", "(UTC" + id + ") " + zoneId.substring(zoneId.indexOf('/') + 1).replace('_', ' '))
                .append("utc", utc);
    }

    /** chance's currency object: code and name. */
    static Document currency(Currency c) {
        return new Document("code", c.getCurrencyCode()).append("name", c.getDisplayName(Locale.ENGLISH));
    }

    static String country(RandomGenerator r) {
        return pick(COUNTRIES, r);
    }
}
