package io.dataworks.migrations.verify;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.dataworks.migrations.Namespace;
import io.dataworks.monitoring.RunReport;

/**
 * The outcome of verifying one namespace (or, from {@link #combine}, several).
 *
 * @param method             {@code hash} (raw BSON compared) or {@code strategy} (counts and the strategy's check)
 * @param resumedPartitions  partitions taken from the verification checkpoint instead of verified again
 * @param diffFile           the JSONL file naming the differing {@code _id}s, or {@code null} when nothing differs
 */
public record VerificationResult(
        Namespace source,
        Namespace target,
        Status status,
        String method,
        long sourceCount,
        long targetCount,
        int partitions,
        int mismatchedPartitions,
        int resumedPartitions,
        long missing,
        long extra,
        long different,
        Path diffFile) {

    public enum Status {
        MATCH, MISMATCH;

        /** As in the report: {@code match} / {@code mismatch}. */
        public String label() {
            return this == MATCH ? "match" : "mismatch";
        }
    }

    public boolean matches() {
        return status == Status.MATCH;
    }

    /** Totals over namespaces, for the report's single {@code verification} object; the first diff file found wins. */
    public static VerificationResult combine(List<VerificationResult> results) {
        if (results.size() == 1) {
            return results.get(0);
        }
        long sc = 0, tc = 0, mi = 0, ex = 0, di = 0;
        int parts = 0, mismatched = 0, resumed = 0;
        Status status = Status.MATCH;
        String method = null;
        Path diff = null;
        for (VerificationResult r : results) {
            sc += r.sourceCount;
            tc += r.targetCount;
            mi += r.missing;
            ex += r.extra;
            di += r.different;
            parts += r.partitions;
            mismatched += r.mismatchedPartitions;
            resumed += r.resumedPartitions;
            if (!r.matches()) {
                status = Status.MISMATCH;
            }
            method = method == null || method.equals(r.method) ? r.method : "mixed";
            if (diff == null) {
                diff = r.diffFile;
            }
        }
        return new VerificationResult(null, null, status, method == null ? "hash" : method, sc, tc, parts, mismatched,
                resumed, mi, ex, di, diff);
    }

    /** The report's {@code verification} object. */
    public RunReport.Verification toReport() {
        return RunReport.Verification.of(status.label(), sourceCount, targetCount, mismatchedPartitions)
                .withMethod(method)
                .withDiffFile(diffFile == null ? null : diffFile.toString());
    }

    /** Extra fields for the report's {@code details}. */
    public Map<String, Object> toReportDetails() {
        Map<String, Object> m = new LinkedHashMap<>();
        if (source != null) {
            m.put("source", source.toString());
            m.put("target", target.toString());
        }
        m.put("status", status.label());
        m.put("method", method);
        m.put("partitions", partitions);
        m.put("mismatchedPartitions", mismatchedPartitions);
        m.put("resumedPartitions", resumedPartitions);
        m.put("missing", missing);
        m.put("extra", extra);
        m.put("different", different);
        if (diffFile != null) {
            m.put("diffFile", diffFile.toString());
        }
        return m;
    }
}
