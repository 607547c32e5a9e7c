package io.dataworks.core.cli;

import com.mongodb.internal.build.MongoDriverVersion;

import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code --version} for both CLIs: the command name and the {@code Implementation-Version} of the jar's manifest
 * ("dev" when run from classes, e.g. in the IDE), then the Java and MongoDB driver versions.
 */
public final class VersionProvider implements IVersionProvider {

    @Spec
    private CommandSpec spec;

    @Override
    public String[] getVersion() {
        String name = spec == null ? "dataworks" : spec.qualifiedName();
        return new String[] {
            name + " " + version(),
            "Java " + System.getProperty("java.version") + " (" + System.getProperty("java.vendor") + ")"
                    + ", MongoDB Java driver " + driverVersion()
        };
    }

    /**
     * The MongoDB driver's own version. Not the driver package's manifest: in the shaded CLI jars that is
     * the jar's manifest, which carries DataWorks's version.
     */
    public static String driverVersion() {
        return MongoDriverVersion.VERSION;
    }

    /** The DataWorks version from the manifest, or {@code "dev"}. */
    public static String version() {
        String version = VersionProvider.class.getPackage().getImplementationVersion();
        return version == null || version.isBlank() ? "dev" : version;
    }
}
