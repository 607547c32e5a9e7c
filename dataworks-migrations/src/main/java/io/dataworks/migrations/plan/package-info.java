/**
 * Migration planning (public API): {@link io.dataworks.migrations.plan.Planner} turns a
 * {@link io.dataworks.migrations.plan.PlanRequest} into a {@link io.dataworks.migrations.plan.MigrationPlan}
 * of {@link io.dataworks.migrations.plan.NamespacePlan}s, each split into
 * {@link io.dataworks.migrations.plan.Partition}s ({@code _id} ranges per type bracket) by the first
 * {@link io.dataworks.migrations.plan.Partitioner} of the chain that works;
 * {@link io.dataworks.migrations.plan.PlanPrinter} renders it for {@code --dry-run}.
 * Implementations live in {@code .internal}.
 */
package io.dataworks.migrations.plan;
