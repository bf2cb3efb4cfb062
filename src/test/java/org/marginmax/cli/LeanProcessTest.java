package org.marginmax.cli;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The launcher's memory defaults for the child JVM (docs/MEMORY.md) and how a user overrides them. */
class LeanProcessTest {
    @Test void trainingCommandsGetTheLeanLimits() {
        for (String command : List.of("train", "resume", "bench", "sweep"))
            assertThat(Main.childJvmOptions(new String[]{command, "x.yaml"}, Map.of()))
                    .contains("-Xmx256m", "-Dorg.bytedeco.javacpp.maxbytes=384m", "-XX:+UseSerialGC");
    }

    @Test void otherCommandsKeepTheJvmDefaults() {
        assertThat(Main.childJvmOptions(new String[]{"kkt", "run"}, Map.of())).isEmpty();
        assertThat(Main.childJvmOptions(new String[]{"plot", "run"}, Map.of())).isEmpty();
        assertThat(Main.childJvmOptions(new String[]{}, Map.of())).isEmpty();
    }

    @Test void theEnvironmentVariableReplacesTheDefaults() {
        assertThat(Main.childJvmOptions(new String[]{"train", "vgg.yaml"},
                Map.of("MARGIN_MAX_JAVA_OPTS", " -Xmx2g  -Dorg.bytedeco.javacpp.maxbytes=8g ")))
                .containsExactly("-Xmx2g", "-Dorg.bytedeco.javacpp.maxbytes=8g");
        assertThat(Main.childJvmOptions(new String[]{"train", "x.yaml"}, Map.of("MARGIN_MAX_JAVA_OPTS", ""))).isEmpty();
    }

    @Test void aHeapLimitInJavaToolOptionsIsRespected() {
        assertThat(Main.childJvmOptions(new String[]{"train", "x.yaml"}, Map.of("JAVA_TOOL_OPTIONS", "-Xmx3g")))
                .noneMatch(o -> o.startsWith("-Xmx")).contains("-Dorg.bytedeco.javacpp.maxbytes=384m");
    }

    @Test void benchReadsThePeakResidentSetOfItsOwnProcess() {
        assertThat(BenchCommand.peakResidentMb()).isPresent();
        assertThat(BenchCommand.peakResidentMb().getAsDouble()).isGreaterThan(1.0);
    }

    @Test void runningOutOfMemoryIsOneLineNamingTheSetting() {
        var err = new java.io.ByteArrayOutputStream();
        var old = System.err;
        System.setErr(new java.io.PrintStream(err, true));
        int code;
        try {
            code = Main.reportingMemory(() -> { throw new OutOfMemoryError("Cannot allocate 1000 bytes\n  totalBytes = 9"); });
        } finally {
            System.setErr(old);
        }
        assertThat(code).isEqualTo(2);
        assertThat(err.toString().strip()).doesNotContain("\n").startsWith("error: out of memory")
                .contains("MARGIN_MAX_JAVA_OPTS").contains("docs/MEMORY.md");
    }
}
