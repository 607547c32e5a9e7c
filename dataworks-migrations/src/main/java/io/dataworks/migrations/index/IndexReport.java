package io.dataworks.migrations.index;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import io.dataworks.migrations.Namespace;

/** The outcome of copying some of a collection's indexes; failures are listed, never thrown. */
public record IndexReport(Namespace source, Namespace target, List<IndexResult> results) {

    public IndexReport {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(target, "target");
        results = List.copyOf(results);
    }

    public List<IndexResult> failures() {
        return results.stream().filter(IndexResult::failed).toList();
    }

    /** Indexes that now exist on the target (created or already there). */
    public List<IndexResult> present() {
        return results.stream().filter(r -> !r.failed()).toList();
    }

    public boolean allPresent() {
        return failures().isEmpty();
    }

    /** Both reports' results (e.g. unique-before plus remaining-after), for one summary. */
    public IndexReport plus(IndexReport other) {
        List<IndexResult> all = new ArrayList<>(results);
        all.addAll(other.results);
        return new IndexReport(source, target, all);
    }

    /** One line per index, for logs and the run report. */
    public String summary() {
        StringBuilder sb = new StringBuilder();
        sb.append(source).append(" -> ").append(target).append(": ")
                .append(present().size()).append(" index(es) present, ").append(failures().size()).append(" failed");
        results.forEach(r -> sb.append(System.lineSeparator()).append("  ").append(r));
        return sb.toString();
    }
}
