package io.dataworks.migrations.cli;

import java.util.List;

import io.dataworks.migrations.plan.NamespacePlan;
import io.dataworks.migrations.plan.Partition;

/** The --dry-run listing of a plan. */
final class PlanText {

    private PlanText() {
    }

    static String format(List<NamespacePlan> plans) {
        StringBuilder out = new StringBuilder();
        long documents = 0;
        long bytes = 0;
        for (NamespacePlan plan : plans) {
            out.append(plan.source()).append(" -> ").append(plan.target())
                    .append(": ~").append(plan.estimatedDocuments()).append(" documents, ~").append(plan.estimatedBytes())
                    .append(" bytes, ").append(plan.partitions().size()).append(" partition(s) by ").append(plan.partitioner())
                    .append('\n');
            for (Partition p : plan.partitions()) {
                out.append("  #").append(p.index()).append(' ').append(p.filter().toJson()).append('\n');
            }
            documents += plan.estimatedDocuments();
            bytes += plan.estimatedBytes();
        }
        out.append(plans.size()).append(" namespace(s), ~").append(documents).append(" documents, ~").append(bytes)
                .append(" bytes. Dry run: nothing was written.\n");
        return out.toString();
    }
}
