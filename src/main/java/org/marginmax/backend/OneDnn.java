package org.marginmax.backend;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer.PoolingType;
import org.deeplearning4j.nn.layers.LayerHelper;
import org.deeplearning4j.nn.layers.convolution.ConvolutionLayer;
import org.deeplearning4j.nn.layers.convolution.subsampling.SubsamplingLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Puts DL4J's convolution and pooling layers on libnd4j's oneDNN kernels, which DL4J 1.0.0-M2.1 leaves unused.
 *
 * <p><b>Why this exists.</b> {@code ConvolutionLayer} and {@code SubsamplingLayer} reach oneDNN only through DL4J's
 * layer "helpers" {@code MKLDNNConvHelper} and {@code MKLDNNSubsamplingHelper}; without them a convolution runs as
 * im2col + BLAS GEMM, about 3.3x slower for the paper's MNIST CNN. M2.1 never attaches them, for two reasons:
 * <ol>
 *   <li>{@code HelperUtils.createHelper} returns null while the system property
 *       {@code org.eclipse.deeplearning4j.helpers.disable} is {@code true}, its default;</li>
 *   <li>each helper's {@code checkSupported()} calls {@code BaseMKLDNNHelper.mklDnnEnabled()}, which reflects on
 *       {@code org.nd4j.nativeblas.Nd4jCpu$Environment#isUseMKLDNN()}. M2.1 moved that class to
 *       {@code org.nd4j.linalg.cpu.nativecpu.bindings.Nd4jCpu$Environment} and renamed the method
 *       {@code isUseONEDNN()}: the lookup fails, the failure is remembered, and every helper is dropped.</li>
 * </ol>
 * The fix: a shim at the old name ({@code org.nd4j.nativeblas.Nd4jCpu}, in this project's sources) answering with
 * the native {@code isUseONEDNN()} flag, and {@link #enable()} setting the property to {@code false} before any
 * network exists (it is read as each layer is constructed: {@code MultiLayerNetwork.init()}, model restore, clone).
 * It applies to the CPU backend with a oneDNN build only (classifier {@code linux-x86_64-onednn*}, build info
 * {@code HAVE_ONEDNN}); on CUDA nothing is changed, because there the property would make DL4J look for the cuDNN
 * helper classes of {@code deeplearning4j-cuda}, which is not published for M2.1. CPU-only classes are reached by
 * reflection, so the CUDA build compiles; so are DL4J's M2.1 helper classes (BaseMKLDNNHelper, MKLDNNConvHelper,
 * MKLDNNSubsamplingHelper), which later DL4J releases may not have. On any release but M2.1 nothing is switched on
 * ({@link Dl4jVersion}).
 *
 * <p>Scope on CPU: the conv helper runs the forward pass ({@code conv2d}) and backprop ({@code conv2d_bp}); the pooling
 * helper runs backprop only ({@code SubsamplingLayer.activate} calls the {@code maxpool2d} op directly, which libnd4j
 * already routes to oneDNN). Both compute in float32 only; float64 networks fall back to the built-in path. The same
 * property also gives {@code BatchNormalization} its oneDNN helper; LSTM, dropout and LRN have none on CPU.
 * {@code OneDnnTest} fails if a dependency upgrade stops the helpers attaching.
 */
public final class OneDnn {
    /** DL4J's switch for all layer helpers; its default value {@code true} turns them off. */
    public static final String HELPERS_DISABLE_PROPERTY = "org.eclipse.deeplearning4j.helpers.disable"; // DL4JSystemProperties.DISABLE_HELPER_PROPERTY in M2.1
    static final String CONV_HELPER = "MKLDNNConvHelper", POOLING_HELPER = "MKLDNNSubsamplingHelper";
    private static final String MKLDNN_BASE_HELPER = "org.deeplearning4j.nn.layers.mkldnn.BaseMKLDNNHelper";

    private static final Logger log = LoggerFactory.getLogger(OneDnn.class);
    private static final String CPU_ENVIRONMENT = "org.nd4j.linalg.cpu.nativecpu.bindings.Nd4jCpu$Environment";
    private static volatile boolean enabled;

    private OneDnn() {}

    /** Whether the oneDNN helpers can work here, and why (or why not). */
    public record Availability(boolean available, String reason) {}

    /**
     * The helper attached to one layer of a network.
     *
     * @param index     layer index in the network
     * @param layer     layer implementation's simple class name, e.g. {@code ConvolutionLayer}
     * @param kind      {@code conv} (ConvolutionLayer), {@code pooling} (SubsamplingLayer) or {@code other}
     * @param helper    simple class name of the attached helper, or null
     * @param fallbacks how often the helper failed and the layer fell back to the built-in path (-1: not known)
     */
    public record HelperStatus(int index, String layer, String kind, String helper, int fallbacks) {
        /** True if this layer has its oneDNN helper and has not fallen back from it. */
        public boolean oneDnn() {
            return fallbacks == 0 && ("conv".equals(kind) && CONV_HELPER.equals(helper)
                    || "pooling".equals(kind) && POOLING_HELPER.equals(helper));
        }
    }

    /** Checks backend, native build and libnd4j switches, changing nothing. */
    public static Availability check() {
        String backend = Nd4j.getExecutioner().getEnvironmentInformation().getProperty("backend");
        if (!"CPU".equalsIgnoreCase(backend))
            return new Availability(false, "backend " + backend + ": DL4J's oneDNN helpers are CPU-only"
                    + " (M2.1 on CUDA: convolutions run as im2col + cuBLAS GEMM)");
        if (!Nd4j.getBackend().buildInfo().contains("HAVE_ONEDNN"))
            return new Availability(false, "the native CPU build has no oneDNN (no HAVE_ONEDNN in its build info);"
                    + " use nd4j-native classifier linux-x86_64-onednn or linux-x86_64-onednn-avx2");
        if (!nativeUseOneDnn())
            return new Availability(false, "libnd4j has oneDNN switched off (environment ND4J_MKL_FALLBACK=true?)");
        if (!Nd4j.getEnvironment().helpersAllowed())
            return new Availability(false, "libnd4j platform helpers are disallowed (Nd4j.getEnvironment().allowHelpers(false))");
        return new Availability(true, "libnd4j built with oneDNN");
    }

    /** True if {@link #enable()} can succeed: CPU backend, oneDNN build, oneDNN and helpers allowed in libnd4j. */
    public static boolean available() {
        return check().available();
    }

    /** True once {@link #enable()} has succeeded in this JVM. */
    public static boolean enabled() {
        return enabled;
    }

    /**
     * Makes every ConvolutionLayer and SubsamplingLayer built from now on get its oneDNN helper. Call once at
     * start-up, before any network is built or restored; later calls return the first answer. Does nothing (one DEBUG
     * line) on CUDA, without a oneDNN build, or if {@code -Dorg.eclipse.deeplearning4j.helpers.disable=true} was given.
     *
     * @return true if the helpers will be attached
     */
    public static synchronized boolean enable() {
        if (enabled) return true;
        if ("true".equalsIgnoreCase(System.getProperty(HELPERS_DISABLE_PROPERTY))) {
            log.debug("oneDNN layer helpers off: -D{}=true was given", HELPERS_DISABLE_PROPERTY);
            return false;
        }
        Dl4jVersion.Status version = Dl4jVersion.check();
        if (!version.tested()) {
            log.warn("DL4J shortcuts: {}", version.summary());
            return false;
        }
        Availability a = check();
        if (!a.available()) {
            log.debug("oneDNN layer helpers off: {}", a.reason());
            return false;
        }
        System.setProperty(HELPERS_DISABLE_PROPERTY, "false");
        if (!mklDnnEnabled()) {
            System.clearProperty(HELPERS_DISABLE_PROPERTY);
            log.warn("oneDNN layer helpers off: DL4J's BaseMKLDNNHelper.mklDnnEnabled() is false even with the"
                    + " org.nd4j.nativeblas.Nd4jCpu shim (has DL4J's lookup changed?)");
            return false;
        }
        enabled = true;
        log.debug("oneDNN layer helpers on: convolution and pooling layers use libnd4j's oneDNN kernels (float32)");
        return true;
    }

    /**
     * libnd4j's own oneDNN switch ({@code Nd4jCpu.Environment.getInstance().isUseONEDNN()} of the CPU bindings,
     * reached by reflection); false if those bindings are absent (CUDA). Used by the {@code org.nd4j.nativeblas.Nd4jCpu}
     * shim.
     */
    public static boolean nativeUseOneDnn() {
        try {
            Class<?> env = Class.forName(CPU_ENVIRONMENT);
            Object instance = env.getMethod("getInstance").invoke(null);
            return (Boolean) env.getMethod("isUseONEDNN").invoke(instance);
        } catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
            return false;
        }
    }

    /** DL4J M2.1's own check, {@code BaseMKLDNNHelper.mklDnnEnabled()}, by reflection; false if it is missing. */
    private static boolean mklDnnEnabled() {
        try {
            return (Boolean) Class.forName(MKLDNN_BASE_HELPER).getMethod("mklDnnEnabled").invoke(null);
        } catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
            return false;
        }
    }

    /** The helper of every layer of {@code net} (which must be initialised), in layer order. */
    public static List<HelperStatus> helpers(MultiLayerNetwork net) {
        Layer[] layers = net.getLayers();
        if (layers == null) throw new IllegalStateException("network not initialised: call net.init() first");
        List<HelperStatus> out = new ArrayList<>();
        for (int i = 0; i < layers.length; i++) {
            Layer l = layers[i];
            LayerHelper h = l.getHelper();
            out.add(new HelperStatus(i, layerName(l.getClass()), kind(l),
                    h == null ? null : h.getClass().getSimpleName(), fallbacks(l)));
        }
        return out;
    }

    /**
     * Per layer kind present in {@code net} ({@code conv}, {@code pooling}): true if every layer of that kind has its
     * oneDNN helper attached and has not fallen back from it.
     */
    public static Map<String, Boolean> attachedHelpers(MultiLayerNetwork net) {
        Map<String, Boolean> byKind = new LinkedHashMap<>();
        for (HelperStatus s : helpers(net))
            if (!"other".equals(s.kind())) byKind.merge(s.kind(), s.oneDnn(), Boolean::logicalAnd);
        return byKind;
    }

    /**
     * Builds a tiny float32 network (conv 3x3 SAME, max-pool 2x2, dense output) as the application would, runs one
     * forward and backward pass on random data, and reports its conv and pooling layers' helpers.
     */
    public static List<HelperStatus> probe() {
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder()
                .seed(1).dataType(DataType.FLOAT).list()
                .layer(new org.deeplearning4j.nn.conf.layers.ConvolutionLayer.Builder(3, 3).nOut(2)
                        .convolutionMode(ConvolutionMode.Same).activation(Activation.RELU).build())
                .layer(new org.deeplearning4j.nn.conf.layers.SubsamplingLayer.Builder(PoolingType.MAX)
                        .kernelSize(2, 2).stride(2, 2).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MSE).nOut(2)
                        .activation(Activation.IDENTITY).build())
                .setInputType(InputType.convolutional(8, 8, 1))
                .build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        net.calculateGradients(Nd4j.rand(DataType.FLOAT, 2, 1, 8, 8), Nd4j.rand(DataType.FLOAT, 2, 2), null, null);
        return helpers(net).stream().filter(s -> !"other".equals(s.kind())).toList();
    }

    /** Simple class name; for a nested implementation class (e.g. {@code InputConvolutionLayer.Impl}) the outer one. */
    private static String layerName(Class<?> c) {
        return c.getEnclosingClass() != null ? c.getEnclosingClass().getSimpleName() : c.getSimpleName();
    }

    private static String kind(Layer l) {
        if (l instanceof ConvolutionLayer) return "conv";
        if (l instanceof SubsamplingLayer) return "pooling";
        return "other";
    }

    /** DL4J counts helper failures in a protected field {@code helperCountFail}; -1 if there is none. */
    private static int fallbacks(Layer l) {
        for (Class<?> c = l.getClass(); c != null; c = c.getSuperclass()) {
            try {
                Field f = c.getDeclaredField("helperCountFail");
                f.setAccessible(true);
                return f.getInt(l);
            } catch (NoSuchFieldException e) {
                // look in the superclass
            } catch (ReflectiveOperationException | RuntimeException e) {
                return -1;
            }
        }
        return l.getHelper() == null ? 0 : -1;
    }
}
