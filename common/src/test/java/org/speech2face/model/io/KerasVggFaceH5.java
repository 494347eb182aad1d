package org.speech2face.model.io;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.bytedeco.hdf5.Attribute;
import org.bytedeco.hdf5.DataSet;
import org.bytedeco.hdf5.DataSpace;
import org.bytedeco.hdf5.Group;
import org.bytedeco.hdf5.H5File;
import org.bytedeco.hdf5.PredType;
import org.bytedeco.hdf5.StrType;
import org.bytedeco.hdf5.global.hdf5;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.FloatPointer;

/**
 * Writes a small keras-vggface-style VGG16 (channels-last, Keras 2 functional model, random weights) to an h5 file
 * in Keras' own layout: {@code model_config} JSON on the root, {@code model_weights/<layer>/<layer>/kernel:0} and
 * {@code bias:0} datasets, {@code layer_names} and {@code weight_names} attributes. No Keras needed; this is how the
 * Keras import path is tested on this machine.
 */
final class KerasVggFaceH5 {
    private static final int[] DEPTH = {2, 2, 3, 3, 3};

    private KerasVggFaceH5() {
    }

    static void write(Path file, int side, int[] widths, int features, int identities, long seed) {
        Random rnd = new Random(seed);
        List<String> layers = new ArrayList<>();
        Map<String, float[][]> weights = new LinkedHashMap<>();
        Map<String, long[]> kernelShapes = new LinkedHashMap<>();
        StringBuilder json = new StringBuilder("{\"class_name\": \"Model\", \"config\": {\"name\": \"vggface_vgg16\", \"layers\": [");
        json.append(layer("input_1", "InputLayer", "\"batch_input_shape\": [null, " + side + ", " + side + ", 3], \"dtype\": \"float32\", \"sparse\": false", null));
        String last = "input_1";
        int in = 3;
        for (int b = 0; b < DEPTH.length; b++) {
            for (int i = 0; i < DEPTH[b]; i++) {
                String name = "conv" + (b + 1) + "_" + (i + 1);
                json.append(',').append(layer(name, "Conv2D", "\"filters\": " + widths[b] + ", \"kernel_size\": [3, 3], "
                        + "\"strides\": [1, 1], \"padding\": \"same\", \"data_format\": \"channels_last\", \"dilation_rate\": [1, 1], "
                        + "\"activation\": \"relu\", \"use_bias\": true, " + INIT, last));
                weights.put(name, new float[][] {random(rnd, 9 * in * widths[b], Math.sqrt(2.0 / (9 * in))), random(rnd, widths[b], 0.05)});
                kernelShapes.put(name, new long[] {3, 3, in, widths[b]});
                layers.add(name);
                in = widths[b];
                last = name;
            }
            String pool = "pool" + (b + 1);
            json.append(',').append(layer(pool, "MaxPooling2D", "\"pool_size\": [2, 2], \"padding\": \"valid\", \"strides\": [2, 2], "
                    + "\"data_format\": \"channels_last\"", last));
            layers.add(pool);
            last = pool;
        }
        json.append(',').append(layer("flatten", "Flatten", "\"data_format\": \"channels_last\"", last));
        layers.add("flatten");
        last = "flatten";
        int grid = side / 32;
        int[][] dense = {{grid * grid * in, features}, {features, features}, {features, identities}};
        String[] names = {"fc6", "fc7", "fc8"};
        String[] acts = {"relu", "relu", "softmax"};
        for (int d = 0; d < 3; d++) {
            json.append(',').append(layer(names[d], "Dense", "\"units\": " + dense[d][1] + ", \"activation\": \"linear\", "
                    + "\"use_bias\": true, " + INIT, last));
            weights.put(names[d], new float[][] {random(rnd, dense[d][0] * dense[d][1], Math.sqrt(2.0 / dense[d][0])),
                    random(rnd, dense[d][1], 0.05)});
            kernelShapes.put(names[d], new long[] {dense[d][0], dense[d][1]});
            layers.add(names[d]);
            String act = names[d] + "_" + acts[d];
            json.append(',').append(layer(act, "Activation", "\"activation\": \"" + acts[d] + "\"", names[d]));
            layers.add(act);
            last = act;
        }
        json.append("], \"input_layers\": [[\"input_1\", 0, 0]], \"output_layers\": [[\"").append(last)
                .append("\", 0, 0]]}, \"keras_version\": \"2.2.4\", \"backend\": \"tensorflow\"}");

        H5File f = new H5File(file.toString(), hdf5.H5F_ACC_TRUNC());
        try {
            stringAttribute(f, "keras_version", "2.2.4");
            stringAttribute(f, "backend", "tensorflow");
            stringAttribute(f, "model_config", json.toString());
            Group mw = f.createGroup("model_weights");
            stringAttribute(mw, "keras_version", "2.2.4");
            stringAttribute(mw, "backend", "tensorflow");
            fixedStrings(mw, "layer_names", layers);
            for (String name : layers) {
                Group g = mw.createGroup(name);
                float[][] w = weights.get(name);
                if (w == null) {
                    fixedStrings(g, "weight_names", List.of());
                } else {
                    fixedStrings(g, "weight_names", List.of(name + "/kernel:0", name + "/bias:0"));
                    Group inner = g.createGroup(name);
                    dataset(inner, "kernel:0", kernelShapes.get(name), w[0]);
                    dataset(inner, "bias:0", new long[] {w[1].length}, w[1]);
                    inner._close();
                }
                g._close();
            }
            mw._close();
        } finally {
            f._close();
        }
    }

