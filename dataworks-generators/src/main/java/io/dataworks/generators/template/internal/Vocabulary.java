package io.dataworks.generators.template.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.random.RandomGenerator;

import net.datafaker.Faker;

/**
 * Datafaker's word lists (first and last names, street and city parts, states, countries, lorem words,
 * free e-mail domains) copied once into arrays, so that the common chance names cost an array index
 * instead of a Datafaker call: Datafaker resolves every value through its expression machinery, which
 * costs 0.3-15 µs per value ({@code emailAddress()} and {@code phoneNumber()} are the slow ones), while
 * a service-order document has a budget of a few microseconds in all. The values come from the same
 * lists, composed by the same formats Datafaker uses for the English locale.
 */
final class Vocabulary {

    private static final Map<Locale, Vocabulary> CACHE = new ConcurrentHashMap<>();
    private static final Vocabulary NONE = new Vocabulary();

    final String[] maleFirst;
    final String[] femaleFirst;
    final String[] last;
    final String[] emailMaleFirst;
    final String[] emailFemaleFirst;
    final String[] emailLast;
    final String[] streetSuffix;
    final String[] cityPrefix;
    final String[] citySuffix;
    final String[] stateAbbr;
    final String[] state;
    final String[] countryCode;
    final String[] country;
    final String[] companySuffix;
    final String[] words;
    final String[] freeEmail;
    final String[] domainSuffix;

    private Vocabulary() {
        maleFirst = femaleFirst = last = emailMaleFirst = emailFemaleFirst = emailLast = streetSuffix = null;
        cityPrefix = citySuffix = stateAbbr = state = countryCode = country = companySuffix = words = null;
        freeEmail = domainSuffix = null;
    }

    private Vocabulary(Faker f) {
        maleFirst = list(f, "name.male_first_name");
        femaleFirst = list(f, "name.female_first_name");
        last = list(f, "name.last_name");
        emailMaleFirst = emailSafe(maleFirst);
        emailFemaleFirst = emailSafe(femaleFirst);
        emailLast = emailSafe(last);
        streetSuffix = list(f, "address.street_suffix");
        cityPrefix = list(f, "address.city_prefix");
        citySuffix = list(f, "address.city_suffix");
        stateAbbr = list(f, "address.state_abbr");
        state = list(f, "address.state");
        countryCode = list(f, "address.country_code");
        country = list(f, "address.country");
        companySuffix = list(f, "company.suffix");
        words = list(f, "lorem.words");
        freeEmail = list(f, "internet.free_email");
        domainSuffix = list(f, "internet.domain_suffix");
    }

    /** The vocabulary of {@code locale}, or null when Datafaker lacks a plain list for it (then use Faker calls). */
    static Vocabulary of(Locale locale, Faker probe) {
        Vocabulary v = CACHE.computeIfAbsent(locale, l -> {
            try {
                return new Vocabulary(probe);
            } catch (IllegalStateException | ClassCastException e) {
                return NONE;
            }
        });
        return v == NONE ? null : v;
    }

    private static String[] list(Faker f, String key) {
        Object o = f.fakeValuesService().fetchObject(key, f.getContext());
        if (!(o instanceof List<?> l) || l.isEmpty()) {
            throw new IllegalStateException("no list " + key);
        }
        List<String> out = new ArrayList<>(l.size());
        for (Object e : l) {
            String s = String.valueOf(e);
            if (s.contains("#{") || s.contains("#")) {
                throw new IllegalStateException("not a plain list " + key);
            }
            out.add(s);
        }
        return out.toArray(String[]::new);
    }

