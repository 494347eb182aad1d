package org.speech2face.jobs.evaluate;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.speech2face.contracts.DataLayout;
import org.speech2face.jobs.JobContext;
import org.speech2face.jobs.io.AtomicFiles;
import org.speech2face.jobs.io.DeltaTables;
import org.speech2face.jobs.report.RunReport;
import org.speech2face.contracts.EncoderVariant;
import org.speech2face.contracts.FeatureNetwork;
import org.speech2face.model.inference.FaceDecoding;
import org.speech2face.video.FaceImages;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.apache.spark.sql.functions.col;

/**
 * Turns the clip scores into {@code reports/}: Table 4, 5 and 6 as Parquet (committed together with the per-clip
 * scores, replacing the previous run's), Markdown and JSON, and the figures as PNG.
 */
final class EvaluationOutputs {
    static final String TABLE4 = "table4";
    static final String TABLE5 = "table5";
    static final String TABLE6 = "table6";
    static final String CLIP_SCORES = "clip_scores";
    static final String FIGURES = "figures";
    /** Table 5's paper figures (Face++ on 224 px faces), Male / Female / Total. */
    static final String PAPER_TABLE5 = "Paper, Table 5 (Face++ API): Face-to-Face 97.4% / 92.7% / 95.5%, non-prior "
            + "95.6% / 89.8% / 93.2%, neutral+fc 97.9% / 89.9% / 94.7%, female 87.7% / 93.6% / 90.1%, male 97.4% / "
            + "68.0% / 85.8% (male / female / total).";

    private EvaluationOutputs() {
    }

    static void write(JobContext ctx, EvaluationPlan plan, Dataset<Row> scores, List<String> figureClips,
                      Map<String, byte[]> originals, RunReport report)
            throws IOException {
        Configuration conf = ctx.hadoopConf();
        Path reports = ctx.layout().dataset(DataLayout.REPORTS);
        int dim = FeatureNetwork.ofFeatureId(plan.vggfaceId()).featureDim(plan.decoder().modelProfile().featureDim());
        List<String> table4Models = new ArrayList<>(plan.models());
        table4Models.remove(ClipScores.ORIGINAL);
        ctx.spark().sparkContext().setJobDescription("evaluate: Recall@K against the gallery of real faces");
        RetrievalScores retrieval = RetrievalScores.of(scores, plan.models());
        List<Row> t4 = Table4.rows(scores, table4Models, plan.refs(), dim, plan.vggfaceId(), ctx.runId(), retrieval);
        Map<String, List<Row>> attributes = new LinkedHashMap<>();
        for (FaceAttributeRecogniser r : plan.recognisers()) {
            attributes.put(r.attribute(), AttributeTable.rows(scores, r.attribute(), r.groups(), plan.models(),
                    ctx.runId()));
        }
        ctx.spark().sparkContext().setJobDescription("evaluate: write the tables");
        // Each table is replaced atomically on its own; a run that dies between two leaves the others as the last
        // run wrote them, and the next run replaces all four.
        DeltaTables.replace(ctx.spark(), ctx.spark().createDataFrame(t4, Table4.SCHEMA).coalesce(1),
                new Path(reports, TABLE4));
        List<String> written = new ArrayList<>(List.of(TABLE4, CLIP_SCORES));
        for (Map.Entry<String, List<Row>> e : attributes.entrySet()) {
            String name = e.getKey().equals("gender") ? TABLE5 : TABLE6;
            DeltaTables.replace(ctx.spark(), ctx.spark().createDataFrame(e.getValue(), AttributeTable.SCHEMA)
                    .coalesce(1), new Path(reports, name));
            written.add(name);
        }
        DeltaTables.replace(ctx.spark(), scores.drop("face").coalesce(1), new Path(reports, CLIP_SCORES));
        for (String name : List.of(TABLE5, TABLE6)) {
            if (!written.contains(name)) {
                DeltaTables.clear(ctx.spark(), new Path(reports, name));
            }
        }

        ReportTable table4 = Table4.table(t4, dim, plan.decoder().profile(), retrieval);
        tableFiles(reports, TABLE4, List.of(table4, Table4.paper()),
                Table4.json(t4, table4, plan.decoder().profile(), dim, plan.vggfaceId(), retrieval), conf);
        report.table(table4.title(), table4.header(), table4.rows());
        t4.forEach(r -> report.figure("cos_deg_" + r.getString(0), r.isNullAt(4) ? null : round(r.getDouble(4)))
                .figure("cos_gen_deg_" + r.getString(0), r.isNullAt(7) ? null : round(r.getDouble(7)))
                .figure("rec_cos_" + r.getString(0), r.isNullAt(13) ? null : round(r.getDouble(13)))
                .figure("recall_1_" + r.getString(0), r.isNullAt(14) ? null : round(r.getDouble(14))));
        if (retrieval.gallery() != null) {
            report.figure("gallery_identities", retrieval.gallery().size());
        }
        attributeFiles(reports, plan, attributes, report, conf);
        figures(ctx, plan, scores, figureClips, originals, new Path(reports, FIGURES), report);
    }

