package org.speech2face.contracts;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * docs/inputs.md lists every reject reason, with the retry rule and the advice the code gives, and no other; and its
 * table of causes explains each one once.
 */
class RejectReasonsDocTest {
    private static final Path DOC = Path.of("../docs/inputs.md");

    @Test
    void everyReasonIsDocumentedWithItsRetryRuleAndAdvice() throws IOException {
        String doc = Files.readString(DOC);
        List<String> missing = new ArrayList<>();
        for (RejectReason r : RejectReason.values()) {
            String row = "| `" + r.code() + "` | " + (r.retryable() ? "yes" : "no") + " | " + r.advice() + " |";
            if (!doc.contains(row)) {
                missing.add(row);
            }
        }
        assertThat(missing).as("rows docs/inputs.md lacks (or has out of date)").isEmpty();
    }

    @Test
    void theDocumentedTableNamesNoCodeTheContractLacks() throws IOException {
        String table = Files.readString(DOC).split("## Reject reasons", 2)[1];
        List<String> documented = table.lines().filter(l -> l.startsWith("| `"))
                .map(l -> l.substring(3, l.indexOf('`', 3))).toList();
        assertThat(documented).hasSize(RejectReason.values().length);
        documented.forEach(code -> assertThat(RejectReason.fromCode(code)).isNotNull());
    }

    @Test
    void theTableOfCausesExplainsEveryReasonOnce() throws IOException {
        String doc = Files.readString(DOC);
        String causes = doc.split("## Why rows are rejected", 2)[1].split("\n## ", 2)[0];
        List<String> documented = causes.lines().filter(l -> l.startsWith("| `"))
                .map(l -> l.substring(3, l.indexOf('`', 3))).toList();
        List<String> codes = java.util.Arrays.stream(RejectReason.values()).map(RejectReason::code).toList();
        assertThat(documented).as("codes in the table of causes").containsExactlyInAnyOrderElementsOf(codes);
        causes.lines().filter(l -> l.startsWith("| `")).forEach(l -> assertThat(l.substring(1).split("\\|"))
                .as("reason, raised by, cause: " + l).hasSize(3).allSatisfy(cell -> assertThat(cell).isNotBlank()));
    }
}
