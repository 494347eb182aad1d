package org.speech2face.model.layers;

import java.util.Map;

import org.bytedeco.javacpp.Loader;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Which ND4J CPU build is running. The {@code linux-x86_64-onednn} build links oneDNN into libnd4j; oneDNN picks
 * its kernels (SSE4.1, AVX2, AVX-512) at run time, so that build also runs on older x86-64 CPUs. DL4J 1.0.0-M2.1
 * never switches its own oneDNN layer helpers on (its check looks for {@code org.nd4j.nativeblas.Nd4jCpu}, a class
 * that moved), so {@link FastConvolution} and {@link FastSubsampling} attach them when this says oneDNN is there.
 */
public final class NativeBackend {
    /** JavaCPP property selecting the native build variant, e.g. {@code -onednn}. */
    public static final String EXTENSION_PROPERTY = "org.bytedeco.javacpp.platform.extension";
    private static final String ONEDNN_LIB = "org/nd4j/linalg/cpu/nativecpu/bindings/linux-x86_64-onednn/libnd4jcpu.so";
    private static volatile Boolean oneDnn;

    static {
        preferOneDnn();
    }

    private NativeBackend() {
    }

    /**
     * Sets {@link #EXTENSION_PROPERTY} to {@code -onednn} when it is unset and the oneDNN natives are on the class
     * path. JavaCPP falls back to the plain build when the variant is missing, so the setting is always safe, but it
     * only takes effect if no JavaCPP library was loaded yet: JVM options ({@code -D...}) remain the reliable way.
     */
    public static void preferOneDnn() {
        if (System.getProperty(EXTENSION_PROPERTY) == null
                && NativeBackend.class.getClassLoader().getResource(ONEDNN_LIB) != null) {
            System.setProperty(EXTENSION_PROPERTY, "-onednn");
        }
    }

    /** True when the loaded libnd4j is a oneDNN build. */
    public static boolean hasOneDnn() {
        Boolean v = oneDnn;
        if (v == null) {
            Nd4j.getExecutioner(); // make sure the backend is loaded
            boolean found = false;
            for (Map.Entry<String, String> e : Loader.getLoadedLibraries().entrySet()) {
                if (e.getKey().contains("nd4jcpu") && String.valueOf(e.getValue()).contains("-onednn")) {
                    found = true;
                }
            }
            oneDnn = v = found && !Boolean.getBoolean("s2f.onednn.disable");
        }
        return v;
    }

    /** One line for reports: backend, native variant, threads. */
    public static String describe() {
        String backend = Nd4j.getExecutioner().getEnvironmentInformation().getProperty("backend");
        if (!"CPU".equalsIgnoreCase(backend)) {
            return "ND4J " + backend + ", DL4J's own layer helpers (cuDNN where the build has it) and libnd4j's "
                    + "generic ops for the rest, OpenMP threads " + Nd4j.getEnvironment().maxThreads();
        }
        boolean withOneDnn = hasOneDnn();
        String libs = Loader.getLoadedLibraries().entrySet().stream()
                .filter(e -> e.getKey().contains("nd4jcpu")).map(e -> String.valueOf(e.getValue())).findFirst().orElse("?");
        return "ND4J " + backend + ", libnd4j "
                + (withOneDnn ? "with oneDNN" : "without oneDNN (OpenBLAS + im2col)") + " from " + libs
                + ", OpenMP threads " + Nd4j.getEnvironment().maxThreads();
    }
}
