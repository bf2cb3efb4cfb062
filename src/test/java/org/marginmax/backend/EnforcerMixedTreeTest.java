package org.marginmax.backend;

import org.apache.maven.model.Model;
import org.apache.maven.model.Plugin;
import org.apache.maven.model.io.xpp3.MavenXpp3Writer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * pom.xml's enforcer rules, copied into src/test/resources/enforcer-mixed/pom.xml (M2.1 modules beside nd4j-common
 * M2), fail that build; the same tree without the foreign module passes, so it is the mix that fails it.
 * Runs Maven itself ({@code mvn} on PATH, else skipped with a reason).
 */
@Tag("no-nd4j")
class EnforcerMixedTreeTest {

    private static Path writePom(String dir, boolean mixed) throws IOException {
        Model project = PomFamilyVersions.read(Path.of("pom.xml"));
        Model tree = PomFamilyVersions.read(Path.of("src/test/resources/enforcer-mixed/pom.xml"));
        Plugin enforcer = project.getBuild().getPlugins().stream()
                .filter(p -> p.getArtifactId().equals("maven-enforcer-plugin")).findFirst()
                .orElseThrow(() -> new AssertionError("pom.xml has no maven-enforcer-plugin"));
        tree.setBuild(new org.apache.maven.model.Build());
        tree.getBuild().addPlugin(enforcer.clone());
        if (!mixed) tree.getDependencies().removeIf(d -> d.getArtifactId().equals("nd4j-common"));
        Path out = Path.of("target", dir, "pom.xml");
        Files.createDirectories(out.getParent());
        try (Writer w = Files.newBufferedWriter(out, StandardCharsets.UTF_8)) {
            new MavenXpp3Writer().write(w, tree);
        }
        return out;
    }

    private record Run(int exit, String output) {}

    private static Run maven(Path pom) throws Exception {
        var mvn = CudaProfileCards.onPath("mvn", System.getenv("PATH"));
        assumeTrue(mvn.isPresent(), "mvn is not on PATH: run mvn -B -f target/enforcer-mixed/pom.xml validate by hand");
        Path log = pom.resolveSibling("mvn.log");
        ProcessBuilder pb = new ProcessBuilder(mvn.get().toString(), "-B", "-f", pom.toString(), "validate")
                .redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().putAll(Map.of("MAVEN_OPTS", "-Xmx512m"));
        Process p = pb.start();
        if (!p.waitFor(10, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new AssertionError("mvn did not finish in 10 minutes; see " + log);
        }
        return new Run(p.exitValue(), Files.readString(log));
    }

    @Test void theEnforcerRulesFailAMixedTreeAndPassTheSameTreeUnmixed() throws Exception {
        Run mixed = maven(writePom("enforcer-mixed", true));
        assertThat(mixed.exit()).as(mixed.output()).isNotZero();
        assertThat(mixed.output()).contains("DependencyConvergence failed", "RequireSameVersions failed",
                "org.nd4j:nd4j-common");
        Run clean = maven(writePom("enforcer-unmixed", false));
        assertThat(clean.exit()).as(clean.output()).isZero();
        assertThat(List.of(clean.output().split("\n"))).anySatisfy(l -> assertThat(l).contains("DependencyConvergence passed"));
    }
}
