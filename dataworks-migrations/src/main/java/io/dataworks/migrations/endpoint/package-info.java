/**
 * How a stage talks to one server: {@link io.dataworks.migrations.endpoint.Requests} wraps every request with the
 * one retry policy. (To grow into the endpoint wrapper: retry, pacing, the scheduler for blocking work.)
 */
package io.dataworks.migrations.endpoint;
