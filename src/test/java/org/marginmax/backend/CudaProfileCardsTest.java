package org.marginmax.backend;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.marginmax.backend.CudaProfileCards.Card;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.marginmax.backend.CudaProfileCards.unsupportedCardMessage;

@Tag("no-nd4j")
class CudaProfileCardsTest {

    /** A fake nvidia-smi in {@code dir} running {@code body} (sh). */
    private static Map<String, String> fakeNvidiaSmi(Path dir, String body) throws IOException {
        Path exe = dir.resolve("nvidia-smi");
        Files.writeString(exe, "#!/bin/sh\n" + body + "\n");
        Files.setPosixFilePermissions(exe, PosixFilePermissions.fromString("rwxr-xr-x"));
        return Map.of("PATH", dir.toString());
    }

    @Test @Timeout(value = 60, unit = TimeUnit.SECONDS) // guards against the hang itself; the timeout below is 1 s
    void aHungNvidiaSmiIsKilledAtTheTimeoutAndReported(@TempDir Path dir) throws Exception {
        Path pidFile = dir.resolve("pid");
        Map<String, String> env = fakeNvidiaSmi(dir, "echo $$ > " + pidFile + "\necho '0, GPU-a, partial'\n"
                + "while true; do sleep 1; done");
        CudaProfileCards.SmiResult r = CudaProfileCards.queryNvidiaSmi(env, Duration.ofSeconds(1));
        assertThat(r.cards()).isEmpty();
        assertThat(r.problem()).contains("nvidia-smi", "did not answer within 1 s", "killed");
        long pid = Long.parseLong(Files.readString(pidFile).strip());
        Optional<ProcessHandle> h = ProcessHandle.of(pid);
        h.ifPresent(p -> p.onExit().join());
        assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive)).isNotEqualTo(Optional.of(true));
    }

    @Test void aFakeNvidiaSmiOnPathIsReadAndItsCardsChecked(@TempDir Path dir) throws Exception {
        Map<String, String> env = fakeNvidiaSmi(dir, "echo '0, GPU-abc, NVIDIA H100 80GB HBM3, 9.0'");
        assertThat(CudaProfileCards.queryNvidiaSmi(env, Duration.ofSeconds(30)).cards())
                .extracting(Card::name).containsExactly("NVIDIA H100 80GB HBM3");
        assertThatThrownBy(() -> CudaProfileCards.preflight("11.6", env))
                .isInstanceOf(CudaProfileException.class).hasMessageContaining("-Pcuda-12.3");
    }

    @Test void missingOrFailingNvidiaSmiLeavesTheCardsUnchecked(@TempDir Path dir) throws Exception {
        assertThat(CudaProfileCards.preflight("11.6", Map.of("PATH", dir.toString())))
                .contains("not checked", "not on PATH");
        Map<String, String> env = fakeNvidiaSmi(dir, "echo 'NVIDIA-SMI has failed'; exit 9");
        assertThat(CudaProfileCards.preflight("11.6", env)).contains("not checked", "exited with 9");
    }

    @Test void h100OnTheReleasedBackendNamesCardCapabilityAndTheFix() {
        Optional<String> m = unsupportedCardMessage("11.6", "NVIDIA H100 80GB HBM3", "9.0");
        assertThat(m).isPresent();
        assertThat(m.get()).contains("NVIDIA H100 80GB HBM3", "9.0", "-Pcuda-12.3", "h100-80gb").doesNotContain("\n");
    }

    @Test void cardsWithACubinOfTheirOwnMajorRun() {
        for (String cc : new String[]{"3.7", "5.0", "5.2", "5.3", "6.0", "6.1", "6.2", "7.0", "7.2", "7.5", "8.0", "8.6", "8.7", "8.9"})
            assertThat(unsupportedCardMessage("11.6", "card", cc)).as(cc).isEmpty();
        assertThat(unsupportedCardMessage("cuda-11.6", "A100", "8.0")).isEmpty();
    }

    @Test void tooOldAndTooNewCardsAreRefused() {
        assertThat(unsupportedCardMessage("11.6", "Tesla K40", "3.5")).get().asString()
                .contains("Tesla K40", "3.5", "too old", "CPU build");
        assertThat(unsupportedCardMessage("11.6", "NVIDIA B200", "10.0")).get().asString()
                .contains("NVIDIA B200", "10.0", "CPU build");
        assertThat(unsupportedCardMessage("11.6", "RTX 5090", "12.0")).isPresent();
    }

    @Test void uninspectedBackendsAndUnreadableCapabilitiesAreNotChecked() {
        assertThat(unsupportedCardMessage("12.3", "NVIDIA H100 80GB HBM3", "9.0")).isEmpty();
        assertThat(unsupportedCardMessage("11.6", "card", "unknown")).isEmpty();
        assertThat(unsupportedCardMessage("11.6", "card", null)).isEmpty();
    }

    @Test void readsNvidiaSmiAndHonoursCudaVisibleDevices() {
        List<Card> cards = CudaProfileCards.parseNvidiaSmi("""
                0, GPU-aaaa-1111, NVIDIA A100-SXM4-80GB, 8.0
                1, GPU-bbbb-2222, NVIDIA H100 80GB HBM3, 9.0
                Field "x" is not a valid field to query.
                """);
        assertThat(cards).extracting(Card::name).containsExactly("NVIDIA A100-SXM4-80GB", "NVIDIA H100 80GB HBM3");
        assertThat(CudaProfileCards.visible(cards, null)).hasSize(2);
        assertThat(CudaProfileCards.visible(cards, "1")).extracting(Card::index).containsExactly(1);
        assertThat(CudaProfileCards.visible(cards, "GPU-aaaa")).extracting(Card::index).containsExactly(0);
        assertThat(CudaProfileCards.visible(cards, "1,0")).extracting(Card::index).containsExactly(1, 0);
        assertThat(CudaProfileCards.visible(cards, "MIG-xyz")).isEmpty();
    }

    @Test void preflightFailsOnlyWhenNoVisibleCardCanRun() {
        List<Card> cards = CudaProfileCards.parseNvidiaSmi("""
                0, GPU-a, NVIDIA A100-SXM4-80GB, 8.0
                1, GPU-b, NVIDIA H100 80GB HBM3, 9.0
                """);
        assertThat(CudaProfileCards.preflightMessage("11.6", cards)).isEmpty();
        assertThat(CudaProfileCards.preflightMessage("11.6", CudaProfileCards.visible(cards, "1"))).get().asString()
                .contains("NVIDIA H100 80GB HBM3", "9.0", "-Pcuda-12.3");
        assertThat(CudaProfileCards.preflightMessage("11.6", List.of())).isEmpty();
    }

    @Test void theCpuBuildHasNoPackagedCudaBackend() {
        boolean cudaOnClasspath = CudaProfileCards.class.getClassLoader()
                .getResource("org/nd4j/linalg/jcublas/JCublasBackend.class") != null;
        assertThat(CudaProfileCards.packagedCudaBackend().isPresent()).isEqualTo(cudaOnClasspath);
    }

    @Test void infoSaysPerCardWhetherTheLoadedBackendHasCodeForIt() {
        BackendInfo.Device h100 = new BackendInfo.Device(0, "NVIDIA H100 80GB HBM3", null, null, "9.0");
        BackendInfo.Device a100 = new BackendInfo.Device(1, "NVIDIA A100-SXM4-80GB", null, null, "8.0");
        assertThat(BackendInfo.cardCode("11.6", h100)).contains("cannot run", "-Pcuda-12.3");
        assertThat(BackendInfo.cardCode("11.6", a100)).contains("has code for compute capability 8.0");
        assertThat(BackendInfo.cardCode("12.3", h100)).contains("not checked", "12.3");
        assertThat(BackendInfo.cardCode(null, a100)).contains("not checked");
    }
}
