package org.marginmax.kkt;

import com.fasterxml.jackson.core.JsonProcessingException;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.marginmax.config.ExperimentConfig;
import org.marginmax.data.DataSplit;
import org.marginmax.data.Datasets;
import org.marginmax.data.ImageDataset;
import org.marginmax.data.Sha256;
import org.marginmax.io.Json;
import org.marginmax.loss.FramedLoss;
import org.marginmax.loss.MarginLosses;
import org.marginmax.model.ModelFactory;
import org.marginmax.robust.CheckpointSelection;
import org.marginmax.robust.RobustnessProbe;
import org.marginmax.run.AtomicFiles;
import org.marginmax.run.Checkpoints;
import org.marginmax.run.Provenance;
import org.marginmax.run.RunCheck;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code margin-max kkt RUN_DIR}: {@link KktAnalysis} at chosen checkpoints of a run, written to
 * {@code RUN_DIR/kkt/kkt.csv}, {@code kkt.json} and {@code kkt/lambda-epoch-NNNNNN.csv}. Each checkpoint's
 * measurements are cached in {@code kkt/cache/} under a key of τ, the data SHA-256, the code version and the
 * model file's SHA-256; the direction cosines (which depend on the run's newest checkpoint) are recomputed each time.
 */
public final class KktRun {
    public static final String DIR = "kkt";
    static final String FORMAT = "kkt-1";

    /** The columns of kkt.csv, in order. */
    public static final List<String> COLUMNS = List.of("epoch", "log10_loss", "normalized_margin", "separated",
            "q_min", "kkt_eps", "kkt_delta", "kkt_pairs", "kkt_active", "kkt_lambda_sum", "theta_sq_over_L",
            "kkt_eps_quadratic", "nnls_violation", "nnls_converged", "alignment", "direction_cos_last",
            "direction_cos_prev", "margin_q01", "margin_q10", "margin_q50", "test_margin_q01", "test_margin_q10",
            "test_margin_q50", "kkt_seconds", "cached");

    /** What one call wrote for one run. */
    public record Report(Path runDir, List<Map<String, Object>> rows, List<String> skipped, Path csv, Path json) {}

    private final PrintStream progress;

    public KktRun(PrintStream progress) { this.progress = progress; }

    /** A run directory, or the run directories directly inside a sweep directory. */
    public static List<Path> runDirectories(Path dir) {
        if (Files.isRegularFile(dir.resolve(org.marginmax.run.RunDirectory.CONFIG))) return List.of(dir);
        try (var s = Files.list(dir)) {
            List<Path> runs = s.filter(p -> Files.isRegularFile(p.resolve(org.marginmax.run.RunDirectory.CONFIG)))
                    .sorted().toList();
            if (runs.isEmpty())
                throw new org.marginmax.io.UserInputException(dir + " is neither a run directory (no config.yaml) nor a sweep "
                        + "directory holding runs: give a folder that `margin-max train` printed");
            return runs;
        } catch (IOException e) {
            throw new org.marginmax.io.UserInputException("cannot read " + dir + ": " + e.getMessage());
        }
    }

