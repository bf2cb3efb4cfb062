package org.marginmax.sweep;

import org.marginmax.config.ConfigLoader;
import org.marginmax.run.MetricsLog;
import org.marginmax.run.RunLock;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What one run of a sweep needs next, as the command line of {@code margin-max}: fresh -> train, interrupted ->
 * resume, complete -> nothing, locked (running elsewhere) -> nothing, with a note.
 */
public final class SweepTask {
    private SweepTask() {}

    /** The arguments to run, or empty with the reason in {@code note[0]}. */
    public static Optional<List<String>> next(SweepPlan plan, SweepPlan.Run run, String[] note) {
        Path dir = plan.runDir(run);
        RunState st = RunState.of(dir, -1);
        switch (st.state()) {
            case COMPLETE -> { note[0] = "complete: skipped"; return Optional.empty(); }
            case RUNNING -> { note[0] = "running (" + st.where() + "): skipped"; return Optional.empty(); }
            case FAILED -> {
                if (st.stoppedForAReason()) {
                    note[0] = "stopped for a reason (" + st.note() + "): skipped; `margin-max resume " + dir + "` to insist";
                    return Optional.empty();
                }
            }
            default -> { }
        }
        String sha = ConfigLoader.hash(ConfigLoader.load(plan.base(), run.overrides()));
        if (!sha.equals(run.configSha256()))
            throw new SweepException(plan.base() + " changed since the sweep " + plan.dir() + " was planned (run " + run.id()
                    + " would get config " + sha.substring(0, 12) + ", planned " + run.configSha256().substring(0, 12)
                    + "): put the base back, or plan a new sweep");
        if (Files.exists(dir.resolve(MetricsLog.CSV))) {
            if (RunState.hasCheckpoint(dir)) {
                note[0] = st.state() == RunState.State.FAILED ? "failed before (" + st.note() + "): resume" : "resume";
                return Optional.of(List.of("resume", dir.toString()));
            }
            // killed before its first checkpoint (epoch 0): nothing to resume from, start again
            try {
                for (String f : List.of(MetricsLog.CSV, MetricsLog.JSONL, "heartbeat.json"))
                    Files.deleteIfExists(dir.resolve(f));
            } catch (IOException e) {
                throw new SweepException("cannot clear " + dir + " for a fresh start: " + e.getMessage());
            }
        }
        note[0] = "train";
        List<String> args = new ArrayList<>(List.of("train", plan.base().toString()));
        for (String o : run.overrides()) args.addAll(List.of("--set", o));
        args.addAll(List.of("--run-dir", dir.toString()));
        return Optional.of(args);
    }

    /** Who holds the run's lock now, if it is alive: used to skip a run with a note. */
    public static Optional<RunLock.Holder> liveHolder(Path run) {
        return RunLock.holder(run).filter(h -> !h.onThisHost() || h.aliveHere());
    }
}
