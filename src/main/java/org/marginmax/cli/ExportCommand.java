package org.marginmax.cli;

import org.marginmax.report.WeightExport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "export", mixinStandardHelpOptions = true,
        description = {"Write a checkpoint's (or model.zip's) weights as a NumPy .npz file.",
                "One array per parameter in DL4J's layout (dense W [nIn, nOut], conv W [out, in, kh, kw]), named",
                "layer<i>_<kind>_<W|b>, plus 'architecture' (JSON strings: the layers and layouts)."})
public final class ExportCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "MODEL_ZIP", description = "e.g. RUN_DIR/checkpoints/epoch-000100.zip or RUN_DIR/model.zip")
    Path model;

    @Option(names = "--npz", required = true, paramLabel = "FILE", description = "the .npz to write")
    Path npz;

    @Override public Integer call() {
        Backend.init();
        List<String> names = WeightExport.exportModel(model, npz);
        System.out.println("wrote " + npz + ": " + String.join(", ", names));
        return 0;
    }
}
