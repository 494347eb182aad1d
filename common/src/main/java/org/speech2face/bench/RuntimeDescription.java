package org.speech2face.bench;

import java.util.Locale;

import org.nd4j.linalg.factory.Nd4j;
import org.speech2face.model.layers.NativeBackend;

/**
 * What a side of a benchmark ran on: library and version, compute threads, which BLAS (and how many threads it
 * used) and whether oneDNN was in use. The PyTorch reference reports the same fields, read from the BLAS library the
 * dynamic linker actually resolved; a figure measured against the reference BLAS is not a comparison.
 *
 * @param library     "ND4J CPU 1.0.0-M2.1" or "PyTorch 1.13.1"
 * @param threads     compute threads (OpenMP)
 * @param blas        openblas, mkl, cublas, blis, reference or unknown
 * @param blasLibrary where that BLAS came from
 * @param blasThreads threads the BLAS itself uses, or -1 when it does not say
 * @param onednn      whether convolutions can run on oneDNN
 */
public record RuntimeDescription(String library, int threads, String blas, String blasLibrary, int blasThreads,
                                 boolean onednn) {

    /** Debian's netlib BLAS: correct but about 4 GFLOP/s, so nothing measured on it is a reference. */
    public boolean referenceBlas() {
        return "reference".equals(blas);
    }

    /** This process's ND4J. */
    public static RuntimeDescription dl4j() {
        var blasWrapper = Nd4j.factory().blas();
        String backend = Nd4j.getExecutioner().getEnvironmentInformation().getProperty("backend", "?");
        return new RuntimeDescription("ND4J " + backend + " " + nd4jVersion(),
                Nd4j.getEnvironment().maxThreads(), blasWrapper.getBlasVendor().name().toLowerCase(Locale.ROOT),
                "bundled with ND4J's native library" + machineBlasSettings(), blasWrapper.getMaxThreads(),
                NativeBackend.hasOneDnn());
    }

    /**
     * The OpenBLAS core settings this process inherited, which some machines set because ND4J's OpenBLAS 0.3.19 takes
     * CPUs newer than itself for old ones (an AMD Zen 5 for Barcelona, SSE3 kernels). This side keeps them; the
     * PyTorch reference's newer OpenBLAS leaves them out when its own choice computes right (see its script).
     */
    private static String machineBlasSettings() {
        StringBuilder b = new StringBuilder();
        for (String name : new String[] {"OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE"}) {
            String value = System.getenv(name);
            if (value != null) {
                b.append(", ").append(name).append('=').append(value);
            }
        }
        return b.toString();
    }

    /** ND4J's version from its jar's Maven metadata, or "?". */
    private static String nd4jVersion() {
        try (var in = Nd4j.class.getResourceAsStream("/META-INF/maven/org.nd4j/nd4j-api/pom.properties")) {
            java.util.Properties p = new java.util.Properties();
            if (in != null) {
                p.load(in);
            }
            return p.getProperty("version", "?");
        } catch (java.io.IOException e) {
            return "?";
        }
    }

    /** One line: "PyTorch 1.13.1, 2 threads, BLAS openblas (/usr/lib/.../libblas.so.3, 2 threads), oneDNN". */
    public String toText() {
        return String.format(Locale.ROOT, "%s, %d threads, BLAS %s (%s%s), %s", library, threads, blas, blasLibrary,
                blasThreads > 0 ? ", " + blasThreads + " threads" : "", onednn ? "oneDNN" : "no oneDNN");
    }
}
