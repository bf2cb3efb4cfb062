package org.marginmax.model;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.conf.preprocessor.CnnToFeedForwardPreProcessor;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.marginmax.backend.OneDnn;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Map;

/**
 * A copy of a convolutional network with its convolution and pooling layers in NHWC, for inference only (the listener's
 * statistics pass). With the oneDNN helpers, NHWC activations need no layout conversion around each convolution
 * (oneDNN's CPU kernels compute in channels-last), while NCHW costs a reorder of the input, the output and the
 * output buffer per convolution: measured on the paper's MNIST CNN, inference over 8,000 digits took 1.16 s in NHWC
 * and 1.43 s in NCHW. Training stays NCHW, where DL4J M2.1's NHWC backprop is slower (see README, "Speed on a CPU").
 *
 * <p>Parameters are copied from the source network before each use ({@link #syncFrom}): convolution weights keep their
 * [out, in, kH, kW] layout in both formats; the rows of the first dense layer after the flattening are permuted,
 * because NCHW flattens (c, h, w) and NHWC (h, w, c).
 */
public final class NhwcInferenceTwin {
    private final MultiLayerNetwork twin;
    private final int flattenLayer;      // index of the layer fed by the CNN-to-dense flattening, or -1
    private final long channels, height, width;

    private NhwcInferenceTwin(MultiLayerNetwork twin, int flattenLayer, long channels, long height, long width) {
        this.twin = twin;
        this.flattenLayer = flattenLayer;
        this.channels = channels;
        this.height = height;
        this.width = width;
    }

    /**
     * The twin of {@code net}, or null when it would not help or is not known to be exact: not a float32 network with
     * NCHW convolutions whose oneDNN helpers are attached (CUDA, float64 and stock DL4J use other convolution code), or
     * a network with layers other than 2D convolution, pooling, dense and output layers.
     */
    public static NhwcInferenceTwin of(MultiLayerNetwork net) {
        MultiLayerConfiguration conf = net.getLayerWiseConfigurations();
        if (net.params().dataType() != DataType.FLOAT || !OneDnn.enabled()
                || !Boolean.TRUE.equals(OneDnn.attachedHelpers(net).get("conv"))) return null;
        MultiLayerConfiguration nhwc = conf.clone();
        boolean convolutional = false;
        for (int i = 0; i < nhwc.getConfs().size(); i++) {
            var layer = nhwc.getConf(i).getLayer();
            if (!ModelFactory.isBuiltKind(layer))
                return null; // other layers (batch norm, padding, global pooling, 1D convolutions...) not converted
            if (layer instanceof ConvolutionLayer c) {
                if (c.getCnn2dDataFormat() != CNN2DFormat.NCHW) return null;
                c.setCnn2dDataFormat(CNN2DFormat.NHWC);
                convolutional = true;
            } else if (layer instanceof SubsamplingLayer s) {
                if (s.getCnn2dDataFormat() != CNN2DFormat.NCHW) return null;
                s.setCnn2dDataFormat(CNN2DFormat.NHWC);
            }
        }
        if (!convolutional || nhwc.getInputPreProcess(0) != null) return null;
        int flatten = -1;
        long c = 0, h = 0, w = 0;
        for (Map.Entry<Integer, InputPreProcessor> e : nhwc.getInputPreProcessors().entrySet()) {
            if (!(e.getValue() instanceof CnnToFeedForwardPreProcessor p) || p.getFormat() != CNN2DFormat.NCHW || flatten >= 0)
                return null;
            flatten = e.getKey();
            c = p.getNumChannels();
            h = p.getInputHeight();
            w = p.getInputWidth();
            e.setValue(new CnnToFeedForwardPreProcessor(h, w, c, CNN2DFormat.NHWC));
        }
        MultiLayerNetwork twin = new MultiLayerNetwork(nhwc);
        twin.init();
        NhwcInferenceTwin t = new NhwcInferenceTwin(twin, flatten, c, h, w);
        t.syncFrom(net);
        return t;
    }

    /** Copies the parameters of {@code net} (the network this twin was made from). */
    public void syncFrom(MultiLayerNetwork net) {
        Layer[] from = net.getLayers(), to = twin.getLayers();
        for (int i = 0; i < from.length; i++) {
            for (Map.Entry<String, INDArray> p : from[i].paramTable().entrySet()) {
                INDArray src = p.getValue(), dst = to[i].getParam(p.getKey());
                if (i == flattenLayer && WeightLayer.WEIGHT_KEY.equals(p.getKey())) {
                    long out = src.size(1); // rows (c, h, w) -> (h, w, c)
                    dst.assign(src.reshape('c', channels, height, width, out).permute(1, 2, 0, 3)
                            .reshape('c', height * width * channels, out));
                } else {
                    dst.assign(src);
                }
            }
        }
    }

    /** Logits for a chunk of NCHW examples. */
    public INDArray output(INDArray nchw) {
        return twin.output(nchw.permute(0, 2, 3, 1).dup('c'), false);
    }

    public MultiLayerNetwork network() { return twin; }
}
