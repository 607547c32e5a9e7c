/**
 * The template language: a JSON template compiled once into a tree of generator nodes
 * ({@link io.dataworks.generators.template.TemplateGenerator}). Public API here; the compiler and the
 * nodes live in {@code io.dataworks.generators.template.internal} and may change without notice.
 */
package io.dataworks.generators.template;
