package org.marginmax.backend;

import org.apache.maven.model.Dependency;
import org.apache.maven.model.Model;
import org.apache.maven.model.Profile;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** pom.xml keeps the DL4J family on one version set per profile; see {@link PomFamilyVersions}. */
@Tag("no-nd4j")
class PomFamilyVersionsTest {
    private static final Model POM = PomFamilyVersions.read(Path.of("pom.xml"));
    private static final List<String> BUILDS = Arrays.asList(null, "cpu", "avx2", "cuda", "cuda-12.3");

    @Test void everyBuildWritesEveryFamilyVersionAsItsFamilyProperty() {
        for (String profile : BUILDS)
            assertThat(PomFamilyVersions.problems(POM, profile)).as(String.valueOf(profile)).isEmpty();
    }

    @Test void theCuda123ProfileMovesEveryFamilyTogether() {
        Map<String, String> release = PomFamilyVersions.properties(POM, null);
        Map<String, String> snapshot = PomFamilyVersions.properties(POM, "cuda-12.3");
        for (String f : PomFamilyVersions.FAMILY_PROPERTIES)
            assertThat(PomFamilyVersions.interpolate("${" + f + "}", snapshot)).as(f)
                    .isNotEqualTo(PomFamilyVersions.interpolate("${" + f + "}", release));
        assertThat(PomFamilyVersions.interpolate("${dl4j.version}", snapshot)).isEqualTo("1.0.0-SNAPSHOT");
        assertThat(PomFamilyVersions.profile(POM, "cuda-12.3").getDependencies())
                .extracting(Dependency::getArtifactId).containsExactly("nd4j-cuda-12.3-platform");
    }

    @Test void deeplearning4jCoresTransitiveModulesAreManaged() {
        List<String> managed = POM.getDependencyManagement().getDependencies().stream()
                .map(d -> d.getGroupId() + ":" + d.getArtifactId()).toList();
        assertThat(managed).contains("org.nd4j:nd4j-api", "org.nd4j:nd4j-native-api", "org.nd4j:nd4j-common",
                "org.deeplearning4j:deeplearning4j-nn", "org.datavec:datavec-api", "org.bytedeco:javacpp",
                "org.bytedeco:openblas", "org.bytedeco:cuda");
    }

    /** The check itself catches the mix the issue found: a literal snapshot version beside M2.1 modules. */
    @Test void aLiteralVersionOrAPresetOfAnotherJavacppIsReported() {
        Model mixed = POM.clone();
        Profile p = PomFamilyVersions.profile(mixed, "cuda-12.3");
        p.getDependencies().get(0).setVersion("1.0.0-SNAPSHOT");
        p.getProperties().setProperty("cuda.preset.version", "12.3-8.9-1.5.9");
        p.getProperties().remove("dl4j.version");
        List<String> problems = PomFamilyVersions.problems(mixed, "cuda-12.3");
        assertThat(problems).anySatisfy(s -> assertThat(s).contains("nd4j-cuda-12.3-platform", "1.0.0-SNAPSHOT"));
        assertThat(problems).anySatisfy(s -> assertThat(s).contains("cuda.preset.version", "1.5.9"));

        Model foreign = POM.clone();
        Dependency opencv = new Dependency();
        opencv.setGroupId("org.bytedeco");
        opencv.setArtifactId("opencv");
        opencv.setVersion("4.5.5-1.5.7");
        foreign.addDependency(opencv);
        assertThat(PomFamilyVersions.problems(foreign, null)).anySatisfy(s -> assertThat(s).contains("opencv"));
    }
}