    private static void attributeFiles(Path reports, EvaluationPlan plan, Map<String, List<Row>> attributes,
                                       RunReport report, Configuration conf) throws IOException {
        for (String attribute : List.of("gender", "age")) {
            String name = attribute.equals("gender") ? TABLE5 : TABLE6;
            String title = attribute.equals("gender") ? "Table 5: gender of the generated faces"
                    : "Table 6: age group of the generated faces (young < 35, mid-age 35-65, elder > 65)";
            FaceAttributeRecogniser recogniser = plan.recognisers().stream()
                    .filter(r -> r.attribute().equals(attribute)).findFirst().orElse(null);
            if (recogniser == null) {
                List<String> why = report.notes().stream().filter(n -> n.contains(attribute.equals("gender")
                        ? "Table 5" : "Table 6") || n.contains("No " + attribute + " recogniser")).toList();
                tableFiles(reports, name, List.of(new ReportTable(title + ": not available", List.of("Model"),
                        List.of(), why)), AttributeTable.json(attribute, List.of(), null, why), conf);
                continue;
            }
            List<String> notes = new ArrayList<>();
            notes.add("Recogniser: " + recogniser.description() + ".");
            notes.add("Each cell: the share of the model's test clips whose generated face is recognised as the "
                    + "labelled " + attribute + " of the speaker (correct / labelled clips). The first row is the "
                    + "recogniser on the real test faces; Face-to-Face is the upper limit for generated faces; "
                    + "prior-only (each voice answered with its predicted gender's prior face) is the score a model "
                    + "must beat.");
            if (attribute.equals("gender")) {
                notes.add(PAPER_TABLE5);
            }
            ReportTable t = AttributeTable.table(title, attributes.get(attribute), recogniser.groups(), notes);
            tableFiles(reports, name, List.of(t), AttributeTable.json(attribute, attributes.get(attribute), recogniser,
                    notes), conf);
            report.table(t.title(), t.header(), t.rows());
        }
    }

    private static void figures(JobContext ctx, EvaluationPlan plan, Dataset<Row> scores, List<String> figureClips,
                                Map<String, byte[]> originals, Path dir, RunReport report) throws IOException {
        Configuration conf = ctx.hadoopConf();
        List<String> generatedModels = new ArrayList<>(plan.models());
        generatedModels.remove(ClipScores.ORIGINAL);
        List<Row> faces = scores.filter(col("face").isNotNull().and(col("model").notEqual(ClipScores.ORIGINAL)))
                .select("model", "clip_id", "face").collectAsList();
        png(dir, "fig6_faces.png", EvaluationFigures.faces(figureClips, originals, faces, generatedModels), report, conf);
        List<EncoderVariant> variants = new ArrayList<>();
        plan.encoders().keySet().forEach(id -> variants.add(EncoderVariant.parse(id)));
        BufferedImage loss = EvaluationFigures.lossCurves(ctx.layout(), variants, conf);
        if (loss == null) {
            report.note("Fig. 5 is not drawn: no encoder variant has epoch metrics under metrics/encoder/.");
        } else {
            png(dir, "fig5_loss.png", loss, report, conf);
        }
        Path priorsDir = ctx.layout().dataset(DataLayout.PRIORS);
        BufferedImage priors = !DeltaTables.exists(ctx.spark(), priorsDir) ? null : EvaluationFigures.priors(
                EvaluationInputs.allPriors(ctx, plan.vggfaceId()), new FaceDecoding(plan.decoder().graph(
                        ClipScorer.DECODER_KIND, conf), plan.decoder().modelProfile()));
        if (priors == null) {
            report.note("Fig. 2 is not drawn: priors/ holds no prior of " + plan.vggfaceId() + ".");
        } else {
            png(dir, "fig2_priors.png", priors, report, conf);
        }
    }

    private static void tableFiles(Path reports, String name, List<ReportTable> tables, Map<String, Object> json,
                                   Configuration conf) throws IOException {
        StringBuilder md = new StringBuilder();
        tables.forEach(t -> md.append(t.markdown()).append('\n'));
        AtomicFiles.text(new Path(reports, name + ".md"), md.toString(), conf);
        AtomicFiles.json(new Path(reports, name + ".json"), json, conf);
    }

    private static void png(Path dir, String name, BufferedImage image, RunReport report, Configuration conf)
            throws IOException {
        Path p = new Path(dir, name);
        AtomicFiles.bytes(p, FaceImages.png(image), conf);
        report.figure("figure_" + name.substring(0, name.indexOf('_')), p.toString());
    }

    private static double round(double v) {
        return Math.round(v * 1000) / 1000.0;
    }
}
