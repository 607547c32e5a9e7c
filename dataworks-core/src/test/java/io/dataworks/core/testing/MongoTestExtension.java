package io.dataworks.core.testing;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Hands tests a {@link TestMongo} parameter (constructor, lifecycle or test method):
 *
 * <pre>{@code
 * @ExtendWith(MongoTestExtension.class)
 * class CopyIT {
 *     @Test
 *     void copies(TestMongo mongo) {
 *         MongoDatabase db = mongo.client().getDatabase(mongo.freshDatabaseName());
 *     }
 * }
 * }</pre>
 *
 * <p>One server per test class, started on first use, kept in the class's extension store and closed when
 * the class is done. See {@link TestMongo} for how the server is chosen.
 */
public final class MongoTestExtension implements ParameterResolver {

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(MongoTestExtension.class);

    @Override
    public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return parameterContext.getParameter().getType() == TestMongo.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        ExtensionContext classContext = classContext(extensionContext);
        try {
            return classContext.getStore(NAMESPACE).getOrComputeIfAbsent(TestMongo.class, key -> TestMongo.create(),
                    TestMongo.class);
        } catch (RuntimeException e) {
            throw new ParameterResolutionException("could not start a MongoDB for " + classContext.getDisplayName(), e);
        }
    }

    /** The context of the outermost test class, so that nested classes share their enclosing class's server. */
    static ExtensionContext classContext(ExtensionContext context) {
        ExtensionContext found = context;
        for (ExtensionContext c = context; c != null; c = c.getParent().orElse(null)) {
            if (c.getTestClass().isPresent() && c.getTestMethod().isEmpty()) {
                found = c;
            }
        }
        return found;
    }
}
