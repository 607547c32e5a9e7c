/**
 * What both CLIs share: the {@link io.dataworks.core.cli.CommonOptions} picocli mixin, {@link io.dataworks.core.cli.Cli}
 * (exit codes and masked error messages) and {@link io.dataworks.core.cli.VersionProvider}. Public API.
 */
package io.dataworks.core.cli;
