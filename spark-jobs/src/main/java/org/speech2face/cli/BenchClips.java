package org.speech2face.cli;

import org.speech2face.data.AvSpeechCsv;
import org.speech2face.data.AvSpeechSegment;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * An N-clip AVSpeech CSV made from the bundled sample for the dataset benches: the sample's lines repeated, the k-th
 * round with its start moved k milliseconds later, so every clip_id ({@code <youtube_id>_<start in ms>}) is new and
 * every clip decodes real video. Lines whose video is missing are left out: a missing file is a retryable reject,
 * so it would be done again by every rerun and a no-op rerun would not be one.
 */
final class BenchClips {
    private final List<AvSpeechSegment> base;
    private final List<String> lines = new ArrayList<>();
    private final List<String> clipIds = new ArrayList<>();

    private BenchClips(List<AvSpeechSegment> base) {
        this.base = base;
    }

    /** The first {@code n} clips made from {@code sampleCsv}'s lines whose video is under {@code videos}. */
    static BenchClips of(Path sampleCsv, Path videos, List<String> extensions, int n) throws IOException {
        List<AvSpeechSegment> base = new ArrayList<>();
        try (Reader in = Files.newBufferedReader(sampleCsv, StandardCharsets.UTF_8)) {
            AvSpeechCsv.rows(sampleCsv.getFileName().toString(), in).forEachRemaining(r -> {
                if (r.segment() != null && hasVideo(videos, r.segment().youtubeId(), extensions)) {
                    base.add(r.segment());
                }
            });
        }
        if (base.isEmpty()) {
            throw new CommandFailure("The dataset bench needs clips with a video; " + sampleCsv
                    + " names none whose file is under " + videos + ".", null);
        }
        BenchClips clips = new BenchClips(base);
        clips.extendTo(n);
        return clips;
    }

    /** Adds clips until there are {@code n}; the ones already there keep their lines. */
    BenchClips extendTo(int n) {
        Set<String> seen = new HashSet<>(clipIds);
        for (int i = clipIds.size(); i < n; i++) {
            AvSpeechSegment s = base.get(i % base.size());
            int round = i / base.size();
            double start = s.startS() + round / 1000.0;
            if (start >= s.endS() - 1.0) {
                throw new CommandFailure("The dataset bench cannot make " + n + " distinct clips from "
                        + base.size() + " sample lines: round " + round + " would leave less than 1 s of "
                        + s.clipId() + ".", null);
            }
            String clipId = s.youtubeId() + "_" + Math.round(start * 1000.0);
            if (!seen.add(clipId)) {
                throw new CommandFailure("The dataset bench made clip_id " + clipId + " twice; use fewer clips.",
                        null);
            }
            lines.add(String.format(Locale.ROOT, "%s,%.6f,%.6f,%.6f,%.6f", s.youtubeId(), start, s.endS(),
                    s.hintX(), s.hintY()));
            clipIds.add(clipId);
        }
        return this;
    }

    List<String> clipIds() {
        return List.copyOf(clipIds);
    }

    int size() {
        return clipIds.size();
    }

    /** Writes the clips as an AVSpeech CSV (no header) and returns its path. */
    Path write(Path csv) throws IOException {
        Files.createDirectories(csv.getParent());
        Files.write(csv, lines, StandardCharsets.UTF_8);
        return csv;
    }

    private static boolean hasVideo(Path videos, String youtubeId, List<String> extensions) {
        for (String ext : extensions) {
            if (Files.isRegularFile(videos.resolve(youtubeId + "." + ext))) {
                return true;
            }
        }
        return false;
    }
}
