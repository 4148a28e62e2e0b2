import CrawlerApp
import FeedModel

/// The human summary `crawler once` prints on stdout: one line per feed, then the total.
/// Held-back feeds are listed too: a feed asked for and left out must not vanish from it.
enum SummaryTable {
    static func render(_ summary: PassSummary, skipped: [FeedHold] = [], interrupted: [String] = [],
                       storePath: String) -> String {
        let width = min(40, (summary.reports.map(\.feed.displayWidth) + skipped.map(\.feed.displayWidth)
                             + interrupted.map(\.displayWidth)).max() ?? 4)
        var lines: [String] = []
        for report in summary.reports {
            let name = report.feed.padding(to: width)
            if let error = report.error {
                lines.append("FAIL  \(name)  \(error)")
            } else if let deferral = report.deferral {
                lines.append("wait  \(name)  \(deferral)")
            } else if report.unchanged {
                // Not parsed: "0 items" read as a feed that had emptied.
                let status = report.httpStatus.map(String.init) ?? "-"
                let what = report.httpStatus == 304 ? "unchanged" : "unchanged (the same body as last time)"
                lines.append("ok    \(name)  \(status)  \(what), \(kilobytes(report.bytes)), \(report.milliseconds) ms")
            } else {
                let status = report.httpStatus.map(String.init) ?? "-"
                var line = "ok    \(name)  \(status)  \(report.new) new, \(report.duplicates) dup, "
                    + "\(counted(report.items, "item")), \(kilobytes(report.bytes)), \(report.milliseconds) ms"
                if let cut = report.cut { line += ", cut at \(cut)" }
                // A corrected post is no new document, and not nothing either.
                if report.replaced > 0 { line += ", \(counted(report.replaced, "post")) corrected in place" }
                line += Self.notWritten(report)
                if report.held > 0 { line += ", \(report.held) held for a later day (max_documents_per_day)" }
                if report.waiting > 0 { line += ", \(report.waiting) waiting for their page or images (read again next fetch)" }
                lines.append(line)
            }
        }
        for hold in skipped {
            lines.append("skip  \(hold.feed.padding(to: width))  \(hold.reason); --force fetches it now")
        }
        for feed in interrupted {
            lines.append("stop  \(feed.padding(to: width))  interrupted by the shutdown before it was stored; the next pass fetches it")
        }
        let succeeded = summary.reports.count - summary.failed - summary.deferred
        let heldForLater = summary.reports.reduce(0) { $0 + $1.held }
        let held = (summary.deferred == 0 ? "" : ", \(summary.deferred) deferred")
            + (skipped.isEmpty ? "" : ", \(skipped.count) skipped")
            + (interrupted.isEmpty ? "" : ", \(interrupted.count) interrupted")
        lines.append("total: \(counted(summary.reports.count + skipped.count + interrupted.count, "feed")), \(succeeded) ok, "
                     + "\(summary.failed) failed\(held); "
                     + "\(counted(summary.new, "new document")), \(counted(summary.duplicates, "duplicate"))"
                     + (heldForLater == 0 ? "" : ", \(heldForLater) held for a later day (max_documents_per_day)")
                     + (summary.forgotten == 0 ? "" : ", \(summary.forgotten) forgotten (keep:)") + "; "
                     + "\(kilobytes(summary.bytes)) in \(summary.milliseconds) ms → \(storePath)")
        return lines.joined(separator: "\n")  // redacted and escaped as it is printed
    }

    private static func kilobytes(_ bytes: Int) -> String {
        bytes < 1024 ? "\(bytes) B" : "\(bytes / 1024) KB"
    }
}

extension String {
    /// Padded to `width` columns as a terminal shows the text (`displayWidth`).
    func padding(to width: Int) -> String {
        let shown = displayWidth
        return shown >= width ? self : self + String(repeating: " ", count: width - shown)
    }

    /// Columns the text takes once printed: controls escaped as printing escapes them (`\u202e`,
    /// six), East Asian wide characters two, combining marks none. Counted as characters, a
    /// name of CJK or with an escaped control put every column after it out of line.
    var displayWidth: Int {
        TerminalText.escapingControls(self).unicodeScalars.reduce(0) { width, scalar in
            switch scalar.properties.generalCategory {
            case .nonspacingMark, .enclosingMark, .format: return width
            default: return width + (Self.isWide(scalar.value) ? 2 : 1)
            }
        }
    }

    /// East Asian Wide and Fullwidth (UAX #11), as wcwidth reads them, and emoji pictographs.
    private static func isWide(_ value: UInt32) -> Bool {
        switch value {
        case 0x1100...0x115F, 0x2E80...0x303E, 0x3041...0x33FF, 0x3400...0x4DBF, 0x4E00...0x9FFF, 0xA000...0xA4CF,
             0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE30...0xFE4F, 0xFF00...0xFF60, 0xFFE0...0xFFE6,
             0x1F300...0x1F64F, 0x1F900...0x1F9FF, 0x20000...0x3FFFD:
            return true
        default:
            return false
        }
    }
}

extension SummaryTable {
    /// Corrections recorded and not written: "dup" alone hid them (round 63), and the log's
    /// `versions_recorded=` said neither why nor for how long.
    static func notWritten(_ report: FeedReport) -> String {
        var text = ""
        let byHand = min(report.heldByEdit.count, report.versionsRecorded)
        let awaiting = min(report.awaitingOthers, report.versionsRecorded - byHand)
        let other = report.versionsRecorded - byHand - awaiting
        if byHand > 0 { text += ", \(counted(byHand, "correction")) not written over a post edited by hand" }
        if awaiting > 0 {
            text += ", \(counted(awaiting, "correction")) held until the other feeds carrying the post have answered"
        }
        if other > 0 { text += ", \(counted(other, "later version")) recorded, not written (revisions:, or a post deleted or held)" }
        return text
    }
}
