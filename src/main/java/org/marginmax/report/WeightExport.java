package org.marginmax.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.FeedForwardLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.marginmax.io.Json;
import org.marginmax.model.NetworkStructure;
import org.marginmax.model.WeightLayer;
import org.marginmax.model.WeightLayerKind;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A network's parameters as a NumPy {@code .npz}: one array per parameter in DL4J's layout, named
 * {@code layer<i>_<kind>_<W|b>} (i = index of the layer in the network, pooling layers counted; kind = conv, dense or
 * output), float32 ({@code '<f4'}) or float64 ({@code '<f8'}) as the network, C order. Plus {@code architecture}: a 1-D
 * unicode array of JSON documents, the first describing the export (source, data type, layouts, L), then one per
 * layer (type, activation, shapes, kernel/stride, preprocessor, and the names of its arrays).
 */
public final class WeightExport {
    public static final String ARCHITECTURE = "architecture";
    /** DL4J's parameter layouts, per layer kind (WeightLayer's Javadoc; DefaultParamInitializer, ConvolutionParamInitializer). */
    static final Map<String, String> LAYOUTS = Map.of(
            "dense_W", "[nIn, nOut]", "output_W", "[nIn, nOut]", "conv_W", "[out, in, kh, kw]",
            "dense_b", "[1, nOut]", "output_b", "[1, nOut]", "conv_b", "[1, out]");

    private WeightExport() {}

    /** The .npz array name of a layer's parameter ("W" or "b"), e.g. layer0_conv_W. */
    public static String arrayName(WeightLayer layer, String param) {
        return "layer" + layer.layerIndex() + "_" + layer.kind().key() + "_" + param;
    }

    /**
     * Restores a DL4J model zip (a checkpoint {@code epoch-NNNNNN.zip} or a run's {@code model.zip}) and writes its
     * parameters to {@code npz}. A checkpoint's JSON sidecar, when beside the zip, adds epoch and hashes to the
     * architecture header. Returns the names of the arrays written.
     */
    public static List<String> exportModel(Path modelZip, Path npz) {
        if (!Files.isRegularFile(modelZip))
            throw new org.marginmax.io.UserInputException(modelZip + ": no such file (give a run's checkpoints/epoch-NNNNNN.zip or model.zip)");
        MultiLayerNetwork net;
        try {
            net = ModelSerializer.restoreMultiLayerNetwork(modelZip.toFile(), false);
        } catch (IOException | RuntimeException e) {
            throw new org.marginmax.io.UserInputException(modelZip + ": not a DL4J MultiLayerNetwork zip (" + e.getMessage()
                    + "); give a run's checkpoints/epoch-NNNNNN.zip or model.zip");
        }
        Map<String, Object> meta = new LinkedHashMap<>();
        meta.put("source", modelZip.toAbsolutePath().normalize().toString());
        String base = modelZip.getFileName().toString().replaceFirst("\\.zip$", "");
        Path sidecar = modelZip.resolveSibling(base + ".json");
        if (Files.exists(sidecar)) {
            try {
                JsonNode s = Json.MAPPER.readTree(sidecar.toFile());
                for (String k : List.of("epoch", "config_sha256", "data_sha256", "seed", "git_commit", "model_sha256"))
                    if (s.hasNonNull(k)) meta.put(k, Json.MAPPER.treeToValue(s.get(k), Object.class));
            } catch (IOException e) {
                meta.put("sidecar_error", sidecar + ": " + e.getMessage());
            }
        }
        return write(net, npz, meta);
    }

