package org.marginmax.cli;

import org.marginmax.io.UserInputException;
import org.marginmax.run.DiskFullException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** {@code java -jar target/margin-max.jar <command>}. */
@Command(name = "margin-max", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = "Lyu & Li (ICLR 2020): gradient descent maximizes the margin of homogeneous networks, on DL4J.",
        subcommands = {TrainCommand.class, ResumeCommand.class, CheckpointsCommand.class, DescribeCommand.class,
                ProbeCommand.class, KktCommand.class, PlotCommand.class, CompareCommand.class, ExportCommand.class, DataCommand.class, InfoCommand.class, BenchCommand.class,
                SweepCommand.class,
                CommandLine.HelpCommand.class})
public final class Main implements Runnable {
    /** Set in the child JVM's environment when its stdin is a pipe from the launcher. */
    static final String PARENT_ENV = "MARGIN_MAX_PARENT";
    static final String PARENT_PIPE = "stdin";

    public static void main(String[] args) {
        Optional<Integer> relaunched = relaunchWithOpenMpSettings(args);
        if (relaunched.isPresent()) System.exit(relaunched.get());
        // The launcher holds the write end of our stdin: EOF means it died (even by SIGKILL). Stop at once.
        if (PARENT_PIPE.equals(System.getenv(PARENT_ENV)))
            org.marginmax.train.StopSignal.haltWhenClosed(System.in, "the launcher (parent JVM) is gone");
        System.exit(runReportingMemory(args));
    }

    /** Commands whose process is kept lean by default (measured in docs/MEMORY.md); the others keep the JVM's defaults. */
    static final java.util.Set<String> LEAN_COMMANDS = java.util.Set.of("train", "resume", "bench", "sweep");
    /** Replaces {@link #LEAN_OPTIONS} in the child JVM, e.g. for VGG-16: "-Xmx2g -Dorg.bytedeco.javacpp.maxbytes=8g". */
    static final String JAVA_OPTS_ENV = "MARGIN_MAX_JAVA_OPTS";
    /**
     * The child JVM's default limits for {@link #LEAN_COMMANDS} (docs/MEMORY.md). ND4J frees an array's native buffer
     * only when the Java object owning it is collected; with the default heap (a quarter of the machine's memory) such
     * collections are rare and the quickstart held 5.6 GB of dead native buffers. A small heap is collected every few
     * epochs and frees them. JavaCPP's maxbytes does not count ND4J's buffers (measured); it only bounds JavaCPP's own
     * pointers. maxphysicalbytes 0 turns off JavaCPP's resident-size check (it counts the shared libraries too).
     */
    static final List<String> LEAN_OPTIONS = List.of("-Xmx256m", "-XX:+UseSerialGC",
            "-Dorg.bytedeco.javacpp.maxbytes=384m", "-Dorg.bytedeco.javacpp.maxphysicalbytes=0");

    /** {@link #run}, with running out of memory reported as one line (exit 2) that says which limit to raise. */
    static int runReportingMemory(String[] args) {
        return reportingMemory(() -> run(args));
    }

    static int reportingMemory(java.util.function.IntSupplier command) {
        try {
            return command.getAsInt();
        } catch (OutOfMemoryError e) {
            System.err.println("error: out of memory (" + oneLine(e.getMessage()) + "): raise the limits, e.g. "
                    + JAVA_OPTS_ENV + "=\"-Xmx2g -Dorg.bytedeco.javacpp.maxbytes=8g\" (see docs/MEMORY.md); "
                    + "a run directory resumes from its newest checkpoint with `resume`");
            return 2;
        }
    }

    private static String oneLine(String s) {
        if (s == null) return "no detail";
        String t = s.replaceAll("\\s+", " ").trim();
        return t.length() > 200 ? t.substring(0, 200) + "…" : t;
    }

    /**
     * The JVM options the launcher puts in front of the child's own: {@code MARGIN_MAX_JAVA_OPTS} if set, else
     * {@link #LEAN_OPTIONS} for {@link #LEAN_COMMANDS}. Options the user gave on the java command line come after
     * these in the child's command line and so win; a -Xmx in JAVA_TOOL_OPTIONS is respected too.
     */
    static List<String> childJvmOptions(String[] args, java.util.Map<String, String> env) {
        String own = env.get(JAVA_OPTS_ENV);
        if (own != null) return own.isBlank() ? List.of() : List.of(own.trim().split("\\s+"));
        String command = java.util.Arrays.stream(args).filter(a -> !a.startsWith("-")).findFirst().orElse("");
        if (!LEAN_COMMANDS.contains(command)) return List.of();
        String tool = env.getOrDefault("JAVA_TOOL_OPTIONS", "");
        return LEAN_OPTIONS.stream().filter(o -> !(o.startsWith("-Xmx") && tool.contains("-Xmx"))).toList();
    }

