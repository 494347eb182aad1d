package org.speech2face.faceapi;

import java.nio.file.Path;

/** The face-api networks this project uses, by the base name of their files in the package's {@code model/}. */
public enum FaceApiModel {
    FACE_RECOGNITION("face_recognition_model"),
    AGE_GENDER("age_gender_model"),
    SSD_MOBILENET_V1("ssd_mobilenetv1_model");

    private final String baseName;

    FaceApiModel(String baseName) {
        this.baseName = baseName;
    }

    public String baseName() {
        return baseName;
    }

    public String manifestName() {
        return baseName + "-weights_manifest.json";
    }

    public String shardName() {
        return baseName + ".bin";
    }

    public Path manifest(Path modelsDir) {
        return modelsDir.resolve(manifestName());
    }
}