    /** Writes {@code net}'s parameters and the architecture array to {@code npz}; returns the array names. */
    public static List<String> write(MultiLayerNetwork net, Path npz, Map<String, Object> metadata) {
        NetworkStructure structure = NetworkStructure.of(net);
        DataType dt = net.getLayerWiseConfigurations().getDataType();
        boolean f64 = dt == DataType.DOUBLE;
        List<String> names = new ArrayList<>();
        List<String> architecture = new ArrayList<>();
        ObjectNode header = Json.MAPPER.createObjectNode();
        header.put("format", "margin-max weight export 1");
        metadata.forEach((k, v) -> header.set(k, Json.MAPPER.valueToTree(v)));
        header.put("dtype", f64 ? "<f8" : "<f4");
        header.put("order", "C");
        header.put("homogeneity_order_L", structure.order());
        header.put("homogeneous", structure.homogeneous());
        header.put("total_parameters", structure.totalParams());
        ObjectNode layouts = header.putObject("layouts");
        LAYOUTS.forEach(layouts::put);
        header.put("input", "MLP: images flattened [C*H*W] in C order (channel, row, column); CNNs: NCHW");
        architecture.add(header.toString());

        Map<Integer, WeightLayer> weightLayers = new LinkedHashMap<>();
        structure.weightLayers().forEach(l -> weightLayers.put(l.layerIndex(), l));
        Map<Integer, InputPreProcessor> pre = net.getLayerWiseConfigurations().getInputPreProcessors();
        try (NpzWriter out = new NpzWriter(npz)) {
            for (int i = 0; i < net.getLayers().length; i++) {
                org.deeplearning4j.nn.conf.layers.Layer conf = net.getLayer(i).conf().getLayer();
                ObjectNode layer = Json.MAPPER.createObjectNode();
                layer.put("index", i);
                layer.put("type", dl4jTypeName(conf));
                if (pre != null && pre.get(i) != null) layer.put("preprocessor", pre.get(i).getClass().getSimpleName());
                if (conf instanceof BaseLayer b) layer.put("activation", String.valueOf(b.getActivationFn()));
                if (conf instanceof FeedForwardLayer ff) {
                    layer.put("n_in", ff.getNIn());
                    layer.put("n_out", ff.getNOut());
                }
                if (conf instanceof ConvolutionLayer c) {
                    putInts(layer.putArray("kernel"), c.getKernelSize());
                    putInts(layer.putArray("stride"), c.getStride());
                    layer.put("convolution_mode", String.valueOf(c.getConvolutionMode()));
                }
                if (conf instanceof SubsamplingLayer s) {
                    layer.put("kind", s.getPoolingType().toString().toLowerCase() + "pool");
                    putInts(layer.putArray("kernel"), s.getKernelSize());
                    putInts(layer.putArray("stride"), s.getStride());
                    layer.put("convolution_mode", String.valueOf(s.getConvolutionMode()));
                }
                WeightLayer wl = weightLayers.get(i);
                if (wl != null) {
                    layer.put("kind", wl.kind().key());
                    ObjectNode arrays = layer.putObject("arrays");
                    addArray(out, names, arrays, wl, "W", wl.weights(net), f64);
                    if (wl.hasBias()) addArray(out, names, arrays, wl, "b", wl.bias(net), f64);
                }
                architecture.add(layer.toString());
            }
            out.addStrings(ARCHITECTURE, architecture);
        }
        names.add(ARCHITECTURE);
        return names;
    }

    private static void addArray(NpzWriter out, List<String> names, ObjectNode arrays, WeightLayer wl, String param,
                                 INDArray a, boolean f64) {
        String name = arrayName(wl, param);
        long[] shape = a.shape();
        INDArray flat = Nd4j.toFlattened('c', a); // DL4J keeps dense W in 'f' order: copy out in C order
        if (f64) out.add(name, shape, flat.toDoubleVector());
        else out.add(name, shape, flat.castTo(DataType.FLOAT).toFloatVector());
        names.add(name);
        ObjectNode d = arrays.putObject(param);
        d.put("name", name);
        ArrayNode s = d.putArray("shape");
        for (long x : shape) s.add(x);
        d.put("layout", LAYOUTS.getOrDefault((wl.kind() == WeightLayerKind.CONV ? "conv" : wl.kind().key()) + "_" + param, "?"));
    }

    private static void putInts(ArrayNode a, int[] v) {
        if (v != null) for (int x : v) a.add(x);
    }

    /** The DL4J layer type a layer is or extends (InputConvolutionLayer is a ConvolutionLayer to readers of the file). */
    static String dl4jTypeName(org.deeplearning4j.nn.conf.layers.Layer conf) {
        Class<?> c = conf.getClass();
        while (!c.getName().startsWith("org.deeplearning4j.") && c.getSuperclass() != null) c = c.getSuperclass();
        return c.getSimpleName();
    }
}
