package org.marginmax.robust;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.marginmax.io.Csv;
import org.marginmax.io.Json;
import org.marginmax.run.AtomicFiles;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The probe's CSV, JSON and printed table. */
public final class ProbeTables {
    private ProbeTables() {}

    static final List<String> COLUMNS = List.of("epoch", "attack", "split", "n", "eps", "robust_acc", "clean_acc");
    static final List<String> NORM_COLUMNS = List.of("attacked", "not_found", "norm_mean", "norm_median", "norm_q10",
            "norm_q25", "norm_q75", "norm_q90");

    /** CSV columns: epoch, attack, split, n, eps, robust_acc, clean_acc, [minimal attacks: the norm statistics], seconds. */
    static List<String> header(AttackKind kind) {
        List<String> h = new ArrayList<>(COLUMNS);
        if (kind.minimal()) h.addAll(NORM_COLUMNS);
        h.add("seconds");
        return h;
    }

    static void write(RobustnessProbe.Report r, Attack attack, String hash) {
        StringBuilder csv = new StringBuilder(Csv.line(header(r.attack())));
        for (ProbeResult p : r.results()) {
            ProbeResult.NormStats s = r.attack().minimal() ? p.normStats() : null;
            for (double e : r.eps()) {
                List<String> cells = new ArrayList<>(List.of(String.valueOf(p.epoch()), r.attack().key(), r.split(),
                        String.valueOf(r.n()), num(e), num(p.robustAccuracy(e)), num(p.cleanAccuracy())));
                if (s != null) cells.addAll(List.of(String.valueOf(s.attacked()), String.valueOf(s.notFound()), num(s.mean()),
                        num(s.median()), num(s.q10()), num(s.q25()), num(s.q75()), num(s.q90())));
                cells.add(num(p.seconds()));
                csv.append(Csv.line(cells));
            }
        }
        ObjectNode root = Json.MAPPER.createObjectNode();
        root.put("attack", r.attack().key());
        root.put("norm", r.attack().norm() == AttackKind.Norm.LINF ? "linf" : "l2");
        root.put("split", r.split());
        root.put("n", r.n());
        root.set("settings", Json.MAPPER.valueToTree(attack.settings()));
        root.put("settings_hash", hash);
        if (r.attack().minimal())
            root.put("perturbation_norm", "L2 norm of the perturbation (not squared); robust accuracy at eps is the "
                    + "fraction of examples whose smallest perturbation found exceeds eps");
        ArrayNode rows = root.putArray("checkpoints");
        for (ProbeResult p : r.results()) {
            ObjectNode row = rows.addObject();
            row.put("epoch", p.epoch());
            row.put("clean_acc", p.cleanAccuracy());
            ArrayNode acc = row.putArray("robust_acc");
            for (double e : r.eps()) acc.addObject().put("eps", e).put("acc", p.robustAccuracy(e));
            if (r.attack().minimal()) {
                ProbeResult.NormStats s = p.normStats();
                ObjectNode st = row.putObject("norm_stats");
                st.put("attacked", s.attacked());
                st.put("not_found", s.notFound());
                st.put("mean", s.mean());
                st.put("median", s.median());
                st.put("q10", s.q10());
                st.put("q25", s.q25());
                st.put("q75", s.q75());
                st.put("q90", s.q90());
            }
            row.put("seconds", p.seconds());
        }
        ArrayNode skipped = root.putArray("skipped");
        r.skipped().forEach(skipped::add);
        try {
            Files.createDirectories(r.csv().getParent());
            AtomicFiles.writeString(r.csv(), csv.toString());
            AtomicFiles.writeString(r.json(), Json.MAPPER.writeValueAsString(root));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + r.csv().getParent() + ": " + e.getMessage(), e);
        }
    }

    /** Robust accuracy against ε, one column per checkpoint; for minimal attacks the norm statistics below. */
    public static void print(RobustnessProbe.Report r, PrintStream out) {
        out.printf(Locale.ROOT, "%s robust accuracy on the first %d %s examples%s%n", r.attack().key(), r.n(), r.split(),
                r.attack().minimal() ? " (perturbation size: L2 norm, not squared)" : "");
        if (r.results().isEmpty()) {
            out.println("(no checkpoint could be attacked)");
            return;
        }
        StringBuilder h = new StringBuilder(String.format(Locale.ROOT, "%-12s", "eps"));
        for (ProbeResult p : r.results()) h.append(String.format(Locale.ROOT, "%12s", "epoch " + p.epoch()));
        out.println(h);
        for (double e : r.eps()) {
            StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%-12s", e == 0 ? "0 (clean)" : num(e)));
            for (ProbeResult p : r.results()) line.append(String.format(Locale.ROOT, "%11.2f%%", 100 * p.robustAccuracy(e)));
            out.println(line);
        }
        if (r.attack().minimal()) {
            String[] names = {"median", "mean", "q10", "q25", "q75", "q90", "not found"};
            for (int k = 0; k < names.length; k++) {
                StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%-12s", names[k]));
                for (ProbeResult p : r.results()) {
                    ProbeResult.NormStats s = p.normStats();
                    double[] v = {s.median(), s.mean(), s.q10(), s.q25(), s.q75(), s.q90(), s.notFound()};
                    line.append(k == 6 ? String.format(Locale.ROOT, "%12d", (int) v[k])
                            : String.format(Locale.ROOT, "%12.4f", v[k]));
                }
                out.println(line);
            }
        }
        for (String s : r.skipped()) out.println("skipped " + s);
    }

    private static String num(double v) {
        if (Double.isNaN(v)) return "";
        if (Double.isInfinite(v)) return v > 0 ? "inf" : "-inf";
        return String.format(Locale.ROOT, "%.6g", v).replaceAll("(\\.\\d*?)0+$", "$1").replaceAll("\\.$", "");
    }
}
