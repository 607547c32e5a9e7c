package io.dataworks.migrations.plan;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.bson.BsonValue;
import org.bson.json.JsonMode;
import org.bson.json.JsonWriterSettings;

/** The human-readable plan printed by {@code --dry-run}. */
public final class PlanPrinter {

    private static final JsonWriterSettings SHELL = JsonWriterSettings.builder().outputMode(JsonMode.SHELL).build();
    private static final int MAX_BOUND_CHARS = 60;
    /** Partitions listed one per line up to this many per namespace; beyond, only the first and last few. */
    private static final int MAX_LISTED = 12;

    private PlanPrinter() {
    }

    public static String format(MigrationPlan plan) {
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "Migration plan: %d namespace(s), ~%,d documents, ~%s, %d partition(s)%n",
                plan.namespaces().size(), plan.estimatedDocuments(), bytes(plan.estimatedBytes()), plan.partitionCount()));
        out.append("fingerprint ").append(plan.fingerprint(), 0, Math.min(16, plan.fingerprint().length())).append(System.lineSeparator());
        for (NamespacePlan ns : plan.namespaces()) {
            out.append(System.lineSeparator());
            out.append(String.format(Locale.ROOT, "%s -> %s%n", ns.source(), ns.target()));
            out.append(String.format(Locale.ROOT, "  estimated: ~%,d documents, ~%s%n", ns.estimatedDocuments(), bytes(ns.estimatedBytes())));
            out.append(String.format(Locale.ROOT, "  partitions: %d by %s%s%n", ns.partitions().size(), ns.partitioner(), bracketSummary(ns.partitions())));
            if (!ns.sourceFilter().isEmpty()) {
                out.append("  source filter: ").append(ns.sourceFilter().toJson(SHELL)).append(System.lineSeparator());
            }
            List<Partition> parts = ns.partitions();
            for (int i = 0; i < parts.size(); i++) {
                boolean head = i < MAX_LISTED / 2;
                boolean tail = i >= parts.size() - MAX_LISTED / 2;
                if (parts.size() <= MAX_LISTED || head || tail) {
                    out.append("    ").append(describe(parts.get(i))).append(System.lineSeparator());
                } else if (i == MAX_LISTED / 2) {
                    out.append(String.format(Locale.ROOT, "    ... %d more%n", parts.size() - MAX_LISTED));
                }
            }
        }
        return out.toString();
    }

    /** One partition as {@code #3 [number] [1000, 2000)}. */
    public static String describe(Partition p) {
        String type = p.typeBracket() == null ? "any type" : p.typeBracket();
        if (p.min() == null && p.max() == null) {
            return "#" + p.index() + " [" + type + "] whole " + (p.typeBracket() == null ? "collection" : "bracket");
        }
        return "#" + p.index() + " [" + type + "] [" + bound(p.min(), "start") + ", " + bound(p.max(), "end") + ")";
    }

    private static String bracketSummary(List<Partition> parts) {
        Map<String, Integer> counts = new LinkedHashMap<>();
        for (Partition p : parts) {
            if (p.typeBracket() != null) {
                counts.merge(p.typeBracket(), 1, Integer::sum);
            }
        }
        if (counts.isEmpty()) {
            return "";
        }
        StringBuilder sb = new StringBuilder(" (_id types: ");
        counts.forEach((k, v) -> sb.append(k).append(" ×").append(v).append(", "));
        sb.setLength(sb.length() - 2);
        return sb.append(')').toString();
    }

    private static String bound(BsonValue v, String open) {
        if (v == null) {
            return open;
        }
        String s = new org.bson.BsonDocument("v", v).toJson(SHELL);
        s = s.substring(s.indexOf(':') + 1, s.length() - 1).trim();
        return s.length() > MAX_BOUND_CHARS ? s.substring(0, MAX_BOUND_CHARS - 1) + "…" : s;
    }

    static String bytes(long n) {
        if (n < 1024) {
            return n + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB", "PiB"};
        double v = n;
        int u = -1;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format(Locale.ROOT, "%.1f %s", v, units[u]);
    }
}
