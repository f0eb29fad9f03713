package dev.fader.proxy;

import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;

/**
 * The default {@code max-connections}: what the process's open-file limit allows once everything else that
 * needs a descriptor is counted, so that a flood of clients is refused with a 503 before {@code accept} starts
 * failing with EMFILE, which would make the proxy and the admin port unreachable alike. Each client connection
 * may hold one upstream connection, so clients get half of what is left after the descriptors open at start
 * (jars, logs, the JVM's own) and a reserve for the admin port, health checks, shadow copies and the fleet.
 */
final class ConnectionBudget {
    /** Kept free: the admin port's cap (128) and room for health checks, shadow copies, judges and etcd. */
    static final long RESERVE = 256;

    private ConnectionBudget() {
    }

    /** The default cap for a process whose limit is {@code limit} with {@code open} descriptors open; at least 16. */
    static int of(long limit, long open) {
        long left = limit - open - RESERVE;
        return (int) Math.max(16, Math.min(Integer.MAX_VALUE, left / 2));
    }

    /** The default cap of this process, or 0 (no cap) where the platform does not say its limit. */
    static int ofThisProcess() {
        OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.UnixOperatingSystemMXBean unix) {
            return of(unix.getMaxFileDescriptorCount(), unix.getOpenFileDescriptorCount());
        }
        return 0;
    }
}