    private static final String INIT = "\"kernel_initializer\": {\"class_name\": \"VarianceScaling\", \"config\": {\"scale\": 1.0, "
            + "\"mode\": \"fan_avg\", \"distribution\": \"uniform\", \"seed\": null}}, \"bias_initializer\": {\"class_name\": "
            + "\"Zeros\", \"config\": {}}, \"kernel_regularizer\": null, \"bias_regularizer\": null, \"activity_regularizer\": null, "
            + "\"kernel_constraint\": null, \"bias_constraint\": null";

    private static String layer(String name, String cls, String config, String inbound) {
        return "{\"name\": \"" + name + "\", \"class_name\": \"" + cls + "\", \"config\": {\"name\": \"" + name
                + "\", \"trainable\": true, " + config + "}, \"inbound_nodes\": "
                + (inbound == null ? "[]" : "[[[\"" + inbound + "\", 0, 0, {}]]]") + "}";
    }

    private static float[] random(Random rnd, int n, double scale) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) (rnd.nextGaussian() * scale);
        }
        return a;
    }

    /** A scalar variable-length string attribute, as h5py writes Python str attributes. */
    private static void stringAttribute(org.bytedeco.hdf5.H5Object target, String name, String value) {
        StrType type = new StrType(PredType.C_S1(), hdf5.H5T_VARIABLE());
        DataSpace space = new DataSpace(hdf5.H5S_SCALAR);
        Attribute a = target.createAttribute(name, type, space);
        a.write(type, value);
        a._close();
    }

    /** An array of fixed-length, null-padded strings, as h5py writes lists of bytes. */
    private static void fixedStrings(org.bytedeco.hdf5.H5Object target, String name, List<String> values) {
        int width = Math.max(1, values.stream().mapToInt(String::length).max().orElse(1));
        byte[] buf = new byte[Math.max(1, values.size()) * width];
        for (int i = 0; i < values.size(); i++) {
            byte[] b = values.get(i).getBytes(StandardCharsets.US_ASCII);
            System.arraycopy(b, 0, buf, i * width, b.length);
        }
        StrType type = new StrType(PredType.C_S1(), width);
        DataSpace space = new DataSpace(1, new long[] {values.size()});
        Attribute a = target.createAttribute(name, type, space);
        if (!values.isEmpty()) {
            a.write(type, new BytePointer(buf));
        }
        a._close();
    }

    private static void dataset(Group g, String name, long[] shape, float[] data) {
        DataSpace space = new DataSpace(shape.length, shape);
        DataSet d = g.createDataSet(name, PredType.NATIVE_FLOAT(), space);
        d.write(new FloatPointer(data), PredType.NATIVE_FLOAT());
        d._close();
    }
}
