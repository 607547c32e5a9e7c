/**
 * What a failed MongoDB request means: {@link io.dataworks.core.error.ErrorClassifier} sorts every driver failure
 * into an {@link io.dataworks.core.error.ErrorKind} (throttled, transient, duplicate key, too large, permanent).
 * Public API.
 */
package io.dataworks.core.error;
