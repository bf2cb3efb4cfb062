package org.marginmax.report;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.marginmax.cli.PlotCommand;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

class ReportPageTest {
    @TempDir Path tmp;

    private static List<String> matches(String html, String regex) {
        List<String> out = new ArrayList<>();
        Matcher m = Pattern.compile(regex).matcher(html);
        while (m.find()) out.add(m.group(1));
        return out;
    }

    @Test void plotCommandWritesFiguresAndAnOfflineReportLinkingThem() throws IOException {
        Path a = SyntheticRuns.run(tmp.resolve("a"), "cnn", "none", "loss-based", 30, 2);
        Path b = SyntheticRuns.run(tmp.resolve("b"), "cnn", "all", "loss-based", 30, 2);
        SyntheticRuns.pgd(a);
        SyntheticRuns.minimal(a, true);
        Path out = tmp.resolve("cmp");
        Cli.Result r = Cli.run(new PlotCommand(), a.toString(), b.toString(), "--out", out.toString(), "--log-epochs");
        assertThat(r.code()).as(r.err()).isZero();

        String html = Files.readString(out.resolve(ReportPage.FILE));
        List<String> images = matches(html, "<img src=\"([^\"]+)\"");
        assertThat(images).contains("loss.png", "accuracy.png", "margin.png", "smoothed-margin.png", "norms.png",
                "support.png", "lr.png", "robust-linf-pgd-train.png", "robust-l2-cw-test.png", "perturbation-l2-cw-test.png");
        for (String img : images) {
            assertThat(out.resolve(img)).isRegularFile();
            assertThat(out.resolve(img.replace(".png", ".svg"))).isRegularFile();
        }
        // offline: no scripts, no external style sheets or images
        assertThat(html).doesNotContain("<script", "<link", "http://", "https://");
        // the config fields that differ, final metrics of both runs, robustness table of run a
        assertThat(html).contains("<td class=\"l\">model.bias</td><td class=\"l\">none</td><td class=\"l\">all</td>");
        assertThat(matches(html, "<tr><td class=\"l\">(cnn \\(model.bias=[a-z]+\\))</td><td>30</td>")).containsExactly(
                "cnn (model.bias=none)", "cnn (model.bias=all)");
        assertThat(html).contains("<h3>Robust accuracy: linf-pgd/train</h3>", "<th>ε=0.2</th>", "<th>norm median</th>");
        assertThat(html).contains("no robustness/*.csv"); // run b's note
    }

    @Test void oneRunDefaultsToItsReportFolderAndSeveralNeedOut() throws IOException {
        Path a = SyntheticRuns.run(tmp.resolve("a"), "r", "none", "constant", 5, 1);
        Cli.Result r = Cli.run(new PlotCommand(), a.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(a.resolve("report/report.html")).isRegularFile();
        assertThat(a.resolve("report/loss.png")).isRegularFile();
        Cli.Result two = Cli.run(new PlotCommand(), a.toString(), a.toString());
        assertThat(two.code()).isEqualTo(2);
        assertThat(two.err()).contains("--out DIR");
    }

    @Test void tableCellsShowNumbersAndBlanksForUnknown() {
        assertThat(ReportPage.num(null)).isEmpty();
        assertThat(ReportPage.num("NaN")).isEmpty();
        assertThat(ReportPage.num(Double.NaN)).isEmpty();
        assertThat(ReportPage.num(0.5)).isEqualTo("0.5000");
        assertThat(ReportPage.num(1.25e-5)).isEqualTo("1.2500e-05");
        assertThat(ReportPage.num(12)).isEqualTo("12");
        assertThat(ReportPage.num("-Infinity")).isEqualTo("-Infinity");
    }
}
