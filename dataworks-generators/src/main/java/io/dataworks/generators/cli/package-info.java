/** The {@code flexible-generator} command line ({@link io.dataworks.generators.cli.FlexibleGenerator}). */
package io.dataworks.generators.cli;
