/**
 * Templates inferred from real data: {@link io.dataworks.generators.infer.TemplateInference} turns a sample of
 * documents into a template of their shape (presence and null rates, type mixes, ranges, categories, formats)
 * without copying their content. Public API.
 */
package io.dataworks.generators.infer;
