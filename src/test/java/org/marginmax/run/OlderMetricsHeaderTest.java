package org.marginmax.run;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A run written before a column was appended (e.g. alignment) resumes with its own header. */
class OlderMetricsHeaderTest {
    @TempDir Path dir;

    @Test
    void anOlderRunKeepsItsHeaderAndTheNewColumnIsLeftOut() throws Exception {
        Files.writeString(dir.resolve(MetricsLog.CSV), "epoch,log10_loss\n1,-2.0\n");
        try (MetricsLog log = new MetricsLog(dir, List.of("epoch", "log10_loss", "alignment"))) {
            assertThat(log.columns()).containsExactly("epoch", "log10_loss");
            log.append(Map.of("epoch", 2, "log10_loss", -3.0, "alignment", 0.5));
        }
        List<String> lines = Files.readAllLines(dir.resolve(MetricsLog.CSV));
        assertThat(lines).hasSize(3);
        assertThat(lines.get(0)).isEqualTo("epoch,log10_loss");
        assertThat(lines.get(2)).startsWith("2,-3");
    }

    @Test
    void anotherModelsHeaderIsStillRefused() throws Exception {
        Files.writeString(dir.resolve(MetricsLog.CSV), "epoch,rho_1\n");
        assertThatThrownBy(() -> new MetricsLog(dir, List.of("epoch", "log10_loss", "alignment")))
                .hasMessageContaining("columns differ");
    }
}
