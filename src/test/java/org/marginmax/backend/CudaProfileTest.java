package org.marginmax.backend;

import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.WorkspaceMode;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.nd4j.linalg.factory.Nd4j;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class CudaProfileTest {
    private static final Path SHIPPED = Path.of("cuda-profiles");

    /** A valid profile; tests replace one line at a time. Line numbers: description is line 2. */
    private static final String VALID = """
            # test profile
            description: test card
            maven_profile: cuda
            device: 0
            max_off_heap: 3g
            max_physical: null
            device_memory_limit: 1024m
            gc_window_ms: 5000
            workspace_mode: enabled
            dtype: null
            cudnn: true
            """;

    @TempDir Path dir;

    private Path write(String text) throws IOException {
        Path f = dir.resolve("test-card.yaml");
        Files.writeString(f, text);
        return f;
    }

    private static String replaceLine(String key, String newLine) {
        assertThat(VALID).contains("\n" + key + ":");
        return VALID.replaceFirst("(?m)^" + key + ":.*$", newLine);
    }

    @Test void everyShippedProfileParsesAndTheFourCardClassesExist() {
        assertThat(CudaProfile.available(SHIPPED)).contains("default", "rtx-24gb", "a100-80gb", "h100-80gb");
        for (String name : CudaProfile.available(SHIPPED)) {
            CudaProfile p = CudaProfile.load(name, SHIPPED);
            assertThat(p.name()).isEqualTo(name);
            assertThat(p.file()).isEqualTo(SHIPPED.resolve(name + ".yaml"));
            assertThat(p.describe()).contains("CUDA profile " + name, "not applied yet");
        }
    }

    @Test void shippedProfilesSayWhichBuildAndDtypeTheyNeed() {
        assertThat(CudaProfile.load("h100-80gb", SHIPPED).spec().mavenProfile()).isEqualTo("cuda-12.3");
        for (String n : new String[]{"default", "rtx-24gb", "a100-80gb"})
            assertThat(CudaProfile.load(n, SHIPPED).spec().mavenProfile()).as(n).isEqualTo("cuda");
        assertThat(CudaProfile.load("rtx-24gb", SHIPPED).modelDtypeOverride()).isEqualTo("float32");
        assertThat(CudaProfile.load("a100-80gb", SHIPPED).modelDtypeOverride()).isNull();
        CudaProfileSpec a100 = CudaProfile.load("a100-80gb", SHIPPED).spec();
        assertThat(a100.maxOffHeap().bytes()).isEqualTo(16L << 30);
        assertThat(a100.deviceMemoryLimit().bytes()).isEqualTo(72L << 30);
        assertThat(a100.dl4jWorkspaceMode()).isEqualTo(WorkspaceMode.ENABLED);
    }

    @Test void loadsByPathAsWellAsByName() throws IOException {
        Path f = write(VALID);
        CudaProfile p = CudaProfile.load(f.toString(), SHIPPED);
        assertThat(p.name()).isEqualTo("test-card");
        assertThat(p.spec().maxOffHeap().bytes()).isEqualTo(3L << 30);
        assertThat(p.spec().deviceMemoryLimit().bytes()).isEqualTo(1L << 30);
        assertThat(p.spec().maxPhysical()).isNull();
        assertThat(CudaProfile.load("test-card", dir).spec().gcWindowMs()).isEqualTo(5000);
    }

    @Test void unknownNameListsTheAvailableProfiles() {
        assertThatThrownBy(() -> CudaProfile.load("v100", SHIPPED))
                .isInstanceOf(CudaProfileException.class)
                .hasMessageContaining("unknown CUDA profile 'v100'")
                .hasMessageContaining(SHIPPED.resolve("v100.yaml").toString())
                .hasMessageContaining("a100-80gb").hasMessageContaining("h100-80gb");
    }

    @Test void unknownKeyNamesFileLineAndKey() throws IOException {
        Path f = write(VALID + "device_cache: 2g\n");
        assertThatThrownBy(() -> CudaProfile.load(f.toString(), SHIPPED))
                .isInstanceOf(CudaProfileException.class)
                .hasMessageStartingWith(f + ":12: unknown key 'device_cache'")
                .hasMessageContaining("gc_window_ms")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }

    @Test void missingKeyIsNamed() throws IOException {
        Path f = write(VALID.replace("cudnn: true\n", ""));
        assertThatThrownBy(() -> CudaProfile.load(f.toString(), SHIPPED))
                .isInstanceOf(CudaProfileException.class)
                .hasMessageStartingWith(f.toString())
                .hasMessageContaining("missing key 'cudnn'");
    }

    @Test void badValuesNameFileLineAndKey() throws IOException {
        Map<String, String[]> cases = new HashMap<>();
        cases.put("workspace_mode", new String[]{"workspace_mode: sometimes", ":9: key 'workspace_mode'", "sometimes"});
        cases.put("max_off_heap", new String[]{"max_off_heap: 16 gigs", ":5: key 'max_off_heap'", "not a size"});
        cases.put("device", new String[]{"device: -1", ":4: key 'device'", "0 or more"});
        cases.put("dtype", new String[]{"dtype: float16", ":10: key 'dtype'", "float16"});
        cases.put("gc_window_ms", new String[]{"gc_window_ms: ten", ":8: key 'gc_window_ms'", "whole number"});
        cases.put("maven_profile", new String[]{"maven_profile: cuda-13", ":3: key 'maven_profile'", "cuda-13"});
        cases.put("cudnn", new String[]{"cudnn: null", ":11: key 'cudnn'", "true or false"});
        for (var c : cases.entrySet()) {
            Path f = write(replaceLine(c.getKey(), c.getValue()[0]));
            assertThatThrownBy(() -> CudaProfile.load(f.toString(), SHIPPED)).as(c.getKey())
                    .isInstanceOf(CudaProfileException.class)
                    .hasMessageStartingWith(f + c.getValue()[1])
                    .hasMessageContaining(c.getValue()[2])
                    .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
        }
    }

    @Test void physicalCapMustExceedOffHeap() throws IOException {
        Path f = write(replaceLine("max_physical", "max_physical: 2g"));
        assertThatThrownBy(() -> CudaProfile.load(f.toString(), SHIPPED))
                .isInstanceOf(CudaProfileException.class)
                .hasMessageStartingWith(f + ":6: key 'max_physical'")
                .hasMessageContaining("max_off_heap");
    }

    @Test void applyingToTheCpuBackendIsAOneLineErrorNamingFileAndBuild() {
        assumeTrue(Nd4j.getEnvironment().isCPU(), "this build runs the CPU backend");
        CudaProfile a100 = CudaProfile.load("a100-80gb", SHIPPED);
        assertThatThrownBy(a100::applyToBackend)
                .isInstanceOf(CudaProfileException.class)
                .hasMessage(SHIPPED.resolve("a100-80gb.yaml") + " needs the CUDA backend, but this build has the CPU "
                        + "backend: rebuild with mvn -Pcuda (or -Pcuda-12.3 for H100)");
        assertThatThrownBy(CudaProfile.load("h100-80gb", SHIPPED)::applyToBackend)
                .isInstanceOf(CudaProfileException.class)
                .hasMessageContaining("h100-80gb.yaml needs the CUDA backend").hasMessageContaining("mvn -Pcuda-12.3");
    }

    @Test void wrongBackendMessageIsEmptyOnCuda() {
        assertThat(CudaProfile.wrongBackendMessage("x.yaml", "cuda", "CUDA")).isEmpty();
        assertThat(CudaProfile.wrongBackendMessage("x.yaml", "cuda", "CPU")).isPresent();
    }

    @Test void applyBeforeBackendSetsTheJavaCppProperties() throws IOException {
        String[] keys = {CudaProfile.MAX_BYTES, CudaProfile.MAX_BYTES_CAMEL, CudaProfile.MAX_PHYSICAL, CudaProfile.MAX_PHYSICAL_CAMEL};
        Map<String, String> saved = new HashMap<>();
        for (String k : keys) saved.put(k, System.getProperty(k));
        try {
            for (String k : keys) System.clearProperty(k);
            long heap = Runtime.getRuntime().maxMemory();
            long physicalMiB = ((heap + (3L << 30)) >> 20) + 1024; // above heap + 3g off-heap, as required
            Path f = write(replaceLine("max_physical", "max_physical: " + physicalMiB + "m"));
            CudaProfile p = CudaProfile.load(f.toString(), SHIPPED);
            p.applyBeforeBackend();
            assertThat(System.getProperty(CudaProfile.MAX_BYTES)).isEqualTo(Long.toString(3L << 30));
            assertThat(System.getProperty(CudaProfile.MAX_PHYSICAL)).isEqualTo(Long.toString(physicalMiB << 20));
            assertThat(System.getProperty(CudaProfile.MAX_BYTES_CAMEL)).isNull();
            assertThat(p.describe()).contains(CudaProfile.MAX_BYTES + " = 3g");

            // null leaves a value given on the command line alone
            System.setProperty(CudaProfile.MAX_PHYSICAL, "12345");
            CudaProfile.load(write(VALID).toString(), SHIPPED).applyBeforeBackend();
            assertThat(System.getProperty(CudaProfile.MAX_PHYSICAL)).isEqualTo("12345");
        } finally {
            for (String k : keys) {
                if (saved.get(k) == null) System.clearProperty(k);
                else System.setProperty(k, saved.get(k));
            }
        }
    }

    @Test void applyBeforeBackendRefusesAPhysicalCapBelowHeapPlusOffHeap() throws IOException {
        String saved = System.getProperty(CudaProfile.MAX_BYTES);
        try {
            long heapMiB = Runtime.getRuntime().maxMemory() >> 20;
            Path f = write(replaceLine("max_physical", "max_physical: " + (heapMiB + 1024) + "m")); // < heap + 3g
            CudaProfile p = CudaProfile.load(f.toString(), SHIPPED);
            assertThatThrownBy(p::applyBeforeBackend)
                    .isInstanceOf(CudaProfileException.class)
                    .hasMessageStartingWith(f + ": max_physical (" + (heapMiB + 1024) + "m) must exceed the JVM heap limit")
                    .hasMessageContaining("-Xmx");
        } finally {
            if (saved == null) System.clearProperty(CudaProfile.MAX_BYTES);
            else System.setProperty(CudaProfile.MAX_BYTES, saved);
        }
    }

    @Test void javaCppBytesReadsWhatJavaCppWouldRead() {
        String[] keys = {"mm.test.lower", "mm.test.Camel"};
        try {
            System.setProperty(keys[0], "2G");
            assertThat(CudaProfile.javaCppBytes(keys[0], keys[1], 1000)).isEqualTo(2L << 30);
            System.setProperty(keys[1], "50%");
            assertThat(CudaProfile.javaCppBytes(keys[0], keys[1], 1000)).isEqualTo(500L);
        } finally {
            for (String k : keys) System.clearProperty(k);
        }
        assertThat(CudaProfile.javaCppBytes(keys[0], keys[1], 1000)).isNull();
    }

    @Test void applyToNetworkSetsTheWorkspaceModes() throws IOException {
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder().seed(1).list()
                .layer(new DenseLayer.Builder().nIn(4).nOut(3).activation(Activation.RELU).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MSE).nIn(3).nOut(2)
                        .activation(Activation.IDENTITY).build())
                .build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        assertThat(net.getLayerWiseConfigurations().getTrainingWorkspaceMode()).isEqualTo(WorkspaceMode.ENABLED);

        CudaProfile none = CudaProfile.load(write(replaceLine("workspace_mode", "workspace_mode: none")).toString(), SHIPPED);
        none.applyToNetwork(net);
        assertThat(net.getLayerWiseConfigurations().getTrainingWorkspaceMode()).isEqualTo(WorkspaceMode.NONE);
        assertThat(net.getLayerWiseConfigurations().getInferenceWorkspaceMode()).isEqualTo(WorkspaceMode.NONE);
        assertThat(none.describe()).contains("workspace mode NONE");
        net.output(Nd4j.rand(org.nd4j.linalg.api.buffer.DataType.FLOAT, 2, 4)); // still runs

        CudaProfile.load("a100-80gb", SHIPPED).applyToNetwork(net);
        assertThat(net.getLayerWiseConfigurations().getTrainingWorkspaceMode()).isEqualTo(WorkspaceMode.ENABLED);
        assertThat(net.getLayerWiseConfigurations().getInferenceWorkspaceMode()).isEqualTo(WorkspaceMode.ENABLED);
    }
}
