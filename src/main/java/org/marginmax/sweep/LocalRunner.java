package org.marginmax.sweep;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code sweep run}: every run that is not complete, one JVM per run ({@code margin-max sweep task SWEEP INDEX}),
 * at most {@code parallel} at a time; with GPUs, worker k's JVMs see card {@code gpus[k % n]} alone through
 * CUDA_VISIBLE_DEVICES. Every JVM gets OMP_NUM_THREADS explicitly (provenance records it), so runs are reproducible
 * on the CPU backend. Output goes to the run's {@code task.log}; its exit code to the run's {@code exit-code}.
 */
public final class LocalRunner {
    public static final String LOG = "task.log";

    private final SweepPlan plan;
    private final int parallel;
    private final List<String> gpus;
    private final int threads;
    private final List<String> javaOptions;

    public LocalRunner(SweepPlan plan, int parallel, List<String> gpus, Integer threads, List<String> javaOptions) {
        this.plan = plan;
        this.parallel = Math.max(1, parallel);
        this.gpus = gpus;
        this.threads = threads != null ? threads : Math.max(1, Runtime.getRuntime().availableProcessors() / this.parallel);
        this.javaOptions = javaOptions.isEmpty() ? inheritedOptions() : javaOptions;
    }

    /** Runs what is left; returns how many runs ended with a nonzero exit code. */
    public int run() throws InterruptedException {
        ExecutorService pool = Executors.newFixedThreadPool(parallel);
        AtomicInteger slot = new AtomicInteger();
        ThreadLocal<Integer> worker = ThreadLocal.withInitial(slot::getAndIncrement);
        List<Future<Integer>> results = new ArrayList<>();
        for (SweepPlan.Run r : plan.runs()) results.add(pool.submit(() -> runOne(r, worker.get())));
        pool.shutdown();
        int failed = 0;
        for (Future<Integer> f : results) {
            try {
                if (f.get() != 0) failed++;
            } catch (java.util.concurrent.ExecutionException e) {
                System.err.println("error: " + e.getCause().getMessage());
                failed++;
            }
        }
        return failed;
    }

    private int runOne(SweepPlan.Run r, int worker) throws IOException, InterruptedException {
        Path dir = plan.runDir(r);
        var holder = SweepTask.liveHolder(dir);
        if (holder.isPresent()) {
            System.err.println(r.id() + ": locked, running on " + holder.get().where() + ": skipped");
            return 0;
        }
        String[] note = new String[1];
        if (SweepTask.next(plan, r, note).isEmpty()) { // complete, or stopped for a reason of its own
            System.err.println(r.id() + ": " + note[0]);
            return 0;
        }
        List<String> cmd = new ArrayList<>();
        cmd.add(ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        cmd.addAll(javaOptions);
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), "org.marginmax.cli.Main",
                "sweep", "task", plan.dir().toAbsolutePath().toString(), String.valueOf(r.index())));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve(LOG).toFile()));
        pb.environment().put("OMP_NUM_THREADS", String.valueOf(threads));
        pb.environment().put("OMP_WAIT_POLICY", "PASSIVE");
        pb.environment().put("MARGIN_MAX_NO_RELAUNCH", "1");
        pb.environment().remove("MARGIN_MAX_PARENT");
        pb.environment().putIfAbsent("MALLOC_ARENA_MAX", "2");
        String gpu = gpus.isEmpty() ? null : gpus.get(worker % gpus.size());
        if (gpu != null) pb.environment().put("CUDA_VISIBLE_DEVICES", gpu);
        Process p = pb.start();
        System.err.println(r.id() + ": started pid " + p.pid() + (gpu != null ? " on GPU " + gpu : "") + " with "
                + threads + " OpenMP threads; log " + dir.resolve(LOG));
        int code;
        try {
            code = p.waitFor();
        } catch (InterruptedException e) {
            p.destroy();
            code = p.waitFor();
        }
        RunState.writeExitCode(dir, code);
        System.err.println(r.id() + ": exit " + code + " (" + RunState.of(dir, -1).state().label() + ")");
        return code;
    }

    /** The heap and system-property options of this JVM, for the JVMs it starts. */
    private static List<String> inheritedOptions() {
        List<String> l = new ArrayList<>();
        for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments())
            if (a.startsWith("-Xmx") || a.startsWith("-Xms") || a.startsWith("-D") || a.startsWith("-XX:")) l.add(a);
        return l;
    }
}
