/**
 * How a stage talks to one server: an {@link io.dataworks.migrations.endpoint.Endpoint} per side (client, retry, the
 * scheduler for blocking work) and its {@link io.dataworks.migrations.endpoint.Requests}, which wraps every request
 * with the one retry policy.
 */
package io.dataworks.migrations.endpoint;
