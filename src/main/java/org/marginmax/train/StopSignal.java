package org.marginmax.train;

import sun.misc.Signal;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * SIGINT / SIGTERM ask a run to stop cleanly: the trainer finishes the current epoch, writes a checkpoint and
 * returns normally (exit 0), instead of the JVM dying mid-epoch.
 */
public final class StopSignal {
    private static final AtomicBoolean REQUESTED = new AtomicBoolean();
    private static final AtomicBoolean INSTALLED = new AtomicBoolean();
    private static volatile long firstNanos;

    private StopSignal() {}

    /** Installs the handlers (once). A second signal while stopping kills the process as usual. */
    public static void install() {
        if (!INSTALLED.compareAndSet(false, true)) return;
        for (String name : new String[]{"INT", "TERM"}) {
            try {
                Signal.handle(new Signal(name), sig -> {
                    if (!REQUESTED.compareAndSet(false, true)) {
                        // Ctrl-C reaches both this JVM and the launcher, which forwards it: ignore that echo
                        if (System.nanoTime() - firstNanos > 2_000_000_000L) Runtime.getRuntime().halt(128 + sig.getNumber());
                        return;
                    }
                    firstNanos = System.nanoTime();
                    System.err.println("\nSIG" + sig.getName() + ": finishing this epoch and writing a checkpoint "
                            + "(signal again to stop at once)");
                });
            } catch (IllegalArgumentException e) {
                // signal not available on this platform: the default behaviour stays
            }
        }
    }

    public static boolean requested() { return REQUESTED.get(); }

    /** For tests. */
    public static void request() { REQUESTED.set(true); }

    public static void clear() { REQUESTED.set(false); }
}
