package org.marginmax.report;

import org.marginmax.cli.Main;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;

/** Runs one of this package's commands as Main.run does (bad input: one line on stderr, exit 2). */
final class Cli {
    private Cli() {}

    record Result(int code, String err) {}

    static Result run(Object command, String... args) {
        StringWriter err = new StringWriter();
        CommandLine cl = new CommandLine(command);
        cl.setErr(new PrintWriter(err, true));
        cl.setExecutionExceptionHandler(Main::reportUserError);
        int code = cl.execute(args);
        return new Result(code, err.toString());
    }
}
