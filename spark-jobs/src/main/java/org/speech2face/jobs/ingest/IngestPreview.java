package org.speech2face.jobs.ingest;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.speech2face.config.ConfigError;
import org.speech2face.data.AvSpeechCsv;
import org.speech2face.contracts.RejectReason;

import java.io.IOException;
import java.io.Reader;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;

/**
 * What the ingest plan will hold, worked out on the driver without Spark, for {@code --dry-run}: the rows of
 * {@code input.csv} (blank lines and headers skipped, as {@link CsvInput} skips them), the rows the plan will reject
 * (with the same reasons and the same rule for duplicates: the first row of a clip_id in file order wins), and of
 * the rest, how many have a {@code <youtube_id>.<ext>} under {@code input.videos}. Which clips are already done is
 * left to each stage's plan, which reads the datasets.
 *
 * @param files         the CSV files read
 * @param rows          rows read (within {@code --limit})
 * @param headers       header lines skipped
 * @param blankLines    blank lines skipped
 * @param parseRejects  rows the plan rejects, by reason code
 * @param withVideo     distinct clips whose video exists
 * @param withoutVideo  distinct clips without a video (they will be {@code missing_file})
 */
public record IngestPreview(CsvFiles files, long rows, long headers, long blankLines, Map<String, Long> parseRejects,
                            long withVideo, long withoutVideo) {

    /** Reads every row of {@code files} (the first {@code limit}) and lists {@code videos} once. */
    public static IngestPreview of(CsvFiles files, String videos, List<String> extensions, OptionalLong limit,
                                   Configuration conf) throws IOException {
        Set<String> videoNames = videoNames(videos, conf);
        long max = limit.orElse(Long.MAX_VALUE);
        long rows = 0;
        long headers = 0;
        long blanks = 0;
        long with = 0;
        long without = 0;
        Map<String, Long> rejects = new TreeMap<>();
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < files.size() && rows < max; i++) {
            try (Reader in = files.open(i, conf)) {
                AvSpeechCsv.Rows it = files.rows(i, in);
                while (rows < max && it.hasNext()) {
                    AvSpeechCsv.Row r = it.next();
                    rows++;
                    if (r.reject() != null) {
                        rejects.merge(r.reject().reason().code(), 1L, Long::sum);
                    } else if (!seen.add(r.segment().clipId())) {
                        rejects.merge(RejectReason.DUPLICATE_ROW.code(), 1L, Long::sum);
                    } else if (hasVideo(r.segment().youtubeId(), extensions, videoNames)) {
                        with++;
                    } else {
                        without++;
                    }
                }
                headers += it.headerLine() > 0 ? 1 : 0;
                blanks += it.blankLines();
            }
        }
        return new IngestPreview(files, rows, headers, blanks, rejects, with, without);
    }

    /** True when {@code files} hold at least one row; reads only as far as the first. */
    public static boolean hasRows(CsvFiles files, Configuration conf) throws IOException {
        for (int i = 0; i < files.size(); i++) {
            try (Reader in = files.open(i, conf)) {
                if (files.rows(i, in).hasNext()) {
                    return true;
                }
            }
        }
        return false;
    }

    public long parseRejected() {
        return parseRejects.values().stream().mapToLong(Long::longValue).sum();
    }

    /** The preview in three lines, each starting with {@code prefix}. */
    public String summary(String prefix, String videos) {
        Map<String, Long> skipped = new LinkedHashMap<>();
        skipped.put("header line", headers);
        skipped.put("blank line", blankLines);
        StringBuilder b = new StringBuilder();
        b.append(prefix).append("input.csv ").append(files.location()).append(" (").append(files.describe())
                .append("): ").append(rows).append(" row").append(rows == 1 ? "" : "s");
        StringBuilder notRows = new StringBuilder();
        skipped.forEach((what, n) -> {
            if (n > 0) {
                notRows.append(notRows.length() == 0 ? "" : ", ").append(n).append(' ').append(what)
                        .append(n == 1 ? "" : "s");
            }
        });
        if (!files.ignored().isEmpty()) {
            notRows.append(notRows.length() == 0 ? "" : ", ").append(files.ignored().size())
                    .append(" hidden file(s) or subfolder(s) not read");
        }
        b.append(notRows.length() == 0 ? "" : "; skipped " + notRows).append('\n');
        b.append(prefix).append(parseRejected()).append(" rejected while parsing")
                .append(parseRejects.isEmpty() ? "" : " " + parseRejects).append('\n');
        b.append(prefix).append(withVideo + withoutVideo).append(" clips to ingest: ").append(withVideo)
                .append(" with a video under ").append(videos).append(", ").append(withoutVideo)
                .append(" without one (").append(RejectReason.MISSING_FILE.code()).append(")\n");
        return b.toString();
    }

    /** Stops the run with a sentence when {@code input.videos} is not a folder: every clip would be missing. */
    public static void requireVideosFolder(String videos, Configuration conf) throws IOException {
        Path dir = new Path(videos);
        FileSystem fs = dir.getFileSystem(conf);
        if (!fs.exists(dir)) {
            throw new ConfigError("Config key 'input.videos' names '" + videos + "', which does not exist.");
        }
        if (!fs.getFileStatus(dir).isDirectory()) {
            throw new ConfigError("Config key 'input.videos' names '" + videos + "', which is a file, not a folder.");
        }
    }

    /** The file names in {@code videos} (a folder, see {@link #requireVideosFolder}), listed once. */
    private static Set<String> videoNames(String videos, Configuration conf) throws IOException {
        Path dir = new Path(videos);
        FileSystem fs = dir.getFileSystem(conf);
        Set<String> names = new HashSet<>();
        for (FileStatus s : fs.listStatus(dir)) {
            if (s.isFile()) {
                names.add(s.getPath().getName());
            }
        }
        return names;
    }

    private static boolean hasVideo(String youtubeId, List<String> extensions, Set<String> names) {
        for (String ext : extensions) {
            if (names.contains(youtubeId + "." + ext)) {
                return true;
            }
        }
        return false;
    }
}
