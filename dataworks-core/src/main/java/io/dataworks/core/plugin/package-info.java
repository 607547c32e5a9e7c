/**
 * Plug-in discovery: {@link io.dataworks.core.plugin.PluginLoader} finds SPI implementations with
 * {@link java.util.ServiceLoader} on the class path and in a {@code --plugins} directory. Public API.
 */
package io.dataworks.core.plugin;
