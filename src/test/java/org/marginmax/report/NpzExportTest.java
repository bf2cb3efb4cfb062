package org.marginmax.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.marginmax.backend.OneDnn;
import org.marginmax.cli.ExportCommand;
import org.marginmax.loss.LossKind;
import org.marginmax.loss.MarginLosses;
import org.marginmax.model.ArchKind;
import org.marginmax.model.BiasMode;
import org.marginmax.model.ModelFactory;
import org.marginmax.model.ModelSpec;
import org.marginmax.model.NetworkStructure;
import org.marginmax.model.WeightLayer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The .npz export read back by the NPY reader next to these tests and by NumPy itself: every array, its name, shape,
 * dtype and C-order values.
 */
class NpzExportTest {
    @TempDir Path tmp;
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @BeforeAll static void backend() { OneDnn.enable(); }

    private static MultiLayerNetwork net(ModelSpec spec, int side, long seed) {
        MultiLayerNetwork net = ModelFactory.build(spec, 1, side, side, 10, MarginLosses.create(LossKind.CROSS_ENTROPY), 0.1, seed);
        Nd4j.getRandom().setSeed(seed);
        for (WeightLayer l : NetworkStructure.of(net).weightLayers()) // biases start at zero: make them tell apart
            if (l.hasBias()) l.bias(net).assign(Nd4j.randn(l.bias(net).dataType(), l.bias(net).shape()));
        return net;
    }

    /** Every exported array equals the network's parameter element by element, indexed in C order. */
    private static void assertSameParameters(MultiLayerNetwork net, Map<String, NpyReader.Array> npz, String dtype) {
        List<String> expected = new ArrayList<>();
        for (WeightLayer l : NetworkStructure.of(net).weightLayers()) {
            List<String> params = l.hasBias() ? List.of("W", "b") : List.of("W");
            for (String p : params) {
                String name = WeightExport.arrayName(l, p);
                expected.add(name);
                INDArray a = p.equals("W") ? l.weights(net) : l.bias(net);
                NpyReader.Array got = npz.get(name);
                assertThat(got).as(name).isNotNull();
                assertThat(got.descr()).isEqualTo(dtype);
                assertThat(got.fortranOrder()).isFalse();
                assertThat(got.shape()).as(name).containsExactly(a.shape());
                assertThat(got.dataOffset() % 64).isZero();
                long[] idx = new long[a.rank()];
                for (int i = 0; i < got.values().length; i++) {
                    long rest = i; // C order: the last index runs fastest
                    for (int d = a.rank() - 1; d >= 0; d--) {
                        idx[d] = rest % a.size(d);
                        rest /= a.size(d);
                    }
                    if (got.values()[i] != a.getDouble(idx))
                        throw new AssertionError(name + " at " + java.util.Arrays.toString(idx) + ": " + got.values()[i] + " vs " + a.getDouble(idx));
                }
            }
        }
        expected.add(WeightExport.ARCHITECTURE);
        assertThat(npz.keySet()).containsExactlyInAnyOrderElementsOf(expected);
    }

