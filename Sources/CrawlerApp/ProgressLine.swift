internal import Foundation
internal import Glibc

/// The live line `crawler once` keeps at the bottom of a terminal: feeds done, new documents,
/// failures. Off a terminal it draws nothing, and only log lines are written.
public final class ProgressLine {
    private let total: Int
    private let enabled: Bool
    private var done = 0, new = 0, failed = 0

    public init(total: Int) {
        self.total = total
        enabled = isatty(STDERR_FILENO) == 1
    }

    public func record(_ report: FeedReport) {
        done += 1
        new += report.new
        failed += report.succeeded ? 0 : 1
        // The line is built only for a terminal: under systemd or a pipe this runs per feed for nothing.
        if enabled {
            draw("[\(done)/\(total) \(total == 1 ? "feed" : "feeds")] \(new) new \(new == 1 ? "document" : "documents"), "
                 + "\(failed) failed")
        }
    }

    public func finish() {
        draw("")
    }

    private func draw(_ text: String) {
        guard enabled else { return }
        FileHandle.standardError.write(Data(("\r\u{1B}[K" + text).utf8))
    }
}
