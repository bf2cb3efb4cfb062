package org.marginmax.cli;

import org.marginmax.kkt.KktRun;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code margin-max kkt RUN_DIR...}: how close each checkpoint's direction is to a KKT point (Lyu & Li, App. C). */
@Command(name = "kkt", mixinStandardHelpOptions = true,
        description = {"Measure how close each chosen checkpoint's direction is to a KKT point of the max-margin problem.",
                "Per checkpoint: the residual kkt_eps (exact NNLS over the margins within a band of the smallest), "
                + "kkt_delta, the alignment cos(theta, -grad L), direction cosines and margin quantiles, written to "
                + "RUN_DIR/kkt/kkt.csv, kkt.json and lambda-epoch-NNNNNN.csv and cached per checkpoint. A sweep "
                + "directory stands for the runs inside it. See docs/KKT.md."})
public final class KktCommand implements Callable<Integer> {
    @Parameters(arity = "1..*", paramLabel = "RUN_DIR", description = "run directories written by `train`, or sweep directories")
    List<Path> dirs;

    @Option(names = "--checkpoints", paramLabel = "LIST", defaultValue = "last",
            description = "epochs and 'last' separated by commas (e.g. 100,1000,last), or 'all' (default: ${DEFAULT-VALUE})")
    String checkpoints;

    @Option(names = "--band", paramLabel = "TAU", defaultValue = "0.25",
            description = "candidate margins: q_a <= (1 + TAU) q_min (default: ${DEFAULT-VALUE})")
    double band;

    @Option(names = "--data-dir", paramLabel = "DIR", description = "where to look for the dataset files first")
    Path dataDir;

    @Override
    public Integer call() {
        if (!(band >= 0) || Double.isInfinite(band))
            throw new IllegalArgumentException("--band must be a number >= 0, got " + band);
        List<Path> runs = new ArrayList<>();
        for (Path d : dirs) runs.addAll(KktRun.runDirectories(d));
        Backend.init();
        int rows = 0;
        for (Path run : runs) {
            KktRun.Report r = new KktRun(System.err).run(run, dataDir, checkpoints, band);
            KktRun.print(r, System.out);
            System.err.println("wrote " + r.csv() + " and " + r.json().getFileName());
            rows += r.rows().size();
        }
        return rows == 0 ? 3 : 0;
    }
}
