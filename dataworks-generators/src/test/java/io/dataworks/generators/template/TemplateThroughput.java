package io.dataworks.generators.template;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;

/**
 * Not a test: a JMH-free timing harness for single-thread document generation. It reports documents
 * per second of wall time and per second of this thread's CPU time (the latter is what a dedicated
 * core would do when the machine is shared), and the bytes allocated per document. Run from the
 * repository root:
 * <pre>
 * mvn -B -ntp -q -pl dataworks-generators -am package -DskipTests &amp;&amp; mvn -B -ntp -q -pl dataworks-generators test-compile
 * java -cp dataworks-generators/target/flexible-generator.jar:dataworks-generators/target/test-classes \
 *   io.dataworks.generators.template.TemplateThroughput templates/service_order_template.json 300000 6
 * </pre>
 */
public final class TemplateThroughput {

    private TemplateThroughput() {
    }

    public static void main(String[] args) {
        Path template = Path.of(args.length > 0 ? args[0] : "templates/service_order_template.json");
        int n = args.length > 1 ? Integer.parseInt(args[1]) : 500_000;
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 6;
        TemplateGenerator generator = TemplateGenerator.compile(template);
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        com.sun.management.ThreadMXBean alloc = mx instanceof com.sun.management.ThreadMXBean m ? m : null;
        long index = 0;
        for (int round = 0; round < rounds; round++) {
            long cpu0 = mx.getCurrentThreadCpuTime();
            long bytes0 = alloc == null ? 0 : alloc.getCurrentThreadAllocatedBytes();
            long t0 = System.nanoTime();
            long fields = 0;
            for (int i = 0; i < n; i++, index++) {
                fields += generator.generate(index, Templates.random(1, index)).size();
            }
            double wall = (System.nanoTime() - t0) / 1e9;
            double cpu = (mx.getCurrentThreadCpuTime() - cpu0) / 1e9;
            long allocated = alloc == null ? 0 : alloc.getCurrentThreadAllocatedBytes() - bytes0;
            System.out.printf("round %d: %,.0f docs/s wall, %,.0f docs/s per CPU-second, %,d bytes allocated/doc (%d fields)%n",
                    round, n / wall, n / cpu, allocated / n, fields);
        }
    }
}
