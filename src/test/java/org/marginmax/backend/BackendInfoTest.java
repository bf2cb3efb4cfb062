package org.marginmax.backend;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.factory.Nd4j;

import static org.assertj.core.api.Assertions.assertThat;

class BackendInfoTest {

    @Test
    void renderNamesTheBackendAndTheOneDnnStatusOfConvAndPooling() {
        BackendInfo info = BackendInfo.gather();
        String text = info.render();
        String backend = Nd4j.getExecutioner().getEnvironmentInformation().getProperty("backend");

        assertThat(info.backend()).isEqualTo(backend);
        assertThat(info.backendClass()).isEqualTo(Nd4j.getBackend().getClass().getName());
        assertThat(text).contains("backend:", backend, info.backendClass())
                .containsPattern("(?m)^oneDNN conv: +\\S")
                .containsPattern("(?m)^oneDNN pooling: +\\S")
                .contains("DL4J 1.0.0-M2.1", "ND4J 1.0.0-M2.1");
        if ("CPU".equals(backend) && OneDnn.available()) {
            assertThat(info.nativeClassifier()).contains("onednn");
            assertThat(info.buildInfo()).contains("HAVE_ONEDNN");
            assertThat(text).containsPattern("(?m)^oneDNN conv: +attached \\(MKLDNNConvHelper\\)")
                    .containsPattern("(?m)^oneDNN pooling: +attached \\(MKLDNNSubsamplingHelper\\)");
        }
    }
}
