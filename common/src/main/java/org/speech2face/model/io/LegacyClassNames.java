package org.speech2face.model.io;

import org.deeplearning4j.nn.conf.serde.JsonMappers;
import org.nd4j.shade.jackson.databind.DeserializationContext;
import org.nd4j.shade.jackson.databind.JavaType;
import org.nd4j.shade.jackson.databind.deser.DeserializationProblemHandler;
import org.nd4j.shade.jackson.databind.jsontype.TypeIdResolver;
import org.speech2face.model.layers.ChannelLayout;
import org.speech2face.model.layers.CopyingRelu;
import org.speech2face.model.layers.FastBatchNormalization;
import org.speech2face.model.layers.FastConvolution;
import org.speech2face.model.layers.FastSubsampling;
import org.speech2face.model.layers.SpectrogramMagnitude;
import org.speech2face.model.layers.VggFacePreprocess;
import org.speech2face.model.loss.CosineDistanceLoss;
import org.speech2face.model.loss.FaceImageLoss;
import org.speech2face.model.loss.TriItemLoss;
import org.speech2face.model.networks.Cbam;

import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * DL4J writes each custom layer's class name into a saved model's JSON, so checkpoints saved before the model package
 * was split into sub-packages (before 2026-12-03) name classes that no longer exist, e.g.
 * {@code org.speech2face.model.FastConvolution}. This maps those names to today's classes when DL4J's JSON mapper
 * meets one it cannot resolve, so users' saved models keep loading; the golden model fixture checks it.
 */
public final class LegacyClassNames {
    private static final String OLD_PACKAGE = "org.speech2face.model.";

    /** Every class an older checkpoint can name, by its old fully qualified name. */
    static final Map<String, Class<?>> MOVED = List.<Class<?>>of(Cbam.class, ChannelLayout.class, CopyingRelu.class,
                    CosineDistanceLoss.class, FaceImageLoss.class, FastBatchNormalization.class, FastConvolution.class,
                    FastSubsampling.class, SpectrogramMagnitude.class, TriItemLoss.class, VggFacePreprocess.class)
            .stream().collect(Collectors.toUnmodifiableMap(c -> OLD_PACKAGE + c.getSimpleName(), Function.identity()));

    private static final Pattern SUB_PACKAGE = Pattern.compile("\\borg\\.speech2face\\.model\\.(?:[a-z]+\\.)+([A-Z]\\w*)\\b");

    private static boolean installed;

    private LegacyClassNames() {
    }

    /** Teaches DL4J's JSON mapper the old names; idempotent, and cheap after the first call. */
    public static synchronized void install() {
        if (!installed) {
            JsonMappers.getMapper().addHandler(new Handler());
            installed = true;
        }
    }

    /** {@code json} with every class of the model's sub-packages named by its old, flat name. */
    static String canonical(String json) {
        return SUB_PACKAGE.matcher(json).replaceAll(m -> MOVED.containsKey(OLD_PACKAGE + m.group(1))
                ? OLD_PACKAGE + m.group(1) : m.group());
    }

    private static final class Handler extends DeserializationProblemHandler {
        @Override
        public JavaType handleUnknownTypeId(DeserializationContext ctxt, JavaType baseType, String subTypeId,
                                            TypeIdResolver idResolver, String failureMsg) {
            Class<?> moved = MOVED.get(subTypeId);
            return moved == null ? null : ctxt.constructType(moved);
        }
    }
}
