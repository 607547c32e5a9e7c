/**
 * Implementation of the template language: the compiler ({@link io.dataworks.generators.template.internal.TemplateCompiler}),
 * the node tree it builds, distributions, references and the Datafaker bridge. Not API: use
 * {@link io.dataworks.generators.template.TemplateGenerator}.
 */
package io.dataworks.generators.template.internal;
