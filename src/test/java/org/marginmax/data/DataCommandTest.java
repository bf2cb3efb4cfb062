package org.marginmax.data;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.marginmax.TestPaths;
import org.marginmax.cli.DataCommand;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class DataCommandTest {
    @TempDir
    Path tmp;

    final StringWriter out = new StringWriter(), err = new StringWriter();

    int run(String... args) {
        CommandLine cl = new CommandLine(new DataCommand());
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        return cl.execute(args);
    }

    @Test
    void verifiesMnist10k() {
        assertThat(run("verify", "idx:" + TestPaths.mnist10k())).isEqualTo(0);
        assertThat(out.toString()).contains("ok   train-images-idx3-ubyte.gz: SHA-256 matches").contains("verified");
    }

    @Test
    void reportsAFailedVerification() throws Exception {
        Path dir = DatasetVerifierTest.copyOf(TestPaths.mnist10k(), tmp.resolve("copy"));
        Files.writeString(dir.resolve(Sha256.SUMS_FILE), "0".repeat(64) + "  train-labels-idx1-ubyte.gz\n");
        assertThat(run("verify", "idx:" + dir)).isEqualTo(1);
        assertThat(out.toString()).contains("FAIL train-labels-idx1-ubyte.gz: checksum mismatch").contains("verification FAILED");
    }

    @Test
    void dataErrorsAreOneLineAndExitOne() {
        assertThat(run("verify", "idx:" + tmp.resolve("nothing"))).isEqualTo(1);
        assertThat(err.toString()).startsWith("error: ").contains("no such directory");
        assertThat(err.toString().strip()).doesNotContain("\n");
        assertThat(run("fetch", "idx:" + tmp)).isEqualTo(1);
        assertThat(run("fetch", "imagenet")).isEqualTo(1);
        assertThat(err.toString()).contains("unknown dataset 'imagenet'");
    }

    @Test
    void withoutSubcommandPrintsUsage() {
        assertThat(run()).isEqualTo(2);
        assertThat(err.toString()).contains("fetch").contains("verify");
        assertThat(run("fetch", "--help")).isEqualTo(0);
        assertThat(out.toString()).contains("--data-dir");
    }
}
