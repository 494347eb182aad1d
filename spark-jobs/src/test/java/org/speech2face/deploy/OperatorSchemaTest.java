package org.speech2face.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every manifest under deploy/k8s against the project's own strict JSON schema of the spark-operator v1beta2 fields
 * it uses (deploy/k8s/schema, written from the operator's v2.5.2 CRDs), and broken copies of one manifest against the
 * same schema: each kind of mistake the API server would refuse (a wrong type, a value outside an enum, a missing
 * required field) or silently prune (a misspelt field) must fail with a message naming the field.
 */
class OperatorSchemaTest {
    private static final Path K8S = ProjectFiles.ROOT.resolve("deploy/k8s");
    private static final Path SCHEMA = K8S.resolve("schema/spark-operator-v1beta2.schema.json");
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final Map<String, JsonSchema> SCHEMAS = new ConcurrentHashMap<>();

    /** The schema of a manifest's kind; an unknown kind has none, which fails the caller's assertion. */
    private static JsonSchema schemaOf(JsonNode manifest) {
        String kind = manifest.path("kind").asText();
        assertThat(kind).isIn("SparkApplication", "ScheduledSparkApplication");
        return SCHEMAS.computeIfAbsent(kind, k -> JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V4)
                .getSchema(SchemaLocation.of(SCHEMA.toUri() + "#/definitions/" + k)));
    }

    private static Set<ValidationMessage> validate(JsonNode manifest) {
        return schemaOf(manifest).validate(manifest);
    }

    private static List<Path> manifests() throws IOException {
        try (Stream<Path> s = Files.list(K8S)) {
            return s.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
        }
    }

    @Test
    void everyManifestFollowsTheOperatorsSchema() throws IOException {
        List<Path> files = manifests();
        assertThat(files).hasSize(11);
        for (Path f : files) {
            assertThat(validate(YAML.readTree(f.toFile()))).as(f.getFileName().toString()).isEmpty();
        }
    }

    @Test
    void aWrongTypeIsRefusedWithTheFieldsPath() throws IOException {
        assertThat(broken(s -> ((ObjectNode) s.get("executor")).put("instances", "2")))
                .containsExactly("$.spec.executor.instances: string found, integer expected");
        // sparkConf values are strings in the CRD: an unquoted 1 is an integer.
        assertThat(broken(s -> ((ObjectNode) s.get("sparkConf")).put("spark.executor.resource.gpu.amount", 1)))
                .containsExactly("$.spec.sparkConf.spark.executor.resource.gpu.amount: integer found, string expected");
        assertThat(broken(s -> ((ObjectNode) s.get("executor").get("gpu")).put("quantity", "1")))
                .containsExactly("$.spec.executor.gpu.quantity: string found, integer expected");
        assertThat(broken(s -> ((ObjectNode) s.get("executor")).put("instances", 0)))
                .singleElement().asString().startsWith("$.spec.executor.instances: must have a minimum value of 1");
    }

    @Test
    void aValueOutsideAnEnumOrAMissingRequiredFieldIsRefused() throws IOException {
        assertThat(broken(s -> s.put("mode", "Cluster"))).singleElement().asString()
                .startsWith("$.spec.mode: does not have a value in the enumeration");
        assertThat(broken(s -> s.remove("sparkVersion")))
                .containsExactly("$.spec: required property 'sparkVersion' not found");
        assertThat(broken(s -> ((ObjectNode) s.get("restartPolicy")).put("type", "Sometimes"))).singleElement()
                .asString().startsWith("$.spec.restartPolicy.type: does not have a value in the enumeration");
    }

    /** The API server would drop an unknown field without a word, so the operator would use its default. */
    @Test
    void aMisspeltFieldIsRefusedNotIgnored() throws IOException {
        assertThat(broken(s -> ((ObjectNode) s.get("driver")).put("memoryOverHead", "5g"))).containsExactly(
                "$.spec.driver: property 'memoryOverHead' is not defined in the schema and the schema does not allow "
                        + "additional properties");
        assertThat(broken(s -> ((ObjectNode) s.get("executor").get("gpu")).put("quantitiy", 1))).singleElement()
                .asString().startsWith("$.spec.executor.gpu: property 'quantitiy' is not defined");
    }

    @Test
    void eachScheduleIsCheckedDownToItsTemplate() throws IOException {
        for (String file : List.of("ingest-scheduled.yaml", "optimize-scheduled.yaml")) {
            ObjectNode scheduled = (ObjectNode) YAML.readTree(K8S.resolve(file).toFile());
            assertThat(validate(scheduled)).as(file).isEmpty();
            ((ObjectNode) scheduled.get("spec")).put("concurrencyPolicy", "forbid");
            ((ObjectNode) scheduled.get("spec").get("template").get("driver")).put("cors", 1);
            ((ObjectNode) scheduled.get("spec")).remove("schedule");
            assertThat(validate(scheduled)).as(file).extracting(ValidationMessage::getMessage).hasSize(3)
                    .anyMatch(m -> m.startsWith("$.spec.concurrencyPolicy: does not have a value in the enumeration"))
                    .anyMatch(m -> m.startsWith("$.spec.template.driver: property 'cors' is not defined"))
                    .anyMatch(m -> m.equals("$.spec: required property 'schedule' not found"));
        }
    }

    /** The messages for train-encoder.yaml after {@code edit} of its spec. */
    private static List<String> broken(Consumer<ObjectNode> edit) throws IOException {
        ObjectNode manifest = (ObjectNode) YAML.readTree(K8S.resolve("train-encoder.yaml").toFile());
        assertThat(validate(manifest)).isEmpty();
        edit.accept((ObjectNode) manifest.get("spec"));
        return validate(manifest).stream().map(ValidationMessage::getMessage).toList();
    }
}
