package org.marginmax.backend;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

@Tag("no-nd4j")
class Dl4jVersionTest {

    @Test void theClassPathHasTheTestedRelease() {
        Dl4jVersion.Status s = Dl4jVersion.check();
        assertThat(s.dl4j()).isEqualTo(Dl4jVersion.TESTED);
        assertThat(s.nd4j()).isEqualTo(Dl4jVersion.TESTED);
        assertThat(s.tested()).isTrue();
        assertThat(s.summary()).contains("oneDNN class shim: active", "cached im2col (CacheMode.DEVICE): active",
                "custom layers", "MarginOutputLayer");
    }

    @Test void anUntestedReleaseSwitchesTheInternalShortcutsOffAndSaysSo() {
        Dl4jVersion.Status s = Dl4jVersion.of("1.0.0-SNAPSHOT", "1.0.0-SNAPSHOT");
        assertThat(s.tested()).isFalse();
        assertThat(s.summary()).contains("DL4J 1.0.0-SNAPSHOT / ND4J 1.0.0-SNAPSHOT: UNTESTED",
                "oneDNN class shim: OFF", "NoSuchMethodError");
        assertThat(Dl4jVersion.of(Dl4jVersion.TESTED, "1.0.0-SNAPSHOT").tested()).isFalse(); // a mixed tree
        assertThat(Dl4jVersion.of(null, null).summary()).contains("DL4J unknown / ND4J unknown: UNTESTED");
    }

    /** OneDnn names DL4J's property as a string (no M2.1 class at compile time): it must be M2.1's. */
    @Test void theHelperPropertyIsDl4jsOwn() throws Exception {
        Object dl4j = Class.forName("org.deeplearning4j.config.DL4JSystemProperties")
                .getField("DISABLE_HELPER_PROPERTY").get(null);
        assertThat(OneDnn.HELPERS_DISABLE_PROPERTY).isEqualTo(dl4j);
    }
}
