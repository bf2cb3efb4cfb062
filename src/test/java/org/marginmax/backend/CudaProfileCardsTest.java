package org.marginmax.backend;

import org.junit.jupiter.api.Test;
import org.marginmax.backend.CudaProfileCards.Card;

import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.marginmax.backend.CudaProfileCards.unsupportedCardMessage;

class CudaProfileCardsTest {

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
}
