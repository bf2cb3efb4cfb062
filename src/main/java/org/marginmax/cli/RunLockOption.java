package org.marginmax.cli;

import org.marginmax.io.UserInputException;
import org.marginmax.run.RunLock;
import picocli.CommandLine.Option;

import java.nio.file.Path;

/** {@code --no-lock}, and the run directory's writer lock that train and resume hold for their whole life. */
final class RunLockOption {
    @Option(names = "--no-lock", description = "do not lock the run directory (only for file systems that cannot lock, "
            + "e.g. Lustre without -o flock: then nothing stops a second writer)")
    boolean noLock;

    /** The lock of {@code runDir}, or null with --no-lock; a second writer is one line, exit 2. */
    RunLock acquire(Path runDir) {
        if (noLock) {
            System.err.println("warning: --no-lock: nothing stops a second writer on " + runDir);
            return null;
        }
        try {
            return RunLock.acquire(runDir);
        } catch (UserInputException e) {
            throw new UserError(e.getMessage());
        }
    }
}