    public Report run(Path runDir, Path dataDir, String checkpoints, double tau) {
        ExperimentConfig cfg = RunCheck.config(runDir);
        List<String> problems = new ArrayList<>();
        List<Checkpoints.Entry> available = Checkpoints.list(runDir, problems);
        problems.forEach(p -> progress.println("warning: " + p));
        List<Checkpoints.Entry> chosen = CheckpointSelection.select(checkpoints, available, runDir);
        DataSplit data = Datasets.load(cfg.data(), dataDir, cfg.seed());
        ImageDataset train = data.train(), test = data.test();
        boolean nchw = ModelFactory.nchw(cfg.model());
        FramedLoss loss = MarginLosses.create(cfg.loss());
        INDArray x = train.features(nchw).castTo(DataType.DOUBLE);
        int[] y = loss.labelsOf(train.labelMatrix());
        INDArray tx = test.size() == 0 ? null : test.features(nchw).castTo(DataType.DOUBLE);
        int[] ty = test.size() == 0 ? new int[0] : loss.labelsOf(test.labelMatrix());
        MultiLayerNetwork fresh = ModelFactory.build(cfg.model(), train.channels(), train.height(), train.width(),
                train.outputs(), MarginLosses.create(cfg.loss()), 0.1, cfg.seed());
        KktNetwork.of(fresh); // refuses non-homogeneous networks before any work
        KktAnalysis analysis = new KktAnalysis(new KktAnalysis.Settings(tau, RobustnessProbe.autoBatch(nchw)));

        Map<String, Object> key = new LinkedHashMap<>();
        key.put("format", FORMAT);
        key.put("tau", tau);
        key.put("data_sha256", data.sha256());
        key.put("code", Provenance.gitCommit());
        String hash = hash(key);
        Path out = runDir.resolve(DIR), cache = out.resolve("cache");
        INDArray last = null;
        List<Map<String, Object>> rows = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        for (int i = 0; i < chosen.size(); i++) {
            Checkpoints.Entry c = chosen.get(i);
            int epoch = c.info().epoch();
            String label = String.format(Locale.ROOT, "[%d/%d] epoch %d", i + 1, chosen.size(), epoch);
            try {
                Map<String, Object> row = cached(cache, epoch, hash, c.info().modelSha256());
                if (row != null) {
                    progress.println(label + ": cached");
                    row.put("cached", true);
                } else {
                    long t0 = System.nanoTime();
                    KktNetwork net = KktNetwork.of(RunCheck.restore(c, fresh));
                    KktAnalysis.Result r = analysis.analyse(net, cfg.loss(), x, y, tx, ty,
                            s -> progress.println(label + ": " + s));
                    double seconds = (System.nanoTime() - t0) / 1e9;
                    row = row(epoch, r, seconds);
                    writeLambdas(out, epoch, r);
                    writeCache(cache, epoch, hash, key, c.info().modelSha256(), row);
                    progress.println(String.format(Locale.ROOT, "%s: %s in %.1f s", label,
                            r.separated() ? "kkt_eps " + fmt(r.kktEps()) + " over " + r.kktPairs() + " pairs"
                                    : "not separated (q_min " + fmt(r.qMin()) + ")", seconds));
                    row.put("cached", false);
                }
                if (last == null) last = theta(available.get(available.size() - 1), fresh);
                INDArray here = theta(c, fresh);
                int at = available.indexOf(c);
                row.put("direction_cos_last", cos(here, last));
                row.put("direction_cos_prev", at > 0 ? cos(here, theta(available.get(at - 1), fresh)) : null);
                rows.add(row);
            } catch (org.marginmax.run.ResumeException e) { // a corrupt or foreign checkpoint is skipped, with why
                skipped.add("epoch " + epoch + ": " + e.getMessage());
                progress.println("skipped epoch " + epoch + ": " + e.getMessage());
            }
        }
        Path csv = out.resolve("kkt.csv"), json = out.resolve("kkt.json");
        write(out, csv, json, rows, key, runDir);
        return new Report(runDir, rows, skipped, csv, json);
    }