    private static String[] emailSafe(String[] names) {
        String[] out = new String[names.length];
        for (int i = 0; i < names.length; i++) {
            StringBuilder sb = new StringBuilder(names[i].length());
            for (char c : names[i].toCharArray()) {
                if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) {
                    sb.append(Character.toLowerCase(c));
                }
            }
            out[i] = sb.length() == 0 ? "user" : sb.toString();
        }
        return out;
    }

    static String pick(String[] values, RandomGenerator r) {
        return values[r.nextInt(values.length)];
    }

    /** -1 any, 0 male, 1 female. */
    String first(RandomGenerator r, int gender) {
        boolean female = gender < 0 ? r.nextBoolean() : gender == 1;
        return pick(female ? femaleFirst : maleFirst, r);
    }

    String email(RandomGenerator r, String domain) {
        boolean female = r.nextBoolean();
        String[] firsts = female ? emailFemaleFirst : emailMaleFirst;
        String first = firsts[r.nextInt(firsts.length)];
        String lastName = pick(emailLast, r);
        String host = domain != null ? domain : pick(freeEmail, r);
        StringBuilder sb = new StringBuilder(first.length() + lastName.length() + host.length() + 4);
        sb.append(first).append('.').append(lastName);
        int n = r.nextInt(100);
        if (n < 40) {
            sb.append(n);
        }
        return sb.append('@').append(host).toString();
    }

    /** chance's US format: (AAA) EEE-NNNN with area and exchange codes not starting with 0 or 1. */
    static String phone(RandomGenerator r) {
        char[] c = new char[14];
        int area = r.nextInt(200, 1000);
        int exchange = r.nextInt(200, 1000);
        int line = r.nextInt(10000);
        c[0] = '(';
        digits(c, 1, area, 3);
        c[4] = ')';
        c[5] = ' ';
        digits(c, 6, exchange, 3);
        c[9] = '-';
        digits(c, 10, line, 4);
        return new String(c);
    }

    /** The same number unformatted: ten digits. */
    static String phoneDigits(RandomGenerator r) {
        char[] c = new char[10];
        digits(c, 0, r.nextInt(200, 1000), 3);
        digits(c, 3, r.nextInt(200, 1000), 3);
        digits(c, 6, r.nextInt(10000), 4);
        return new String(c);
    }

    static void digits(char[] c, int at, int value, int width) {
        for (int i = width - 1; i >= 0; i--) {
            c[at + i] = (char) ('0' + value % 10);
            value /= 10;
        }
    }

    static String zip(RandomGenerator r, boolean plusFour) {
        char[] c = new char[plusFour ? 10 : 5];
        digits(c, 0, r.nextInt(100000), 5);
        if (plusFour) {
            c[5] = '-';
            digits(c, 6, r.nextInt(10000), 4);
        }
        return new String(c);
    }

    /** Datafaker's street_name formats: first or last name, then a street suffix. */
    String street(RandomGenerator r) {
        String name = r.nextBoolean() ? first(r, -1) : pick(last, r);
        return name + " " + pick(streetSuffix, r);
    }

    /** Datafaker's street address: a 3-5 digit building number and a street name. */
    String address(RandomGenerator r) {
        int digits = 3 + r.nextInt(3);
        int number = r.nextInt(digits == 3 ? 100 : digits == 4 ? 1000 : 10000, digits == 3 ? 1000 : digits == 4 ? 10000 : 100000);
        return number + " " + street(r);
    }

    /** Datafaker's four city formats. */
    String city(RandomGenerator r) {
        switch (r.nextInt(4)) {
            case 0:
                return pick(cityPrefix, r) + " " + first(r, -1) + pick(citySuffix, r);
            case 1:
                return pick(cityPrefix, r) + " " + first(r, -1);
            case 2:
                return first(r, -1) + pick(citySuffix, r);
            default:
                return pick(last, r) + pick(citySuffix, r);
        }
    }

    /** Datafaker's company formats. */
    String company(RandomGenerator r) {
        switch (r.nextInt(4)) {
            case 0:
                return pick(last, r) + " " + pick(companySuffix, r);
            case 1:
                return pick(last, r) + "-" + pick(last, r);
            case 2:
                return pick(last, r);
            default:
                return pick(last, r) + " and " + pick(last, r);
        }
    }

    String sentence(RandomGenerator r, int minWords, int maxWords) {
        int n = minWords == maxWords ? minWords : r.nextInt(minWords, maxWords + 1);
        StringBuilder sb = new StringBuilder(n * 8);
        for (int i = 0; i < n; i++) {
            String w = pick(words, r);
            if (i == 0) {
                sb.append(Character.toUpperCase(w.charAt(0))).append(w, 1, w.length());
            } else {
                sb.append(' ').append(w);
            }
        }
        return sb.append('.').toString();
    }

    String paragraph(RandomGenerator r, int sentences) {
        StringBuilder sb = new StringBuilder(sentences * 60);
        for (int i = 0; i < sentences; i++) {
            if (i > 0) {
                sb.append(' ');
            }
            sb.append(sentence(r, 6, 12));
        }
        return sb.toString();
    }

    String domain(RandomGenerator r) {
        return pick(emailLast, r) + "." + pick(domainSuffix, r);
    }
}
