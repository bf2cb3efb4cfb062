package org.marginmax.robust;

import com.fasterxml.jackson.core.JsonProcessingException;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.marginmax.config.ConfigLoader;
import org.marginmax.config.ExperimentConfig;
import org.marginmax.data.DataSplit;
import org.marginmax.data.Datasets;
import org.marginmax.data.ImageDataset;
import org.marginmax.data.Sha256;
import org.marginmax.io.UserInputException;
import org.marginmax.io.Json;
import org.marginmax.loss.MarginLosses;
import org.marginmax.model.ModelFactory;
import org.marginmax.run.Checkpoints;
import org.marginmax.run.RunDirectory;
import org.marginmax.run.ResumeException;
import org.marginmax.run.RunCheck;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code margin-max probe}: attacks the first n examples of a split at chosen checkpoints of a run (protocol C) and
 * writes {@code robustness/<attack>-<split>.csv} and {@code .json}, one row per checkpoint and ε.
 *
 * <p>The run's {@code config.yaml} gives the data and the architecture; each checkpoint is checked against its sidecar
 * hash and a freshly built network before it is attacked, and one that fails is reported and skipped. Answers are
 * cached per checkpoint and attack settings ({@link ProbeCache}); the files list every checkpoint probed with the
 * same settings, in this call or earlier ones.
 */
public final class RobustnessProbe {
    public static final String DIR = "robustness";

    /**
     * @param checkpoints {@code all}, or epochs and {@code last} separated by commas
     * @param split       {@code train} or {@code test}
     * @param n           the first n examples of the split (all if fewer)
     * @param eps         the ε list, or null for the attack's default; 0 is added
     * @param batchSize   examples per forward/backward pass; 0 for {@link #autoBatch}
     */
    public record Request(Path runDir, Path dataDir, String checkpoints, String split, int n, Attack attack,
                          double[] eps, int batchSize) {}

    /** What a probe wrote: every row it knows for these settings, the checkpoints it skipped and why. */
    public record Report(AttackKind attack, String split, int n, double[] eps, List<ProbeResult> results,
                         List<String> skipped, Path csv, Path json) {}

    private final ProbeProgress progress;

    public RobustnessProbe(ProbeProgress progress) { this.progress = progress; }