    static Map<String, Object> row(int epoch, KktAnalysis.Result r, double seconds) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (String col : COLUMNS) m.put(col, null);
        m.put("epoch", epoch);
        m.put("log10_loss", r.log10Loss());
        m.put("normalized_margin", r.normalizedMargin());
        m.put("separated", r.separated());
        m.put("q_min", r.qMin());
        if (r.separated()) {
            m.put("kkt_eps", r.kktEps());
            m.put("kkt_delta", r.kktDelta());
            m.put("kkt_pairs", r.kktPairs());
            m.put("kkt_active", r.kktActive());
            m.put("kkt_lambda_sum", r.kktLambdaSum());
            m.put("theta_sq_over_L", r.thetaNormSqOverL());
            m.put("kkt_eps_quadratic", r.quadraticEps());
            m.put("nnls_violation", r.nnlsViolation());
            m.put("nnls_converged", r.nnlsConverged());
        }
        m.put("alignment", r.alignment());
        String[] q = {"01", "10", "50"};
        for (int i = 0; i < q.length; i++) {
            m.put("margin_q" + q[i], r.marginQuantiles()[i]);
            if (r.testMarginQuantiles() != null) m.put("test_margin_q" + q[i], r.testMarginQuantiles()[i]);
        }
        m.put("kkt_seconds", seconds);
        return m;
    }

    private static INDArray theta(Checkpoints.Entry c, MultiLayerNetwork fresh) {
        return RunCheck.restore(c, fresh).params().castTo(DataType.DOUBLE).dup();
    }

    private static double cos(INDArray a, INDArray b) {
        double ab = a.mul(b).sumNumber().doubleValue();
        return ab / Math.sqrt(a.mul(a).sumNumber().doubleValue() * b.mul(b).sumNumber().doubleValue());
    }

    private static void writeLambdas(Path out, int epoch, KktAnalysis.Result r) {
        StringBuilder sb = new StringBuilder("example,class,q,lambda\n");
        for (KktAnalysis.Pair p : r.pairs())
            sb.append(p.example()).append(',').append(p.cls() < 0 ? "" : String.valueOf(p.cls())).append(',')
                    .append(p.q()).append(',').append(p.lambda()).append('\n');
        mkdirs(out);
        AtomicFiles.writeString(out.resolve(String.format("lambda-epoch-%06d.csv", epoch)), sb.toString());
    }

    private static Path cacheFile(Path cache, int epoch, String hash) {
        return cache.resolve(String.format("epoch-%06d-%s.json", epoch, hash));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> cached(Path cache, int epoch, String hash, String modelSha) {
        Path f = cacheFile(cache, epoch, hash);
        if (!Files.isRegularFile(f)) return null;
        try {
            Map<String, Object> entry = Json.MAPPER.readValue(f.toFile(), Map.class);
            if (!modelSha.equals(entry.get("model_sha256")) || !(entry.get("row") instanceof Map<?, ?> row)) return null;
            Map<String, Object> out = new LinkedHashMap<>();
            for (String col : COLUMNS) out.put(col, ((Map<String, Object>) row).get(col));
            return out;
        } catch (IOException e) {
            return null; // unreadable: recomputed and overwritten
        }
    }

    private static void writeCache(Path cache, int epoch, String hash, Map<String, Object> key, String modelSha,
                                   Map<String, Object> row) {
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("key", key);
        entry.put("model_sha256", modelSha);
        entry.put("row", finite(row));
        entry.put("created", Instant.now().toString());
        mkdirs(cache);
        try {
            AtomicFiles.writeString(cacheFile(cache, epoch, hash), Json.MAPPER.writeValueAsString(entry));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void write(Path out, Path csv, Path json, List<Map<String, Object>> rows, Map<String, Object> key,
                              Path runDir) {
        mkdirs(out);
        StringBuilder sb = new StringBuilder(String.join(",", COLUMNS)).append('\n');
        for (Map<String, Object> r : rows) {
            List<String> cells = new ArrayList<>();
            for (String col : COLUMNS) {
                Object v = r.get(col);
                cells.add(v == null || v instanceof Double d && Double.isNaN(d) ? "" : String.valueOf(v));
            }
            sb.append(String.join(",", cells)).append('\n');
        }
        AtomicFiles.writeString(csv, sb.toString());
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("run", runDir.toString());
        doc.put("settings", key);
        doc.put("definitions", "Lyu & Li (ICLR 2020) Appendix C: kkt_eps = min_{lambda>=0} ||theta~ - sum lambda_a grad q_a||"
                + " / ||theta~|| over q_a(theta~) <= 1 + tau, theta~ = theta / q_min^(1/L); see docs/KKT.md");
        doc.put("rows", rows.stream().map(KktRun::finite).toList());
        try {
            AtomicFiles.writeString(json, Json.MAPPER.writeValueAsString(doc));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Map<String, Object> finite(Map<String, Object> row) {
        Map<String, Object> m = new LinkedHashMap<>();
        row.forEach((k, v) -> m.put(k, v instanceof Double d && !Double.isFinite(d) ? null : v));
        return m;
    }

    private static void mkdirs(Path d) {
        try {
            Files.createDirectories(d);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + d + ": " + e.getMessage(), e);
        }
    }

    private static String hash(Map<String, Object> key) {
        try {
            return Sha256.of(Json.MAPPER.writeValueAsString(key)).substring(0, 12);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    static String fmt(double v) { return String.format(Locale.ROOT, "%.4g", v); }

    /** The table printed to stdout. */
    public static void print(Report report, PrintStream out) {
        String[] cols = {"epoch", "log10_loss", "normalized_margin", "kkt_eps", "kkt_delta", "kkt_pairs", "kkt_active",
                "kkt_lambda_sum", "alignment", "direction_cos_last", "direction_cos_prev", "margin_q01", "margin_q50",
                "kkt_seconds"};
        out.println(report.runDir());
        StringBuilder h = new StringBuilder();
        for (String c : cols) h.append(String.format(Locale.ROOT, "%-12s ", c.length() > 12 ? c.substring(0, 12) : c));
        out.println(h.toString().stripTrailing());
        for (Map<String, Object> r : report.rows()) {
            StringBuilder sb = new StringBuilder();
            for (String c : cols) {
                Object v = r.get(c);
                String s = v == null ? (c.startsWith("kkt_") && Boolean.FALSE.equals(r.get("separated")) ? "unsep." : "-")
                        : v instanceof Double d ? fmt(d) : String.valueOf(v);
                sb.append(String.format(Locale.ROOT, "%-12s ", s));
            }
            out.println(sb.toString().stripTrailing());
        }
    }
}
