package org.marginmax.model;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.ParamInitializer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.LayerValidation;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Collection;

/** What every DL4J layer configuration's {@code instantiate} does with a new layer implementation, as DL4J's own do. */
final class LayerWiring {
    private LayerWiring() {}

    static Layer wire(Layer layer, String type, org.deeplearning4j.nn.conf.layers.FeedForwardLayer conf,
                      NeuralNetConfiguration netConf, Collection<TrainingListener> listeners, int index,
                      INDArray paramsView, boolean initializeParams, ParamInitializer initializer) {
        LayerValidation.assertNInNOutSet(type, conf.getLayerName(), index, conf.getNIn(), conf.getNOut());
        layer.setListeners(listeners);
        layer.setIndex(index);
        layer.setParamsViewArray(paramsView);
        layer.setParamTable(initializer.init(netConf, paramsView, initializeParams));
        layer.setConf(netConf);
        return layer;
    }

    /**
     * {@code built} as an instance of the subclass {@code type}, copied through DL4J's own configuration JSON so no
     * setting is lost (the copy's saved configuration names {@code type}).
     */
    static <T extends org.deeplearning4j.nn.conf.layers.Layer> T copyAs(org.deeplearning4j.nn.conf.layers.Layer built,
                                                                          Class<T> type) {
        org.nd4j.shade.jackson.databind.ObjectMapper mapper = NeuralNetConfiguration.mapper();
        org.nd4j.shade.jackson.databind.node.ObjectNode tree = mapper.valueToTree(built);
        tree.put("@class", type.getName());
        try {
            return type.cast(mapper.treeToValue(tree, org.deeplearning4j.nn.conf.layers.Layer.class));
        } catch (org.nd4j.shade.jackson.core.JsonProcessingException e) {
            throw new java.io.UncheckedIOException("cannot copy the " + built.getClass().getSimpleName()
                    + " configuration as " + type.getSimpleName(), e);
        }
    }
}
