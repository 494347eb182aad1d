package org.speech2face.faceapi.fetch;

import java.util.List;
import java.util.Map;
import org.speech2face.faceapi.FaceApiModel;

/**
 * An npm package version whose tarball we trust by hash, and the files we take from it.
 *
 * @param integrity the tarball's Subresource Integrity string ({@code sha512-<base64>}), as the registry publishes
 *                  it and as npm's lock files record it; pinned here so that a registry that changed it is refused
 * @param files     paths inside the tarball (below its {@code package/} folder) to unpack, flat, into the models folder
 * @param sha256    the unpacked files' SHA-256 by file name, pinned so that a cached folder is checked against the
 *                  code rather than only against the sums the fetch recorded (empty: trust the recorded sums)
 */
public record NpmPackage(String name, String version, String integrity, List<String> files,
                         Map<String, String> sha256) {
    /** {@code @vladmandic/face-api} 1.7.15: MIT, weights from face-api.js-models (dlib's descriptor: public domain). */
    public static final NpmPackage FACE_API = new NpmPackage("@vladmandic/face-api", "1.7.15",
            "sha512-WDMmK3CfNLo8jylWqMoQgf4nIst3M0fzx1dnac96wv/dvMTN4DxC/Pq1DGtduDk1lktCamQ3MIDXFnvrdHTXDw==",
            modelFiles(), Map.of(
                    "face_recognition_model-weights_manifest.json",
                    "cbaffa501b0b9275a12b63357a6843e7e30c054e1c9151e1a5f879b26e32986b",
                    "face_recognition_model.bin", "b413e420d6840b2775fba32008db6f3cddb07d485967fb42cfcf379c16a8c589",
                    "age_gender_model-weights_manifest.json",
                    "74b60bf3ebf981bf4e661e9cca3a185614e10b25d797118b62e2a68d3ff2569f",
                    "age_gender_model.bin", "49f92bbc0afef2342c4385e4a2b0acb6d7a727c6f0aa539499719a81acf9abaa",
                    "ssd_mobilenetv1_model-weights_manifest.json",
                    "888f744dffbc84f5f060d1f8427d9742341943a2dfaaf9205d10029b7e7a2955",
                    "ssd_mobilenetv1_model.bin", "2835640602d53718aa6ae9a42896327eaa21beefed056c218d32ca7d79e1e2f8"));

    public NpmPackage {
        if (!integrity.startsWith("sha512-")) {
            throw new IllegalArgumentException("Only sha512 integrity strings are accepted; got '" + integrity + "'.");
        }
        files = List.copyOf(files);
        sha256 = Map.copyOf(sha256);
    }

    /** A package whose unpacked files are checked only against the sums its fetch recorded. */
    public NpmPackage(String name, String version, String integrity, List<String> files) {
        this(name, version, integrity, files, Map.of());
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
