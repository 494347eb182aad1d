package org.speech2face.jobs.maintenance;

/**
 * What {@code s2f optimize} did to one Delta table (in a dry run: the table as it is, after = before).
 *
 * @param table          the table's path
 * @param filesVacuumed  files VACUUM deleted (in a dry run: would delete now, before any compaction)
 * @param dvFilesPurged  files rewritten to drop their deletion vectors; -1 when the table cannot have any
 * @param otherCommits   commits of other writers while upkeep ran (their rows are not compared)
 */
public record UpkeepResult(String table, long filesBefore, long filesAfter, long bytesBefore, long bytesAfter,
                           long rowsBefore, long rowsAfter, long filesVacuumed, long dvFilesPurged, int otherCommits) {
}
