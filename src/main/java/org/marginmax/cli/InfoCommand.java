package org.marginmax.cli;

import org.marginmax.backend.BackendInfo;
import picocli.CommandLine.Command;

import java.util.concurrent.Callable;

@Command(name = "info", mixinStandardHelpOptions = true,
        description = "Backend (CPU/CUDA), devices, BLAS/oneDNN per layer kind, threads, memory limits, versions: "
                + "what to paste into a bug report.")
final class InfoCommand implements Callable<Integer> {
    @Override public Integer call() {
        Backend.init();
        System.out.print(BackendInfo.gather().render());
        return 0;
    }
}
