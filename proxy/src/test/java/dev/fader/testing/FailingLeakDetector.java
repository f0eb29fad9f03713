package dev.fader.testing;

import io.netty.util.ResourceLeakDetector;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Netty's leak detector (installed by -Dio.netty.customResourceLeakDetector, paranoid level) that
 * remembers every leak so {@link LeakCheckExtension} can fail the test class that caused it.
 */
public final class FailingLeakDetector<T> extends ResourceLeakDetector<T> {
    // A test-only sink: Netty creates detectors reflectively, so there is no instance to hand one to.
    private static final Queue<String> LEAKS = new ConcurrentLinkedQueue<>();

    public FailingLeakDetector(Class<?> resourceType, int samplingInterval) {
        super(resourceType, samplingInterval);
    }

    public FailingLeakDetector(Class<?> resourceType, int samplingInterval, long maxActive) {
        this(resourceType, samplingInterval);
    }

    @Override
    protected boolean needReport() {
        return true;
    }

    @Override
    protected void reportTracedLeak(String resourceType, String records) {
        // Not logged here: the failing test class prints the records in its assertion message.
        LEAKS.add("LEAK: " + resourceType + records);
    }

    @Override
    protected void reportUntracedLeak(String resourceType) {
        LEAKS.add("LEAK (untraced): " + resourceType);
    }

    static List<String> drain() {
        List<String> out = new ArrayList<>();
        String s;
        while ((s = LEAKS.poll()) != null) {
            out.add(s);
        }
        return out;
    }
}
