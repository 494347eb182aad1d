package org.speech2face.jobs.evaluate;

import java.util.List;
import java.util.Locale;

import org.speech2face.contracts.VoiceGender;
import org.speech2face.faceapi.nets.AgeGenderNet;
import org.speech2face.jobs.models.FaceApiFiles;

/**
 * Tables 5 and 6's recogniser by default ({@code evaluate.recogniser.kind = face-api}): face-api's pretrained age and
 * gender network on the face's own pixels, the open counterpart of the Face++ API the paper used. It learns nothing
 * from this project's data, so it judges generated faces by what real faces look like, whatever the feature network.
 * A face is padded to a square and resized to 112x112 as face-api does; gender is the softmax's more probable
 * class, the age group comes from the predicted age in years (young under 35, mid-age 35 to 65, elder over 65).
 * The network is loaded once per executor JVM from the files the driver shipped.
 */
final class FaceApiRecogniser implements FaceAttributeRecogniser {
    private static final long serialVersionUID = 1L;

    private final String attribute;
    private final FaceApiFiles files;

    private FaceApiRecogniser(String attribute, FaceApiFiles files) {
        this.attribute = attribute;
        this.files = files;
    }

    static FaceApiRecogniser gender(FaceApiFiles files) {
        return new FaceApiRecogniser("gender", files);
    }

    static FaceApiRecogniser age(FaceApiFiles files) {
        return new FaceApiRecogniser("age", files);
    }

    @Override
    public String attribute() {
        return attribute;
    }

    @Override
    public List<String> groups() {
        return attribute.equals("gender") ? List.of(VoiceGender.MALE, VoiceGender.FEMALE) : AgeLabels.GROUPS;
    }

    @Override
    public String description() {
        return String.format(Locale.ROOT, "%s: face-api's pretrained age and gender network (@vladmandic/face-api"
                + " 1.7.15, face-api.js weights) on each face's pixels, resized to 112x112; %s", attribute,
                attribute.equals("gender") ? "the more probable of male and female"
                        : "the group of the predicted age in years");
    }

    @Override
    public String recognise(Face face) {
        AgeGenderNet net = files.ageGender();
        AgeGenderNet.AgeGender ag;
        synchronized (net) {
            ag = net.predict(List.of(face.image())).get(0);
        }
        if (attribute.equals("gender")) {
            return ag.male() ? VoiceGender.MALE : VoiceGender.FEMALE;
        }
        String group = AgeLabels.ofYears(ag.age());
        return group != null ? group : ag.age() < 0 ? AgeLabels.YOUNG : AgeLabels.ELDER;
    }
}