    @Test void cnnCheckpointRoundTripsThroughTheExportCommand() throws IOException {
        MultiLayerNetwork net = net(new ModelSpec(ArchKind.MNIST_CNN, List.of(), BiasMode.ALL, "float32"), 8, 3);
        Path cps = Files.createDirectories(tmp.resolve("run/checkpoints"));
        Path zip = cps.resolve("epoch-000007.zip");
        ModelSerializer.writeModel(net, zip.toFile(), false);
        Files.writeString(cps.resolve("epoch-000007.json"), "{\"epoch\": 7, \"config_sha256\": \"abc123\", \"seed\": 5}");
        Path npz = tmp.resolve("out/w.npz");

        Cli.Result r = Cli.run(new ExportCommand(), zip.toString(), "--npz", npz.toString());
        assertThat(r.code()).as(r.err()).isZero();

        Map<String, NpyReader.Array> arrays = NpyReader.readNpz(npz);
        assertThat(arrays.keySet()).contains("layer0_conv_W", "layer0_conv_b", "layer2_conv_W", "layer4_dense_W",
                "layer5_output_W", "layer5_output_b");
        assertThat(arrays.get("layer0_conv_W").shape()).containsExactly(32, 1, 5, 5); // [out, in, kh, kw]
        assertThat(arrays.get("layer4_dense_W").shape()).containsExactly(2 * 2 * 64, 1024); // [nIn, nOut]
        assertSameParameters(net, arrays, "<f4");

        NpyReader.Array arch = arrays.get(WeightExport.ARCHITECTURE);
        assertThat(arch.descr()).startsWith("<U");
        assertThat(arch.shape()).containsExactly(1 + net.getLayers().length);
        JsonNode header = JSON.readTree(arch.strings()[0]);
        assertThat(header.path("epoch").asInt()).isEqualTo(7);
        assertThat(header.path("config_sha256").asText()).isEqualTo("abc123");
        assertThat(header.path("dtype").asText()).isEqualTo("<f4");
        assertThat(header.path("homogeneity_order_L").asInt()).isEqualTo(4);
        assertThat(header.path("homogeneous").asBoolean()).isFalse(); // biases everywhere
        JsonNode conv = JSON.readTree(arch.strings()[1]);
        assertThat(conv.path("kind").asText()).isEqualTo("conv");
        assertThat(conv.path("arrays").path("W").path("layout").asText()).isEqualTo("[out, in, kh, kw]");
        assertThat(conv.path("kernel").toString()).isEqualTo("[5,5]");
        assertThat(JSON.readTree(arch.strings()[2]).path("kind").asText()).isEqualTo("maxpool");
        JsonNode dense = JSON.readTree(arch.strings()[5]);
        assertThat(dense.path("arrays").path("W").path("layout").asText()).isEqualTo("[nIn, nOut]");
        assertThat(dense.path("arrays").path("W").path("name").asText()).isEqualTo("layer4_dense_W");
    }

    @Test void float64MlpIsWrittenAsF8() throws IOException {
        MultiLayerNetwork net = net(new ModelSpec(ArchKind.MLP, List.of(16, 8), BiasMode.FIRST_LAYER, "float64"), 4, 9);
        Path npz = tmp.resolve("m.npz");
        List<String> names = WeightExport.write(net, npz, Map.of("source", "test"));
        assertThat(names).containsExactly("layer0_dense_W", "layer0_dense_b", "layer1_dense_W", "layer2_output_W",
                WeightExport.ARCHITECTURE);
        Map<String, NpyReader.Array> arrays = NpyReader.readNpz(npz);
        assertSameParameters(net, arrays, "<f8");
        assertThat(arrays.get("layer0_dense_W").shape()).containsExactly(16, 16);
        assertThat(JSON.readTree(arrays.get(WeightExport.ARCHITECTURE).strings()[0]).path("homogeneous").asBoolean()).isTrue();
    }

    /** The same exports read by NumPy, a reader written by others: names, dtypes, shapes, C-order values, strings. */
    @Test void numpyReadsTheExportBack() throws Exception {
        MultiLayerNetwork cnn = net(new ModelSpec(ArchKind.MNIST_CNN, List.of(), BiasMode.ALL, "float32"), 8, 3);
        Path a = tmp.resolve("cnn.npz");
        WeightExport.write(cnn, a, Map.of("epoch", 7));
        Map<String, NpyReader.Array> fromNumpy = readWithNumpy(a);
        assertSameParameters(cnn, fromNumpy, "<f4");
        NpyReader.Array arch = fromNumpy.get(WeightExport.ARCHITECTURE);
        assertThat(arch.descr()).startsWith("<U");
        assertThat(arch.shape()).containsExactly(1 + cnn.getLayers().length);
        assertThat(JSON.readTree(arch.strings()[0]).path("epoch").asInt()).isEqualTo(7);
        assertThat(JSON.readTree(arch.strings()[1]).path("kind").asText()).isEqualTo("conv");

        MultiLayerNetwork mlp = net(new ModelSpec(ArchKind.MLP, List.of(16, 8), BiasMode.FIRST_LAYER, "float64"), 4, 9);
        Path b = tmp.resolve("mlp.npz");
        WeightExport.write(mlp, b, Map.of("source", "test"));
        assertSameParameters(mlp, readWithNumpy(b), "<f8");
    }

