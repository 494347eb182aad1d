package org.speech2face.jobs.generate;

import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.speech2face.data.RejectException;
import org.speech2face.data.VideoLocator;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * What a folder given to generate holds, entry by entry, so every entry is either a voice (drawn or rejected) or
 * counted as not read: subfolders (generate does not recurse: two files of one name in different subfolders would
 * draw the same face file) and hidden names ({@code .} and {@code _}, how uploads mark work in progress). On the
 * local file system a symbolic link is a voice only if it leads to a file inside the folder; one leading out of it
 * is refused ({@code outside_root}) and one leading nowhere is {@code missing_file}, rather than followed or
 * dropped unseen.
 *
 * @param voices     the files to draw, in name order
 * @param subfolders names of the subfolders, not read
 * @param hidden     hidden names, not read
 */
record VoiceFolder(List<Voice> voices, List<String> subfolders, List<String> hidden) {

    /** A file of the folder: its qualified location and name, and why it cannot be a voice (null if it can). */
    record Voice(String uri, String name, RejectException refused) {
    }

    static VoiceFolder list(Path folder, FileSystem fs) throws IOException {
        List<Voice> voices = new ArrayList<>();
        List<String> subfolders = new ArrayList<>();
        List<String> hidden = new ArrayList<>();
        if ("file".equals(fs.getUri().getScheme())) {
            java.nio.file.Path dir = java.nio.file.Path.of(fs.makeQualified(folder).toUri());
            try (Stream<java.nio.file.Path> entries = Files.list(dir)) {
                for (java.nio.file.Path p : entries.sorted(Comparator.comparing(java.nio.file.Path::getFileName)).toList()) {
                    String name = p.getFileName().toString();
                    if (name.startsWith(".") || name.startsWith("_")) {
                        hidden.add(name);
                    } else if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                        subfolders.add(name);
                    } else {
                        voices.add(new Voice(fs.makeQualified(new Path(folder, name)).toString(), name,
                                refusal(dir, p)));
                    }
                }
            }
        } else {
            FileStatus[] all = fs.listStatus(folder);
            java.util.Arrays.sort(all, Comparator.comparing(s -> s.getPath().getName()));
            for (FileStatus s : all) {
                String name = s.getPath().getName();
                if (name.startsWith(".") || name.startsWith("_")) {
                    hidden.add(name);
                } else if (s.isDirectory()) {
                    subfolders.add(name);
                } else {
                    voices.add(new Voice(fs.makeQualified(s.getPath()).toString(), name, null));
                }
            }
        }
        return new VoiceFolder(voices, subfolders, hidden);
    }

    /** Why a local entry is no voice to read: a link out of the folder or to nothing; null for a readable file. */
    private static RejectException refusal(java.nio.file.Path dir, java.nio.file.Path p) {
        try {
            VideoLocator.requireInside(dir, p, "the folder given to generate");
            return null;
        } catch (RejectException e) {
            return e;
        }
    }
}
