package org.marginmax.sweep;

import org.marginmax.run.AtomicFiles;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code <sweep>/slurm/array.sbatch}: one array task per run ({@code --array=0-(N-1)%K}), {@code --requeue},
 * {@code --open-mode=append}, one log per task ({@code slurm/logs/task-<i>.out}, kept across requeues). Some minutes
 * before the time limit Slurm sends SIGUSR1 to the batch shell alone ({@code --signal=B:USR1@S}); the shell forwards
 * SIGTERM to the JVM (which finishes its epoch and checkpoints), waits for it, and requeues the task unless the run is
 * complete. On SIGTERM (scancel, preemption) the shell forwards it and does not requeue, so scancel still cancels.
 * The JVM runs as {@code java ... & wait $!}: bash runs a trap only while it waits. The task's exit code goes into the
 * run directory.
 */
public record SlurmScript(String partition, String time, Integer gpusPerTask, int cpusPerTask, String mem,
                          Integer maxParallel, int signalSeconds, List<String> sbatchArgs, List<String> javaOptions) {
    public static final String DIR = "slurm";
    public static final String FILE = "array.sbatch";

    public Path write(SweepPlan plan) {
        Path dir = plan.dir().toAbsolutePath().resolve(DIR);
        try {
            Files.createDirectories(dir.resolve("logs"));
        } catch (IOException e) {
            throw new SweepException("cannot create " + dir + ": " + e.getMessage());
        }
        Path f = dir.resolve(FILE);
        AtomicFiles.writeString(f, text(plan));
        f.toFile().setExecutable(true);
        return f;
    }

    public String text(SweepPlan plan) {
        List<SweepPlan.Run> runs = plan.runs();
        Path sweep = plan.dir().toAbsolutePath().normalize();
        String javaBin = ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        String fullCp = String.join(java.io.File.pathSeparator, abs(System.getProperty("java.class.path")));
        StringBuilder s = new StringBuilder();
        s.append("#!/bin/bash\n");
        s.append("# Written by `margin-max sweep slurm` for the sweep ").append(plan.name()).append(" (")
                .append(runs.size()).append(" runs). Submit with: sbatch ").append(sweep.resolve(DIR).resolve(FILE)).append('\n');
        s.append("#SBATCH --job-name=").append(plan.name()).append('\n');
        s.append("#SBATCH --array=0-").append(runs.size() - 1).append(maxParallel != null ? "%" + maxParallel : "").append('\n');
        s.append("#SBATCH --requeue\n#SBATCH --open-mode=append\n");
        s.append("#SBATCH --output=").append(sweep.resolve(DIR).resolve("logs")).append("/task-%a.out\n");
        s.append("#SBATCH --signal=B:USR1@").append(signalSeconds).append('\n');
        s.append("#SBATCH --cpus-per-task=").append(cpusPerTask).append('\n');
        if (partition != null) s.append("#SBATCH --partition=").append(partition).append('\n');
        if (time != null) s.append("#SBATCH --time=").append(time).append('\n');
        if (gpusPerTask != null) s.append("#SBATCH --gpus-per-task=").append(gpusPerTask).append('\n');
        if (mem != null) s.append("#SBATCH --mem=").append(mem).append('\n');
        for (String a : sbatchArgs) s.append("#SBATCH ").append(a).append('\n');
        s.append("set -u\n");
        s.append("SWEEP=").append(q(sweep.toString())).append('\n');
        s.append("RUNS=(");
        for (SweepPlan.Run r : runs) s.append(' ').append(q(r.runDir()));
        s.append(" )\n");
        s.append("RUN=\"$SWEEP/${RUNS[$SLURM_ARRAY_TASK_ID]}\"\n");
        s.append("JAVA=").append(q(javaBin)).append('\n');
        s.append("CLASSPATH_=").append(q(fullCp)).append('\n');
        s.append("export OMP_NUM_THREADS=\"${SLURM_CPUS_PER_TASK:-").append(cpusPerTask).append("}\" OMP_WAIT_POLICY=PASSIVE MARGIN_MAX_NO_RELAUNCH=1\n");
        s.append("unset MARGIN_MAX_PARENT\n");
        s.append("""
                echo "== task $SLURM_ARRAY_TASK_ID ($RUN) on $(hostname) job ${SLURM_ARRAY_JOB_ID}_${SLURM_ARRAY_TASK_ID} \\
                restart ${SLURM_RESTART_COUNT:-0} at $(date -u +%FT%TZ), OMP_NUM_THREADS=$OMP_NUM_THREADS"
                timelimit=0
                pid=
                on_usr1() { timelimit=1; echo "time limit near: asking the run to checkpoint"; [ -n "$pid" ] && kill -TERM "$pid" 2>/dev/null; }
                on_term() { echo "SIGTERM: passing it on to the run (no requeue)"; [ -n "$pid" ] && kill -TERM "$pid" 2>/dev/null; }
                trap on_usr1 USR1
                trap on_term TERM
                """);
        s.append("\"$JAVA\"");
        for (String o : javaOptions) s.append(' ').append(q(o));
        s.append(" -cp \"$CLASSPATH_\" org.marginmax.cli.Main sweep task \"$SWEEP\" \"$SLURM_ARRAY_TASK_ID\" &\n");
        s.append("""
                pid=$!
                while :; do
                  wait "$pid"; code=$?
                  kill -0 "$pid" 2>/dev/null || break   # a trap ended the wait, not the JVM: wait again
                done
                echo "$code" > "$RUN/.exit-code.tmp" && mv -f "$RUN/.exit-code.tmp" "$RUN/exit-code"
                echo "== task $SLURM_ARRAY_TASK_ID exit $code at $(date -u +%FT%TZ)"
                if [ "$timelimit" = 1 ] && ! grep -q '"completed" : true' "$RUN/summary.json" 2>/dev/null; then
                  echo "requeueing ${SLURM_ARRAY_JOB_ID}_${SLURM_ARRAY_TASK_ID} to continue from its checkpoint"
                  scontrol requeue "${SLURM_ARRAY_JOB_ID}_${SLURM_ARRAY_TASK_ID}"
                fi
                exit "$code"
                """);
        return s.toString();
    }

    private static List<String> abs(String classpath) {
        List<String> l = new ArrayList<>();
        for (String p : classpath.split(java.io.File.pathSeparator)) if (!p.isEmpty()) l.add(Path.of(p).toAbsolutePath().toString());
        return l;
    }

    /** Single-quoted for bash. */
    static String q(String s) { return "'" + s.replace("'", "'\\''") + "'"; }
}
