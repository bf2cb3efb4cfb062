package org.marginmax.cli;

import org.junit.jupiter.api.Test;
import org.marginmax.data.DataException;
import org.marginmax.run.DiskFullException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.FileSystemException;
import java.nio.file.Path;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;

/** Main's error policy: bad input is one line and exit 2, a bug keeps its stack trace and is not exit 2. */
class ErrorReportingTest {
    /** A test-only subcommand that throws what the test names. */
    @Command(name = "throw")
    static final class Throw implements Runnable {
        @Parameters String kind;

        @Override public void run() {
            Supplier<RuntimeException> ex = switch (kind) {
                case "data" -> () -> new DataException("/x/train-images: truncated: fetch it again");
                case "npe" -> NullPointerException::new;
                case "state" -> () -> new IllegalStateException("an invariant broke");
                case "argument" -> () -> new IllegalArgumentException("a bug in a caller");
                case "enospc" -> () -> new UncheckedIOException(
                        new FileSystemException("/runs/r/metrics.jsonl", null, "No space left on device"));
                default -> throw new AssertionError(kind);
            };
            throw ex.get();
        }
    }

    private record Outcome(int code, String err) {}

    private static Outcome run(String kind) {
        StringWriter err = new StringWriter();
        CommandLine cl = Main.commandLine().addSubcommand(new Throw());
        cl.setErr(new PrintWriter(err, true));
        return new Outcome(cl.execute("throw", kind), err.toString());
    }

    @Test void aUserErrorIsOneLineAndExitTwo() {
        Outcome o = run("data");
        assertThat(o.code()).isEqualTo(2);
        assertThat(o.err()).isEqualTo("error: /x/train-images: truncated: fetch it again" + System.lineSeparator());
    }

    @Test void programmingErrorsKeepTheirStackTraceAndAreNotExitTwo() {
        for (String kind : new String[]{"npe", "state", "argument"}) {
            Outcome o = run(kind);
            assertThat(o.code()).as(kind).isNotEqualTo(2).isNotZero();
            assertThat(o.err()).as(kind).doesNotStartWith("error: ").contains("\tat org.marginmax.cli.ErrorReportingTest$Throw.run");
        }
    }

    @Test void aFullDiskFoundAnywhereInTheCausesIsOneLine() {
        Outcome o = run("enospc");
        assertThat(o.code()).isEqualTo(2);
        assertThat(o.err().strip()).isEqualTo("error: no space left on device writing /runs/r/metrics.jsonl: free space, "
                + "then margin-max resume /runs/r");
        assertThat(DiskFullException.in(new IOException("Permission denied"))).isEmpty();
    }
}
