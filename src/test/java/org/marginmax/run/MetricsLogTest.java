package org.marginmax.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The expected file texts are written out by hand. */
class MetricsLogTest {
    @TempDir Path dir;

    private static Map<String, Object> row(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) m.put((String) kv[i], kv[i + 1]);
        return m;
    }

    @Test void aFreshRunWritesTheCodesColumnsAsBefore() throws IOException {
        try (MetricsLog log = new MetricsLog(dir, List.of("epoch", "log10_loss", "train_acc", "rho_1"))) {
            log.append(row("epoch", 0, "log10_loss", -0.30103, "train_acc", Double.NaN, "rho_1", 1.5E-7));
            log.append(row("epoch", 1, "log10_loss", Double.NEGATIVE_INFINITY, "train_acc", 1.0));
        }
        assertThat(Files.readString(dir.resolve(MetricsLog.CSV)))
                .isEqualTo("epoch,log10_loss,train_acc,rho_1\n0,-0.30103,,1.5E-7\n1,-Infinity,1.0,\n");
        List<String> jsonl = Files.readAllLines(dir.resolve(MetricsLog.JSONL));
        assertThat(jsonl).containsExactly("{\"epoch\":0,\"log10_loss\":-0.30103,\"train_acc\":null,\"rho_1\":1.5E-7}",
                "{\"epoch\":1,\"log10_loss\":\"-Infinity\",\"train_acc\":1.0,\"rho_1\":null}");
    }

    @Test void aResumedOldRunKeepsItsOwnHeaderAndColumnOrder() throws IOException {
        // written by older code: fewer columns, another order
        Files.writeString(dir.resolve(MetricsLog.CSV), "epoch,train_acc,log10_loss\n0,0.5,-0.3\n");
        List<String> now = List.of("epoch", "log10_loss", "train_acc", "smoothed_margin");
        try (MetricsLog log = new MetricsLog(dir, now)) {
            assertThat(log.columns()).containsExactly("epoch", "train_acc", "log10_loss");
            log.append(row("epoch", 1, "log10_loss", -1.25, "train_acc", 0.75, "smoothed_margin", 0.01));
            log.append(row("epoch", 2, "log10_loss", -2.5, "smoothed_margin", 0.02));
            assertThatThrownBy(() -> log.append(row("epoch", 3, "no_such_column", 1.0)))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no_such_column");
        }
        assertThat(Files.readString(dir.resolve(MetricsLog.CSV)))
                .isEqualTo("epoch,train_acc,log10_loss\n0,0.5,-0.3\n1,0.75,-1.25\n2,,-2.5\n");
        JsonNode last = JsonMapper.builder().build().readTree(Files.readAllLines(dir.resolve(MetricsLog.JSONL)).get(1));
        assertThat(last.has("smoothed_margin")).isFalse();
        assertThat(last.get("log10_loss").asDouble()).isEqualTo(-2.5);
    }

    @Test void aForeignFileIsRefused() throws IOException {
        Files.writeString(dir.resolve(MetricsLog.CSV), "a,b\n1,2\n");
        assertThatThrownBy(() -> new MetricsLog(dir, List.of("epoch")))
                .isInstanceOf(org.marginmax.io.UserInputException.class).hasMessageContaining("'epoch'");
    }

    @Test void truncateKeepsTheHeaderAndWholeRowsUpToTheEpoch() throws IOException {
        Files.writeString(dir.resolve(MetricsLog.CSV), "epoch,x,y\n0,1,2\n1,3,4\n2,5,6\n1,7");
        Files.writeString(dir.resolve(MetricsLog.JSONL), "{\"epoch\":0}\n{\"epoch\":1}\n{\"epoch\":2}\n{\"epo");
        MetricsLog.truncateAfter(dir, 1);
        assertThat(Files.readString(dir.resolve(MetricsLog.CSV))).isEqualTo("epoch,x,y\n0,1,2\n1,3,4\n");
        assertThat(Files.readString(dir.resolve(MetricsLog.JSONL))).isEqualTo("{\"epoch\":0}\n{\"epoch\":1}\n");
    }
}
