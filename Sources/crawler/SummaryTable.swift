import CrawlerApp
import FeedModel

/// The human summary `crawler once` prints on stdout: one line per feed, then the total.
enum SummaryTable {
    static func render(_ summary: PassSummary, storePath: String) -> String {
        let width = min(40, summary.reports.map(\.feed.count).max() ?? 4)
        var lines: [String] = []
        for report in summary.reports {
            let name = report.feed.padding(to: width)
            if let error = report.error {
                lines.append("FAIL  \(name)  \(error)")
            } else {
                let status = report.httpStatus.map(String.init) ?? "-"
                var line = "ok    \(name)  \(status)  \(report.new) new, \(report.duplicates) dup, "
                    + "\(report.items) items, \(kilobytes(report.bytes)), \(report.milliseconds) ms"
                if let cut = report.cut { line += ", cut at \(cut)" }
                if report.held > 0 { line += ", \(report.held) held for a later day (max_documents_per_day)" }
                lines.append(line)
            }
        }
        let succeeded = summary.reports.count - summary.failed
        lines.append("total: \(summary.reports.count) feeds, \(succeeded) ok, \(summary.failed) failed; "
                     + "\(summary.new) new documents, \(summary.duplicates) duplicates; "
                     + "\(kilobytes(summary.bytes)) in \(summary.milliseconds) ms → \(storePath)")
        return SecretRedaction.redact(lines.joined(separator: "\n"))
    }

    private static func kilobytes(_ bytes: Int) -> String {
        bytes < 1024 ? "\(bytes) B" : "\(bytes / 1024) KB"
    }
}

extension String {
    func padding(to width: Int) -> String {
        count >= width ? self : self + String(repeating: " ", count: width - count)
    }
}
