
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordingFile;

/**
 * Where a JFR recording (made with {@code -XX:StartFlightRecording=filename=F,settings=profile}) spent its CPU samples
 * and its allocation, for profiling the migrator ({@code bench/per-document.sh}):
 * <pre>
 * java bench/JfrTop.java RECORDING.jfr [TOP] [FROM_SECONDS]
 * </pre>
 * prints the TOP (default 40) methods by own samples ({@code jdk.ExecutionSample}, top frame), by samples anywhere on
 * the stack (inclusive), the TOP allocation sites by sampled weight ({@code jdk.ObjectAllocationSample}: first frame
 * outside {@code java.*}/{@code jdk.*}, and the allocated class), and samples per package prefix. FROM_SECONDS skips
 * the first seconds of the recording (start-up, planning), so the copy's steady state can be looked at alone.
 * Not part of the product's interface.
 */
public final class JfrTop {

    private static final int DEPTH = Integer.getInteger("depth", 3);

    private JfrTop() {
    }

    public static void main(String[] args) throws IOException {
        Path file = Path.of(args[0]);
        int top = args.length > 1 ? Integer.parseInt(args[1]) : 40;
        double fromSeconds = args.length > 2 ? Double.parseDouble(args[2]) : 0;
        Map<String, Long> self = new HashMap<>();
        Map<String, Long> inclusive = new HashMap<>();
        Map<String, Long> packages = new HashMap<>();
        Map<String, Long> allocSites = new HashMap<>();
        Map<String, Long> allocClasses = new HashMap<>();
        long samples = 0;
        long allocated = 0;
        Instant start = null;
        List<RecordedEvent> events = RecordingFile.readAllEvents(file);
        for (RecordedEvent event : events) {
            if (start == null || event.getStartTime().isBefore(start)) {
                start = event.getStartTime();
            }
        }
        Instant from = start.plusMillis((long) (fromSeconds * 1000));
        for (RecordedEvent event : events) {
            if (event.getStartTime().isBefore(from)) {
                continue;
            }
            String type = event.getEventType().getName();
            RecordedStackTrace stack = event.getStackTrace();
            if (stack == null || stack.getFrames().isEmpty()) {
                continue;
            }
            List<RecordedFrame> frames = stack.getFrames();
            if (type.equals("jdk.ExecutionSample")) {
                samples++;
                self.merge(name(frames.get(0)), 1L, Long::sum);
                packages.merge(bucket(frames), 1L, Long::sum);
                java.util.Set<String> seen = new java.util.HashSet<>();
                for (RecordedFrame frame : frames) {
                    String n = name(frame);
                    if (seen.add(n)) {
                        inclusive.merge(n, 1L, Long::sum);
                    }
                }
            } else if (type.equals("jdk.ObjectAllocationSample")) {
                long weight = event.getLong("weight");
                allocated += weight;
                String cls = event.getClass("objectClass").getName();
                allocClasses.merge(cls, weight, Long::sum);
                allocSites.merge(site(frames) + "  [" + cls + "]", weight, Long::sum);
            }
        }
        System.out.printf(Locale.ROOT, "%s: %d execution samples, %.1f MB allocation sampled (from %.0f s)%n", file, samples,
                allocated / 1e6, fromSeconds);
        print("own samples (top frame)", self, samples, top);
        print("inclusive samples", inclusive, samples, top);
        print("samples by subsystem (first recognised frame from the top)", packages, samples, top);
        print("allocation by site (first frame outside java.*/jdk.*)", allocSites, allocated, top);
        print("allocation by class", allocClasses, allocated, top);
    }

    private static String name(RecordedFrame frame) {
        return frame.getMethod().getType().getName() + "." + frame.getMethod().getName();
    }

    private static String site(List<RecordedFrame> frames) {
        StringBuilder out = new StringBuilder();
        int shown = 0;
        for (RecordedFrame frame : frames) {
            String n = name(frame);
            if (shown == 0 && (n.startsWith("java.") || n.startsWith("jdk.") || n.startsWith("sun."))) {
                continue;
            }
            out.append(shown == 0 ? "" : " < ").append(n).append(':').append(frame.getLineNumber());
            if (++shown == DEPTH) {
                break;
            }
        }
        return out.length() == 0 ? name(frames.get(0)) : out.toString();
    }

    /** The subsystem a sample belongs to: the first frame from the top in a package we tell apart. */
    private static String bucket(List<RecordedFrame> frames) {
        for (RecordedFrame frame : frames) {
            String n = name(frame);
            for (String prefix : new String[] {"io.dataworks.", "reactor.", "com.mongodb.internal.connection.",
                    "com.mongodb.internal.operation.", "com.mongodb.internal.async.", "com.mongodb.reactivestreams.",
                    "com.mongodb.", "org.bson.", "io.micrometer.", "org.HdrHistogram.", "com.fasterxml.", "ch.qos.",
                    "org.slf4j."}) {
                if (n.startsWith(prefix)) {
                    return prefix.equals("io.dataworks.") ? n.substring(0, n.lastIndexOf('.', n.lastIndexOf('.') - 1)) : prefix;
                }
            }
        }
        return name(frames.get(0)).replaceAll("\\.[^.]+\\.[^.]+$", "") + " (JDK only)";
    }

    private static void print(String title, Map<String, Long> counts, long total, int top) {
        System.out.println();
        System.out.println("== " + title);
        counts.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(top)
                .forEach(e -> System.out.printf(Locale.ROOT, "%6.1f%%  %s%n", 100.0 * e.getValue() / Math.max(1, total), e.getKey()));
    }
}
