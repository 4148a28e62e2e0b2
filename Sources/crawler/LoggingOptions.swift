import ArgumentParser
import CrawlerApp
import Foundation
import Logging

struct LoggingOptions: ParsableArguments {
    @Option(name: .long, help: "Least severe log level to print: debug, info, notice, warning, error.")
    var logLevel: String = "info"

    @Option(name: .long, help: "Log line format: logfmt or json.")
    var logFormat: String = "logfmt"

    /// Checked while the command line is read, so a wrong value is named with the command's own usage.
    /// The levels the crawler logs at: swift-log's `trace` and `critical` are never used, and
    /// `trace` taken as a level hid a typo of `debug` (round 59).
    static let levels: Set<String> = ["debug", "info", "notice", "warning", "error"]

    func validate() throws {
        guard Self.levels.contains(logLevel.lowercased()) else {
            throw ValidationError("--log-level '\(logLevel)' is not one of: debug, info, notice, warning, error")
        }
        guard LogFormat(rawValue: logFormat.lowercased()) != nil else {
            throw ValidationError("--log-format '\(logFormat)' is not logfmt or json")
        }
    }

    /// systemd sets JOURNAL_STREAM to the journal stream's `device:inode`; what a unit starts
    /// inherits it, with stderr sent elsewhere (`crawler once 2>>file` in an ExecStartPre), where
    /// `<6>` before every line was noise (round 60). So it counts only when it is stderr.
    static func stderrIsTheJournal(_ stream: String?) -> Bool {
        guard let parts = stream?.split(separator: ":"), parts.count == 2,
              let device = UInt64(parts[0]), let inode = UInt64(parts[1]) else { return false }
        var info = stat()
        guard fstat(2, &info) == 0 else { return false }
        return UInt64(info.st_dev) == device && UInt64(info.st_ino) == inode
    }

    func makeLogger() throws -> Logger {
        guard Self.levels.contains(logLevel.lowercased()), let level = Logger.Level(rawValue: logLevel.lowercased()) else {
            throw ValidationError("--log-level must be one of: debug, info, notice, warning, error")
        }
        guard let format = LogFormat(rawValue: logFormat.lowercased()) else {
            throw ValidationError("--log-format must be logfmt or json")
        }
        let underJournal = Self.stderrIsTheJournal(ProcessInfo.processInfo.environment["JOURNAL_STREAM"])
        return Logger(label: "crawler") { _ in
            LogfmtHandler(level: level, format: format, journalPriorities: underJournal)
        }
    }
}
