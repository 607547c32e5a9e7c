package io.dataworks.generators.template.internal;

import java.util.Collection;
import java.util.Optional;

/** "Did you mean" for unknown operators and options: the closest known name by edit distance. */
final class Suggest {

    private Suggest() {
    }

    static Optional<String> closest(String wrong, Collection<String> known) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        String w = wrong.toLowerCase();
        for (String candidate : known) {
            String c = candidate.toLowerCase();
            int d = io.dataworks.core.text.EditDistance.between(w, c);
            if (w.length() >= 4 && isAbbreviation(w, c)) {
                d = Math.min(d, 2);
            }
            if (d < bestDistance || (d == bestDistance && best != null && candidate.compareTo(best) < 0)) {
                bestDistance = d;
                best = candidate;
            }
        }
        int allowed = Math.max(2, wrong.length() / 3);
        return best != null && bestDistance <= allowed ? Optional.of(best) : Optional.empty();
    }

    /** {@code $flot} abbreviates {@code $floating}: same start, every letter found in order. */
    private static boolean isAbbreviation(String w, String c) {
        if (w.length() > c.length() || w.charAt(0) != c.charAt(0) || w.charAt(1) != c.charAt(1)) {
            return false;
        }
        int j = 0;
        for (int i = 0; i < c.length() && j < w.length(); i++) {
            if (c.charAt(i) == w.charAt(j)) {
                j++;
            }
        }
        return j == w.length();
    }
}
