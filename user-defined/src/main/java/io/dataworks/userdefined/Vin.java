package io.dataworks.userdefined;

import java.util.random.RandomGenerator;

/**
 * Vehicle identification numbers (ISO 3779, North American check digit): 17 characters, no I, O or Q,
 * position 9 a check digit over the other 16, position 10 the model year.
 */
public final class Vin {

    private static final String ALPHABET = "ABCDEFGHJKLMNPRSTUVWXYZ0123456789";
    private static final String YEAR_CODES = "ABCDEFGHJKLMNPRSTVWXY123456789";
    private static final int[] WEIGHTS = {8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2};

    private Vin() {
    }

    /** A valid VIN for a vehicle of {@code wmi} (world manufacturer identifier, 3 characters) and model year. */
    public static String generate(String wmi, int modelYear, RandomGenerator random) {
        char[] vin = new char[17];
        wmi.getChars(0, 3, vin, 0);
        for (int i = 3; i < 8; i++) {
            vin[i] = ALPHABET.charAt(random.nextInt(ALPHABET.length()));
        }
        vin[9] = yearCode(modelYear);
        vin[10] = ALPHABET.charAt(random.nextInt(23)); // plant: a letter
        for (int i = 11; i < 17; i++) {
            vin[i] = (char) ('0' + random.nextInt(10)); // serial number
        }
        vin[8] = '0';
        vin[8] = checkDigit(vin);
        return new String(vin);
    }

    /** The model-year character of position 10: a 30-year cycle starting at 1980 (A) and 2010 (A). */
    public static char yearCode(int modelYear) {
        if (modelYear < 1980) {
            throw new IllegalArgumentException("model years start at 1980, was " + modelYear);
        }
        return YEAR_CODES.charAt((modelYear - 1980) % 30);
    }

    public static boolean isValid(String vin) {
        if (vin == null || vin.length() != 17) {
            return false;
        }
        char[] chars = vin.toCharArray();
        for (char c : chars) {
            if (ALPHABET.indexOf(c) < 0) {
                return false;
            }
        }
        return checkDigit(chars) == chars[8];
    }

    static char checkDigit(char[] vin) {
        int sum = 0;
        for (int i = 0; i < 17; i++) {
            sum += value(vin[i]) * WEIGHTS[i];
        }
        int rest = sum % 11;
        return rest == 10 ? 'X' : (char) ('0' + rest);
    }

    private static int value(char c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        return switch (c) {
            case 'A', 'J' -> 1;
            case 'B', 'K', 'S' -> 2;
            case 'C', 'L', 'T' -> 3;
            case 'D', 'M', 'U' -> 4;
            case 'E', 'N', 'V' -> 5;
            case 'F', 'W' -> 6;
            case 'G', 'P', 'X' -> 7;
            case 'H', 'Y' -> 8;
            case 'R', 'Z' -> 9;
            default -> throw new IllegalArgumentException("not a VIN character: " + c);
        };
    }
}
