package org.marginmax.run;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.marginmax.backend.BackendInfo;
import org.marginmax.config.ConfigLoader;
import org.marginmax.config.ExperimentConfig;
import org.nd4j.linalg.factory.Nd4j;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.time.Instant;
import java.util.Properties;

/**
 * What made an artifact: exact config and its hash, data checksum, seed, backend, library and code versions
 * (Tribuo-style provenance). Stored as {@code provenance.json} in every run directory and inside checkpoints.
 */
public final class Provenance {
    private Provenance() {}

    public static ObjectNode of(ExperimentConfig cfg, String dataName, String dataSha256, int trainSize, int testSize) {
        ObjectNode p = JsonNodeFactory.instance.objectNode();
        p.put("experiment", cfg.name());
        p.put("config_sha256", ConfigLoader.hash(cfg));
        p.set("config", ConfigLoader.toTree(cfg));
        p.put("seed", cfg.seed());
        ObjectNode data = p.putObject("data");
        data.put("name", dataName);
        data.put("sha256", dataSha256);
        data.put("train_size", trainSize);
        data.put("test_size", testSize);
        ObjectNode code = p.putObject("code");
        Properties git = gitProperties();
        code.put("git_commit", commitOf(git));
        code.put("git_dirty", git.getProperty("git.dirty", "unknown"));
        code.put("version", git.getProperty("git.build.version", "unknown"));
        ObjectNode env = p.putObject("environment");
        env.put("backend", backendName());
        env.put("dl4j_version", dl4jVersion());
        env.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
        env.put("os", System.getProperty("os.name") + " " + System.getProperty("os.arch"));
        env.put("host", hostName());
        env.put("omp_num_threads", String.valueOf(System.getenv("OMP_NUM_THREADS")));
        env.put("cores", Runtime.getRuntime().availableProcessors());
        p.put("created", Instant.now().toString());
        return p;
    }

    /** e.g. "CPU (CpuBackend)" or "CUDA (JCublasBackend)". */
    public static String backendName() {
        return BackendInfo.backendKind() + " (" + Nd4j.getBackend().getClass().getSimpleName() + ")";
    }

    public static String gitCommit() { return commitOf(gitProperties()); }

    private static String commitOf(Properties git) {
        String full = git.getProperty("git.commit.id.full", git.getProperty("git.commit.id", "unknown"));
        return "true".equals(git.getProperty("git.dirty")) ? full + "+dirty" : full;
    }

    static Properties gitProperties() {
        Properties p = new Properties();
        try (InputStream in = Provenance.class.getResourceAsStream("/git.properties")) {
            if (in != null) p.load(in);
        } catch (IOException ignored) {
            // provenance then says "unknown"
        }
        return p;
    }

    public static String dl4jVersion() {
        String v = BackendInfo.pomVersion("org.nd4j", "nd4j-api");
        return v == null ? "unknown" : v;
    }

    static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "unknown";
        }
    }
}