    /**
     * Loads an .npz with the system's NumPy ({@code /usr/bin/python3}: a pyenv python3 on PATH may lack it). Without
     * NumPy the test is skipped, except under {@code CI=true} (.ci/run installs python3-numpy), where it fails.
     */
    private static Map<String, NpyReader.Array> readWithNumpy(Path npz) throws Exception {
        String script = String.join("\n",
                "import json, sys",
                "import numpy as np",
                "out = {}",
                "with np.load(sys.argv[1], allow_pickle=False) as z:",
                "    for name in z.files:",
                "        a = z[name]",
                "        e = {'descr': a.dtype.str, 'shape': list(a.shape),",
                "             'fortran': bool(a.flags.f_contiguous and not a.flags.c_contiguous)}",
                "        if a.dtype.kind == 'U': e['strings'] = [str(x) for x in a.ravel(order='C')]",
                "        else: e['values'] = [float(x) for x in a.astype('f8').ravel(order='C')]",
                "        out[name] = e",
                "print(json.dumps(out))");
        Path python = Path.of("/usr/bin/python3");
        boolean ci = "true".equals(System.getenv("CI"));
        String missing = null;
        if (!Files.isExecutable(python)) missing = "no /usr/bin/python3";
        else if (new ProcessBuilder(python.toString(), "-c", "import numpy").start().waitFor() != 0)
            missing = "/usr/bin/python3 has no numpy (apt-get install python3-numpy)";
        if (missing != null) {
            if (ci) throw new AssertionError(missing + ": .ci/run should have installed it");
            org.junit.jupiter.api.Assumptions.abort(missing);
        }
        Process p = new ProcessBuilder(python.toString(), "-c", script, npz.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as(out).isZero();
        Map<String, NpyReader.Array> arrays = new java.util.LinkedHashMap<>();
        JSON.readTree(out).fields().forEachRemaining(f -> {
            JsonNode e = f.getValue();
            long[] shape = new long[e.path("shape").size()];
            for (int i = 0; i < shape.length; i++) shape[i] = e.path("shape").get(i).asLong();
            double[] values = e.has("values") ? new double[e.path("values").size()] : null;
            for (int i = 0; values != null && i < values.length; i++) values[i] = e.path("values").get(i).asDouble();
            String[] strings = e.has("strings") ? new String[e.path("strings").size()] : null;
            for (int i = 0; strings != null && i < strings.length; i++) strings[i] = e.path("strings").get(i).asText();
            arrays.put(f.getKey(), new NpyReader.Array(e.path("descr").asText(), e.path("fortran").asBoolean(), shape,
                    values, strings, 0));
        });
        return arrays;
    }

    @Test void notAModelZipIsAOneLineError() throws IOException {
        Path junk = Files.writeString(tmp.resolve("junk.zip"), "not a zip");
        Cli.Result r = Cli.run(new ExportCommand(), junk.toString(), "--npz", tmp.resolve("x.npz").toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("junk.zip: not a DL4J MultiLayerNetwork zip");
        Cli.Result missing = Cli.run(new ExportCommand(), tmp.resolve("none.zip").toString(), "--npz", "x.npz");
        assertThat(missing.code()).isEqualTo(2);
        assertThat(missing.err()).contains("none.zip: no such file");
    }

    @Test void npyHeaderIsVersionOnePaddedTo64Bytes() {
        byte[] h = NpzWriter.header("<f4", new long[]{3});
        assertThat(h.length % 64).isZero();
        String text = new String(h, 10, h.length - 10, java.nio.charset.StandardCharsets.US_ASCII);
        assertThat(text).startsWith("{'descr': '<f4', 'fortran_order': False, 'shape': (3,), }").endsWith("\n");
        assertThat(new String(NpzWriter.header("<f8", new long[]{2, 5}), 10, 60, java.nio.charset.StandardCharsets.US_ASCII))
                .contains("'shape': (2, 5)");
    }
}
