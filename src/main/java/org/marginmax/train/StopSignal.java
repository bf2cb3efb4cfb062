package org.marginmax.train;

import sun.misc.Signal;

import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * SIGINT / SIGTERM ask a run to stop cleanly: the trainer finishes the current epoch, writes a checkpoint and
 * returns normally (exit 0), instead of the JVM dying mid-epoch. Signals within {@link #ECHO_NANOS} of the first
 * count as that one signal: Ctrl-C reaches both this JVM and the launcher (which forwards it), and on {@code scancel}
 * or preemption Slurm signals every process of the step while the batch shell forwards one too. A signal after that
 * window stops at once.
 */
public final class StopSignal {
    /** Signals this soon after the first one are echoes of it. */
    static final long ECHO_NANOS = 10_000_000_000L;
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
                        if (System.nanoTime() - firstNanos > ECHO_NANOS) stopNow("SIG" + sig.getName() + " again", 128 + sig.getNumber());
                        return;
                    }
                    firstNanos = System.nanoTime();
                    System.err.println("\nSIG" + sig.getName() + ": finishing this epoch and writing a checkpoint "
                            + "(signal again after 10 s to stop at once)");
                });
            } catch (IllegalArgumentException e) {
                // signal not available on this platform: the default behaviour stays
            }
        }
    }

    /**
     * Watches {@code in} on a daemon thread; at its end (the process holding the other end of the pipe is gone, however
     * it died) stops this JVM at once, as a second signal does. Nothing complete is lost: every file of a run is
     * written atomically or appended, and resume starts from the newest complete checkpoint.
     */
    public static void haltWhenClosed(InputStream in, String why) {
        Thread t = new Thread(() -> {
            try {
                byte[] buf = new byte[256];
                while (in.read(buf) >= 0) { /* nothing is sent; keep reading until the end */ }
            } catch (IOException e) {
                // a broken pipe is an end too
            }
            stopNow(why, 129);
        }, "parent-watch");
        t.setDaemon(true);
        t.start();
    }

    private static void stopNow(String why, int code) {
        System.err.println("\n" + why + ": stopping at once (resume continues from the newest checkpoint)");
        System.err.flush();
        Runtime.getRuntime().halt(code);
    }

    public static boolean requested() { return REQUESTED.get(); }

    /** For tests. */
    public static void request() { REQUESTED.set(true); }

    public static void clear() { REQUESTED.set(false); }
}
