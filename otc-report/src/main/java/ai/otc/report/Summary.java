package ai.otc.report;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.List;

/**
 * What a report build wrote and found.
 *
 * @param runDir the demo's folder
 * @param summaryJson {@code runDir/summary.json}
 * @param reportHtml {@code runDir/report.html}
 * @param plots the PNG files under {@code runDir/plots/}
 * @param json the tree written to {@code summary.json}
 * @param headline the result in a few plain-text lines, for a terminal
 */
public record Summary(Path runDir, Path summaryJson, Path reportHtml, List<Path> plots, ObjectNode json,
    List<String> headline) {}
