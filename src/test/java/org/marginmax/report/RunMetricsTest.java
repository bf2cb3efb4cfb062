package org.marginmax.report;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** A run directory from older code: a metrics.csv without the newer columns, and nothing else. */
class RunMetricsTest {
    @TempDir Path dir;

    @Test void readsAnOldMetricsFileWithoutTheNewerColumns() throws IOException {
        Files.writeString(dir.resolve("metrics.csv"),
                "epoch,log10_loss,train_acc,rho_2,rho_1\n0,-0.3,0.5,2.0,1.0\n1,,\"0.75\",2.5,1.5\n2,-1");
        RunMetrics m = RunMetrics.read(dir);
        assertThat(m.epochs()).containsExactly(0, 1);
        assertThat(m.column("log10_loss")[0]).isEqualTo(-0.3);
        assertThat(m.column("log10_loss")[1]).isNaN();
        assertThat(m.column("train_acc")).containsExactly(0.5, 0.75);
        assertThat(m.has("smoothed_margin")).isFalse();
        assertThat(m.column("smoothed_margin")).containsExactly(Double.NaN, Double.NaN);
        assertThat(m.layerNormColumns()).containsExactly("rho_1", "rho_2");
        assertThat(m.notes()).anyMatch(n -> n.contains("config.yaml is missing"));
        assertThat(m.provenance().gitCommit()).isEqualTo("unknown");
    }
}