    public Report run(Request req) {
        if (req.n() < 1) throw new UserInputException("--n must be at least 1, got " + req.n());
        String split = req.split() == null ? "train" : req.split().trim().toLowerCase(java.util.Locale.ROOT);
        if (!split.equals("train") && !split.equals("test"))
            throw new UserInputException("--split must be train or test, not '" + req.split() + "'");
        ExperimentConfig cfg = RunCheck.config(req.runDir());
        List<String> problems = new ArrayList<>();
        List<Checkpoints.Entry> available = Checkpoints.list(req.runDir(), problems);
        problems.forEach(p -> progress.message("warning: " + p));
        List<Checkpoints.Entry> chosen = CheckpointSelection.select(req.checkpoints(), available, req.runDir());
        Attack attack = req.attack();
        double[] eps = epsList(req.eps(), attack.kind());

        DataSplit data = Datasets.load(cfg.data(), req.dataDir(), cfg.seed());
        ImageDataset set = split.equals("train") ? data.train() : data.test();
        if (set.size() == 0) throw new UserInputException(req.runDir() + ": the " + split + " split is empty");
        int n = Math.min(req.n(), set.size());
        if (n < req.n()) progress.message("note: the " + split + " split has " + set.size() + " examples; probing all of them");
        Examples examples = examples(set, n);
        boolean nchw = ModelFactory.nchw(cfg.model());
        long[] shape = nchw ? new long[]{set.channels(), set.height(), set.width()} : new long[]{set.imageSize()};
        MultiLayerNetwork fresh = RunCheck.expectedNetwork(cfg, data.train());

        Map<String, Object> key = new LinkedHashMap<>();
        key.put("attack", attack.kind().key());
        key.put("settings", attack.settings());
        key.put("split", split);
        key.put("n", n);
        if (!attack.kind().minimal()) key.put("eps", eps);
        key.put("data_sha256", data.sha256());
        String hash = hash(key);

        Path outDir = req.runDir().resolve(DIR);
        ProbeCache cache = new ProbeCache(outDir);
        Map<Integer, ProbeResult> results = new TreeMap<>();
        Map<Integer, String> currentSha = new TreeMap<>();
        for (Checkpoints.Entry c : available) currentSha.put(c.info().epoch(), c.info().modelSha256());
        List<String> skipped = new ArrayList<>();
        for (int i = 0; i < chosen.size(); i++) {
            Checkpoints.Entry c = chosen.get(i);
            int epoch = c.info().epoch();
            String label = "epoch " + epoch + " " + attack.kind().key();
            var hit = cache.read(epoch, attack.kind().key(), split, hash, c.info().modelSha256());
            if (hit.isPresent()) {
                results.put(epoch, new ProbeResult(epoch, hit.get().brokenAt(), hit.get().seconds(), true));
                progress.message(String.format(java.util.Locale.ROOT, "[%d/%d] epoch %d: cached (%s)", i + 1,
                        chosen.size(), epoch, cache.file(epoch, attack.kind().key(), split, hash).getFileName()));
                continue;
            }
            if (!data.sha256().equals(c.info().dataSha256()))
                progress.message("warning: epoch " + epoch + " was trained on other data (SHA-256 " + c.info().dataSha256()
                        + "); attacking the data at hand");
            MultiLayerNetwork net;
            try {
                net = RunCheck.restore(c, fresh);
            } catch (ResumeException e) {
                skipped.add("epoch " + epoch + ": " + e.getMessage());
                progress.message("skipped epoch " + epoch + ": " + e.getMessage());
                continue;
            }
            progress.checkpoint(i + 1, chosen.size(), label, n);
            long t0 = System.nanoTime();
            AttackedModel model = new AttackedModel(net, shape, req.batchSize() > 0 ? req.batchSize() : autoBatch(nchw));
            double[] broken = attack.brokenAt(model, examples, eps, progress.attackProgress());
            double seconds = (System.nanoTime() - t0) / 1e9;
            progress.checkpointDone(seconds);
            ProbeResult r = new ProbeResult(epoch, broken, seconds, false);
            results.put(epoch, r);
            cache.write(new ProbeCache.Entry(epoch, attack.kind().key(), split, n, hash, attack.settings(),
                    c.info().modelSha256(), data.sha256(), broken, seconds, Instant.now().toString()));
            progress.message(String.format(java.util.Locale.ROOT,
                    "[%d/%d] epoch %d: clean accuracy %.2f%%, %s done in %s (%.1f examples/s)", i + 1, chosen.size(),
                    epoch, 100 * r.cleanAccuracy(), attack.kind().key(), ProbeProgress.duration(seconds), n / seconds));
        }
        // earlier answers with the same settings, for checkpoints still the same file (or since pruned)
        for (ProbeCache.Entry e : cache.all(attack.kind().key(), split, hash)) {
            if (results.containsKey(e.epoch())) continue;
            String sha = currentSha.get(e.epoch());
            if (sha == null || sha.equals(e.modelSha256()))
                results.put(e.epoch(), new ProbeResult(e.epoch(), e.brokenAt(), e.seconds(), true));
        }
        List<ProbeResult> rows = new ArrayList<>(results.values());
        rows.sort(Comparator.comparingInt(ProbeResult::epoch));
        Path csv = outDir.resolve(attack.kind().key() + "-" + split + ".csv");
        Path json = outDir.resolve(attack.kind().key() + "-" + split + ".json");
        Report report = new Report(attack.kind(), split, n, eps, rows, skipped, csv, json);
        ProbeTables.write(report, attack, hash);
        return report;
    }

    /**
     * Examples per pass when not given: 500 for MLPs (PGD-L∞ on the quickstart MLP here: 74 examples/s at 500,
     * 50 at 100), 100 for convolutional networks (memory).
     */
    public static int autoBatch(boolean convolutional) { return convolutional ? 100 : 500; }

    /** The first n examples of a set: float32 features row-major (CHW within a row), labels as the loss reads them. */
    public static Examples examples(ImageDataset set, int n) {
        float[] x = set.features().get(NDArrayIndex.interval(0, n), NDArrayIndex.all()).dup('c').data().asFloat();
        int[] y = new int[n];
        for (int i = 0; i < n; i++) y[i] = set.binary() ? set.target(i) : set.label(i);
        return new Examples(Arrays.copyOf(x, n * set.imageSize()), y, set.imageSize());
    }

    /** The user's list (or the default) sorted, without repeats, with 0 first. */
    static double[] epsList(double[] eps, AttackKind kind) {
        double[] base = eps == null ? kind.defaultEps() : eps;
        for (double e : base)
            if (!(e >= 0) || Double.isInfinite(e))
                throw new UserInputException("--eps: " + e + " is not a finite number >= 0");
        return java.util.stream.DoubleStream.concat(java.util.stream.DoubleStream.of(0), Arrays.stream(base))
                .distinct().sorted().toArray();
    }

    private static String hash(Map<String, Object> key) {
        try {
            return Sha256.of(Json.MAPPER.writeValueAsString(key)).substring(0, 12);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
