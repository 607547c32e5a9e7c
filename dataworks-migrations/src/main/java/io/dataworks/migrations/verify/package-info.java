/**
 * Verification of a copied namespace: counts, then per partition an order-independent hash of every
 * document's raw BSON on both sides, and for a partition that differs, the differing {@code _id}s from a
 * streaming merge of both {@code _id}-sorted cursors. Entry point: {@link io.dataworks.migrations.verify.Verifier}.
 */
package io.dataworks.migrations.verify;
