/** The {@code flexible-migrate} command line ({@link io.dataworks.migrations.cli.FlexibleMigrate}) and its {@code --demo}. */
package io.dataworks.migrations.cli;
