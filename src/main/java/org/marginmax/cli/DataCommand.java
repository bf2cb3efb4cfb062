package org.marginmax.cli;

import org.marginmax.data.DataException;
import org.marginmax.data.DatasetFetcher;
import org.marginmax.data.DatasetVerifier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code margin-max data fetch|verify NAME [--data-dir DIR]}. Exit codes: 0 ok, 1 data problem, 2 usage. */
@Command(name = "data", mixinStandardHelpOptions = true,
        description = "Download (fetch) or check (verify) the datasets: mnist, fashion-mnist, cifar10, idx:DIR.",
        subcommands = {DataCommand.Fetch.class, DataCommand.Verify.class})
public final class DataCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return 2;
    }

    @Command(name = "fetch", mixinStandardHelpOptions = true,
            description = {"Download a dataset's official files, check their SHA-256 and unpack CIFAR-10.",
                    "Goes to DIR/NAME with --data-dir, else to $MARGIN_MAX_CACHE/NAME (default ~/.cache/margin-max/NAME)."})
    public static final class Fetch implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(index = "0", paramLabel = "NAME", description = "mnist, fashion-mnist or cifar10")
        String name;

        @Option(names = "--data-dir", paramLabel = "DIR", description = "put the files in DIR/NAME instead of the cache")
        Path dataDir;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            try {
                new DatasetFetcher(line -> { out.println(line); out.flush(); }).fetch(name, dataDir);
                return 0;
            } catch (DataException e) {
                return fail(spec, e);
            }
        }
    }

    @Command(name = "verify", mixinStandardHelpOptions = true,
            description = "Check a dataset's files: against the published SHA-256 (named sets) or the directory's "
                    + "SHA256SUMS, and by reading them.")
    public static final class Verify implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(index = "0", paramLabel = "NAME", description = "mnist, fashion-mnist, cifar10 or idx:DIR")
        String name;

        @Option(names = "--data-dir", paramLabel = "DIR", description = "look in DIR and DIR/NAME first")
        Path dataDir;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            try {
                DatasetVerifier.Report r = DatasetVerifier.standard().verify(name, dataDir);
                out.println(r.dataset() + " in " + r.dir() + ":");
                r.lines().forEach(l -> out.println("  " + l));
                out.println(r.ok() ? "verified" : "verification FAILED");
                out.flush();
                return r.ok() ? 0 : 1;
            } catch (DataException e) {
                return fail(spec, e);
            }
        }
    }

    private static int fail(CommandSpec spec, DataException e) {
        PrintWriter err = spec.commandLine().getErr();
        err.println("error: " + e.getMessage());
        err.flush();
        return 1;
    }
}
