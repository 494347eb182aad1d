package org.speech2face.jobs.models;

import org.speech2face.jobs.StageRefusal;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.apache.spark.SparkFiles;
import org.speech2face.faceapi.FaceApiModel;
import org.speech2face.faceapi.SsdMobilenetFaceDetector;
import org.speech2face.faceapi.fetch.ModelFetchException;
import org.speech2face.faceapi.fetch.ModelFetcher;
import org.speech2face.faceapi.fetch.ModelsDirectory;
import org.speech2face.faceapi.fetch.NpmPackage;
import org.speech2face.faceapi.nets.AgeGenderNet;
import org.speech2face.faceapi.nets.FaceDescriptorNet;
import org.speech2face.jobs.JobContext;

/**
 * face-api's pretrained networks for the executors. The driver checks the files in {@code models.dir} against their
 * pinned SHA-256 sums (the s2f command fetched them before Spark started) and ships them with the job
 * ({@code SparkContext.addFile}), so no executor needs the registry or a shared folder; each executor JVM checks its
 * copies against the same sums and loads each network once ({@link ExecutorModels}, keyed by the weights' sum). In
 * local mode the driver's folder itself is read.
 *
 * @param driverDir the driver's models folder
 */
public record FaceApiFiles(String driverDir) implements Serializable {
    private static final NpmPackage PACKAGE = NpmPackage.FACE_API;
    /** The files each Spark application of this JVM was given. */
    private static final java.util.Set<String> SHIPPED = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /**
     * Checks {@code models.dir} and ships its files with the job.
     *
     * @param user what needs them, for the message, e.g. "ingest-faces (ingest.faces.detector = ssd-mobilenet)"
     * @throws IllegalStateException one sentence naming the folder and what to run when the files are missing
     */
    public static FaceApiFiles ship(JobContext ctx, String user) {
        Path dir;
        List<Path> files;
        try {
            dir = ModelsDirectory.fromConfig(ctx.config().modelsDir());
            files = ModelFetcher.faceApi(System.getenv()).require(dir);
        } catch (ModelFetchException e) {
            throw new StageRefusal(user + " uses face-api's pretrained networks: " + e.getMessage(), e);
        }
        List<Path> all = new java.util.ArrayList<>(files);
        all.add(ModelFetcher.faceApi(System.getenv()).marker(dir));
        org.apache.spark.SparkContext sc = ctx.spark().sparkContext();
        for (Path f : all) {
            String uri = f.toUri().toString();
            if (SHIPPED.add(sc.applicationId() + " " + uri)) { // Spark warns when a path is added twice
                sc.addFile(uri);
            }
        }
        return new FaceApiFiles(dir.toString());
    }

    /**
     * The first 16 hex digits of the descriptor weights' SHA-256 (pinned in the code and checked on every load): the
     * weights' part of the dlib feature id, {@code dlib-resnet128:<these>/<profile>}.
     */
    public static String descriptorWeightsId() {
        return PACKAGE.sha256().get(FaceApiModel.FACE_RECOGNITION.shardName()).substring(0, 16);
    }

    /** The verified folder of model files in this JVM: the driver's when it is here, else Spark's fetched copies. */
    public Path local() {
        Path driver = Path.of(driverDir);
        ModelFetcher fetcher = ModelFetcher.faceApi(System.getenv());
        if (Files.isDirectory(driver)) {
            try {
                fetcher.require(driver);
                return driver;
            } catch (ModelFetchException e) {
                // not this machine's folder (or altered): use the copies Spark fetched for the job
            }
        }
        Path shipped = Path.of(SparkFiles.getRootDirectory()).toAbsolutePath();
        try {
            fetcher.require(shipped);
        } catch (ModelFetchException e) {
            throw new StageRefusal("The face-api model files shipped with the job are missing or altered on"
                    + " this executor (" + shipped + "): " + e.getMessage(), e);
        }
        return shipped;
    }

    /** dlib's face descriptor, loaded once per JVM. */
    public FaceDescriptorNet descriptor() {
        return ExecutorModels.get("faceapi-descriptor", sum(FaceApiModel.FACE_RECOGNITION),
                () -> load(() -> FaceDescriptorNet.load(local())));
    }

    /** The age and gender network, loaded once per JVM. */
    public AgeGenderNet ageGender() {
        return ExecutorModels.get("faceapi-age-gender", sum(FaceApiModel.AGE_GENDER),
                () -> load(() -> AgeGenderNet.load(local())));
    }

    /** The SSD MobileNet v1 face detector at face-api's default confidence, loaded once per JVM. */
    public SsdMobilenetFaceDetector detector() {
        return ExecutorModels.get("faceapi-ssd", sum(FaceApiModel.SSD_MOBILENET_V1),
                () -> load(() -> SsdMobilenetFaceDetector.load(local())));
    }

    private static String sum(FaceApiModel model) {
        return PACKAGE.sha256().get(model.shardName());
    }

    private interface Loader<T> {
        T load() throws IOException;
    }

    private static <T> T load(Loader<T> loader) {
        try {
            return loader.load();
        } catch (IOException e) {
            throw new UncheckedIOException("Could not read face-api's model files: " + e.getMessage(), e);
        }
    }
}
