/**
 * Implementation of planning: the built-in partitioners ({@code splitVector}, {@code sample},
 * {@code objectIdTime}, {@code single}), {@code _id} type brackets, range building and the read-only
 * source inspection. Not API: may change without notice.
 */
package io.dataworks.migrations.plan.internal;
