package org.speech2face.faceapi.fetch;

import java.util.List;
import org.speech2face.faceapi.FaceApiModel;

/**
 * An npm package version whose tarball we trust by hash, and the files we take from it.
 *
 * @param integrity the tarball's Subresource Integrity string ({@code sha512-<base64>}), as the registry publishes
 *                  it and as npm's lock files record it; pinned here so that a registry that changed it is refused
 * @param files     paths inside the tarball (below its {@code package/} folder) to unpack, flat, into the models folder
 */
public record NpmPackage(String name, String version, String integrity, List<String> files) {
    /** {@code @vladmandic/face-api} 1.7.15: MIT, weights from face-api.js-models (dlib's descriptor: public domain). */
    public static final NpmPackage FACE_API = new NpmPackage("@vladmandic/face-api", "1.7.15",
            "sha512-WDMmK3CfNLo8jylWqMoQgf4nIst3M0fzx1dnac96wv/dvMTN4DxC/Pq1DGtduDk1lktCamQ3MIDXFnvrdHTXDw==",
            modelFiles());

    public NpmPackage {
        if (!integrity.startsWith("sha512-")) {
            throw new IllegalArgumentException("Only sha512 integrity strings are accepted; got '" + integrity + "'.");
        }
        files = List.copyOf(files);
    }

    private static List<String> modelFiles() {
        return java.util.Arrays.stream(FaceApiModel.values())
                .flatMap(m -> java.util.stream.Stream.of("model/" + m.manifestName(), "model/" + m.shardName()))
                .toList();
    }

    /** The file name a path of {@link #files} gets in the models folder. */
    static String flatName(String path) {
        return path.substring(path.lastIndexOf('/') + 1);
    }
}