    /** Runs a command in this JVM (tests call this); returns the exit code. */
    public static int run(String... args) {
        return commandLine().execute(args);
    }

    /** The command tree with its error handling, as {@link #run} executes it. */
    static CommandLine commandLine() {
        return new CommandLine(new Main()).setExecutionExceptionHandler(Main::reportUserError);
    }

    /**
     * Bad input ({@link UserInputException}, a full disk) is one line and exit 2; anything else is a bug and is
     * rethrown, so picocli prints its stack trace and exits 1.
     */
    public static int reportUserError(Exception ex, CommandLine cmd, CommandLine.ParseResult parsed) throws Exception {
        UserInputException user = ex instanceof UserInputException u ? u : DiskFullException.in(ex).orElse(null);
        if (user == null) throw ex;
        cmd.getErr().println("error: " + user.getMessage());
        return 2;
    }

    @Override public void run() {
        new CommandLine(this).usage(System.out);
    }

    /**
     * OpenMP reads OMP_WAIT_POLICY and OMP_NUM_THREADS once, when the native library loads, so they cannot be set
     * from inside the JVM. With PASSIVE, idle OpenMP threads sleep instead of spinning against the JVM's threads:
     * 1.1-2.5x faster here (docs: dl4j-notes "Threads and memory"). If the user has not chosen, re-run this same
     * command in a child JVM with PASSIVE; the child inherits stdout/stderr and signals are forwarded. Its stdin
     * is a pipe from this JVM (nothing here reads stdin): when this JVM dies in any way, SIGKILL included, the OS
     * closes the pipe and the child stops at once instead of training on as an orphan.
     */
    private static Optional<Integer> relaunchWithOpenMpSettings(String[] args) {
        if (System.getenv("OMP_WAIT_POLICY") != null || System.getenv("MARGIN_MAX_NO_RELAUNCH") != null)
            return Optional.empty();
        List<String> cmd = new ArrayList<>(ownCommandLine());
        if (cmd.isEmpty()) return Optional.empty();
        cmd.addAll(1, childJvmOptions(args, System.getenv()));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectInput(ProcessBuilder.Redirect.PIPE)
                .redirectOutput(ProcessBuilder.Redirect.INHERIT).redirectError(ProcessBuilder.Redirect.INHERIT);
        pb.environment().put("OMP_WAIT_POLICY", "PASSIVE");
        pb.environment().putIfAbsent("OMP_NUM_THREADS", String.valueOf(Runtime.getRuntime().availableProcessors()));
        pb.environment().put("MARGIN_MAX_NO_RELAUNCH", "1");
        // glibc's default of 8 malloc arenas per core keeps freed native memory resident per thread
        pb.environment().putIfAbsent("MALLOC_ARENA_MAX", "2");
        pb.environment().put(PARENT_ENV, PARENT_PIPE);
        try {
            Process child = pb.start(); // child.getOutputStream() stays open as long as this JVM lives
            // INT/TERM reach the parent: pass them on as SIGTERM (the child finishes its epoch, checkpoints, exits 0)
            // and keep waiting, so that the parent exits with the child's code.
            for (String sig : new String[]{"INT", "TERM"}) {
                try {
                    sun.misc.Signal.handle(new sun.misc.Signal(sig), s -> child.destroy());
                } catch (IllegalArgumentException ignored) {
                    // not available here
                }
            }
            return Optional.of(child.waitFor());
        } catch (Exception e) {
            return Optional.empty(); // run in this JVM with whatever OpenMP defaults apply
        }
    }

    /**
     * This JVM's command line. ProcessHandle.Info gives no arguments for a long one (a development classpath), so on
     * Linux read all of /proc/self/cmdline.
     */
    private static List<String> ownCommandLine() {
        try {
            byte[] raw = java.nio.file.Files.readAllBytes(java.nio.file.Path.of("/proc/self/cmdline"));
            List<String> parts = new ArrayList<>();
            int from = 0;
            for (int i = 0; i < raw.length; i++) {
                if (raw[i] != 0) continue;
                parts.add(new String(raw, from, i - from, java.nio.charset.StandardCharsets.UTF_8));
                from = i + 1;
            }
            if (parts.size() > 1) {
                parts.set(0, ProcessHandle.current().info().command().orElse(parts.get(0)));
                return parts;
            }
        } catch (java.io.IOException | RuntimeException e) {
            // not Linux: fall back to what the JDK knows
        }
        ProcessHandle.Info info = ProcessHandle.current().info();
        if (info.command().isEmpty() || info.arguments().isEmpty()) return List.of();
        List<String> cmd = new ArrayList<>();
        cmd.add(info.command().get());
        cmd.addAll(List.of(info.arguments().get()));
        return cmd;
    }
}
