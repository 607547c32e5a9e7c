/** Implementation details of the generation engine (per-document seeding); not API, may change without notice. */
package io.dataworks.generators.internal;
