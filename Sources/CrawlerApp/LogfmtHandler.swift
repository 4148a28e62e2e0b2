public import Logging
internal import Foundation
internal import Dispatch
internal import Synchronization
internal import Glibc
internal import FeedModel

/// Writes one logfmt line per event: `ts= level= event= feed= ...`, with the keys operators
/// scan for first in a fixed order and the rest sorted, so lines line up in a terminal.
public struct LogfmtHandler: LogHandler {
    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level
    private let sink: LineSink
    private let format: LogFormat
    /// Under systemd (JOURNAL_STREAM set), lines start with `<N>` so journald records the
    /// priority and `journalctl -p warning` filters correctly.
    private let journalPriorities: Bool

    static let leadingKeys = ["feed", "status", "new", "dup", "bytes", "ms", "url", "error"]

    public init(level: Logger.Level = .info, sink: LineSink = .standardError, format: LogFormat = .logfmt,
                journalPriorities: Bool = false) {
        self.logLevel = level
        self.sink = sink
        self.format = format
        self.journalPriorities = journalPriorities
        if sink.isStandardError {
            StandardError.setDroppedNote { [format, journalPriorities] count in
                let metadata: Logger.Metadata = [
                    "count": "\(count)",
                    "reason": "stderr was not read in time (a stuck log reader): lines were dropped rather than stop the crawl",
                ]
                let line = format == .json
                    ? LogJSON.format(level: .warning, event: "log_dropped", metadata: metadata, time: LogTime.now())
                    : Self.format(level: .warning, event: "log_dropped", metadata: metadata, time: LogTime.now())
                return journalPriorities ? "<\(Self.syslogPriority(.warning))>" + line : line
            }
        }
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var merged = metadata
        if let extra = event.metadata { merged.merge(extra) { $1 } }
        // Each value redacted as it is, before quoting escapes it (a password can hide in any
        // value, or in an error message): a libpq password written `'it\'s x'` read as ending at
        // the escaped quote once logfmt had doubled its backslash.
        // Then bounded: a value is often a server's or a feed's (a guid, a link), and a feed of
        // 1 MB guids made 1.6 MB warning lines at every poll (round 66).
        for (key, value) in merged { merged[key] = .string(Self.bounded(SecretRedaction.redact("\(value)"))) }
        let time = LogTime.now()
        let message = SecretRedaction.redact(event.message.description)
        let safe = format == .json
            ? LogJSON.format(level: event.level, event: message, metadata: merged, time: time)
            : Self.format(level: event.level, event: message, metadata: merged, time: time)
        sink.write(journalPriorities ? "<\(Self.syslogPriority(event.level))>" + safe : safe)
    }

    /// The most bytes of one value a line carries: far more than any of the crawler's own
    /// (reasons, advice, a configuration's ten problems), a few of them well inside journald's
    /// 48 KB line.
    static let valueBytes = 4096

    /// `value`, or as many of its first whole scalars as print in `valueBytes` bytes, and how
    /// long it was. Counted as printed: an escape (`\u001b`) takes six bytes of the line, and a
    /// value of them was cut at 4 KB of its own bytes, 24 KB printed (round 68).
    static func bounded(_ value: String) -> String {
        let count = value.utf8.count
        // No scalar prints more than six times its UTF-8 bytes (an ESC, one byte, is `\u001b`).
        guard count * 6 > valueBytes else { return value }
        var printed = 0
        var end = value.unicodeScalars.startIndex
        for index in value.unicodeScalars.indices {
            printed += printedBytes(value.unicodeScalars[index])
            if printed > valueBytes { break }
            end = value.unicodeScalars.index(after: index)
        }
        guard end < value.unicodeScalars.endIndex else { return value }
        return String(value.unicodeScalars[..<end]) + "… (\(count) bytes in all)"
    }

    /// As `quoted` (and JSON's) write the scalar.
    private static func printedBytes(_ scalar: Unicode.Scalar) -> Int {
        switch scalar {
        case "\"", "\\", "\n", "\r": return 2
        case _ where TerminalText.isUnsafe(scalar): return scalar.value > 0xFFFF ? 12 : 6
        default: return UTF8.width(scalar)
        }
    }

    /// syslog priorities: 3 error, 4 warning, 5 notice, 6 info, 7 debug.
    static func syslogPriority(_ level: Logger.Level) -> Int {
        switch level {
        case .critical: return 2
        case .error: return 3
        case .warning: return 4
        case .notice: return 5
        case .info: return 6
        case .debug, .trace: return 7
        }
    }

    static func format(level: Logger.Level, event: String, metadata: Logger.Metadata, time: String) -> String {
        // One growing line rather than an array of fields joined: a pass logs a line per feed.
        var line = "ts=" + time + " level=\(level) event=" + quoted(event)
        for key in leadingKeys {
            if let value = metadata[key] { line += " " + key + "=" + quoted("\(value)") }
        }
        for key in metadata.keys.sorted() where !leadingKeys.contains(key) {
            line += " " + key + "=" + quoted("\(metadata[key]!)")
        }
        return line
    }

    /// Bare when safe, else double-quoted with `"` and `\` escaped and line breaks spelled out.
    static func quoted(_ value: String) -> String {
        guard value.isEmpty || value.unicodeScalars.contains(where: needsQuotes) else { return value }
        var escaped = ""
        // By scalar: as one Character, "\r\n" matched neither case and broke the line in two.
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": escaped += "\\\""
            case "\\": escaped += "\\\\"
            case "\n": escaped += "\\n"
            case "\r": escaped += "\\r"
            // A feed's title or a server's header may carry terminal escapes: never raw on a tty.
            case _ where TerminalText.isUnsafe(scalar): escaped += TerminalText.escape(scalar)
            default: escaped.unicodeScalars.append(scalar)
            }
        }
        return "\"" + escaped + "\""
    }

    /// Space, `=`, `"`, `\` and every scalar `Character.isNewline` knows, checked per scalar:
    /// walking Characters (grapheme clusters) of every value cost more than the rest of the line.
    private static func needsQuotes(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar {
        case " ", "=", "\"", "\\", "\n", "\r", "\u{0B}", "\u{0C}", "\u{85}", "\u{2028}", "\u{2029}": return true
        default: return TerminalText.isUnsafe(scalar)
        }
    }
}

public enum LogFormat: String, Sendable, CaseIterable {
    case logfmt, json
}

/// One JSON object per line, same keys as logfmt: `{"ts":...,"level":...,"event":...,...}`.
/// Counts, sizes, times and statuses are JSON numbers, so a log pipeline can sum and compare them.
enum LogJSON {
    /// Keys that name or describe something: strings even when they hold only digits (a feed
    /// named `2024`), so each keeps one type in every line.
    static let textKeys: Set<String> = ["feed", "node", "url", "error", "config", "store", "database", "reason",
                                        "from", "to", "listen", "why", "path", "host", "etag", "next"]

    static func format(level: Logger.Level, event: String, metadata: Logger.Metadata, time: String) -> String {
        var line = "{\"ts\":" + quoted(time) + ",\"level\":" + quoted("\(level)") + ",\"event\":" + quoted(event)
        for key in metadata.keys.sorted() {
            let value = "\(metadata[key]!)"
            line += "," + quoted(key) + ":" + (!textKeys.contains(key) && isNumber(value) ? value : quoted(value))
        }
        return line + "}"
    }

    /// A decimal as the crawler writes counts and seconds (`-12`, `0.25`): valid JSON as it stands.
    static func isNumber(_ text: String) -> Bool {
        var bytes = Substring(text).utf8[...]
        if bytes.first == UInt8(ascii: "-") { bytes = bytes.dropFirst() }
        let digits = { (part: Substring.UTF8View.SubSequence) in !part.isEmpty && part.allSatisfy { (0x30...0x39).contains($0) } }
        let parts = bytes.split(separator: UInt8(ascii: "."), maxSplits: 1, omittingEmptySubsequences: false)
        guard let whole = parts.first, digits(whole), whole.count == 1 || whole.first != UInt8(ascii: "0") else { return false }
        return parts.count == 1 || digits(parts[1])
    }

    static func quoted(_ text: String) -> String {
        var output = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": output += "\\\""
            case "\\": output += "\\\\"
            case "\n": output += "\\n"
            case "\r": output += "\\r"
            case "\t": output += "\\t"
            // JSON requires only C0 escaped; the rest of the terminal's set is escaped as in logfmt.
            case _ where TerminalText.isUnsafe(scalar): output += TerminalText.escape(scalar)
            default: output.unicodeScalars.append(scalar)
            }
        }
        return output + "\""
    }
}

/// Where log lines go: stderr in production, memory in tests.
public final class LineSink: Sendable {
    private let lines = Mutex<[String]>([])
    private let toStandardError: Bool

    public static let standardError = LineSink(toStandardError: true)

    public init(toStandardError: Bool = false) {
        self.toStandardError = toStandardError
    }

    var isStandardError: Bool { toStandardError }

    /// On a terminal, a log line first erases the progress line `crawler once` may have drawn.
    private static let erasesProgress = isatty(STDERR_FILENO) == 1

    func write(_ line: String) {
        if toStandardError {
            StandardError.write((Self.erasesProgress ? "\r\u{1B}[K" : "") + line + "\n")
        } else {
            lines.withLock { $0.append(line) }
        }
    }

    /// The lines captured so far (memory sinks only).
    public var captured: [String] { lines.withLock { $0 } }
}

/// Writes to stderr without ever making the crawl wait for it: lines go through one serial queue,
/// whose thread alone may block. A log reader that stops reading (a stuck journald, a log
/// shipper gone, `crawler run 2>&1 | filter` with the filter stopped) filled the pipe and froze
/// the daemon, /healthz still saying it was alive and SIGTERM unheard. Past `queueLimit` bytes
/// waiting, lines are dropped and counted; the next line that gets out is followed by a
/// `log_dropped` warning with the count. At exit, what waits is written for up to two seconds.
public enum StandardError {
    static let queueLimit = 8 << 20
    private static let queue = DispatchQueue(label: "crawler.stderr")
    private static let state = Mutex(Backlog())
    /// The `log_dropped` line in the log's own format (logfmt or JSON), set by the log handler.
    private static let droppedNote = Mutex<(@Sendable (Int) -> String)?>(nil)

    private struct Backlog {
        var bytes = 0
        var dropped = 0
        var drainsAtExit = false
    }

    public static func write(_ text: String) {
        let size = text.utf8.count
        let registers = state.withLock { backlog -> Bool? in
            guard backlog.bytes + size <= queueLimit else {
                backlog.dropped += 1
                return nil
            }
            backlog.bytes += size
            defer { backlog.drainsAtExit = true }
            return !backlog.drainsAtExit
        }
        guard let registers else { return }
        // `exit()` (ArgumentParser's, on an error) runs this; `ProcessEnd` calls `drain` itself.
        if registers { atexit { StandardError.drain() } }
        queue.async {
            writeNow(text)
            let dropped = state.withLock { backlog -> Int in
                backlog.bytes -= size
                defer { backlog.dropped = 0 }
                return backlog.dropped
            }
            if dropped > 0, let note = droppedNote.withLock({ $0 }) { writeNow(note(dropped) + "\n") }
        }
    }

    static func setDroppedNote(_ note: @escaping @Sendable (Int) -> String) {
        droppedNote.withLock { $0 = note }
    }

    /// Waits up to `seconds` for the lines queued so far to be written.
    public static func drain(seconds: Double = 2) {
        let written = DispatchSemaphore(value: 0)
        queue.async { written.signal() }
        _ = written.wait(timeout: .now() + seconds)
    }

    /// Goes on when it cannot write: Foundation's FileHandle traps on a write error, and with
    /// SIGPIPE ignored a closed pipe is one.
    private static func writeNow(_ text: String) {
        var bytes = Array(text.utf8)[...]
        while !bytes.isEmpty {
            let written = bytes.withUnsafeBytes { Glibc.write(STDERR_FILENO, $0.baseAddress, $0.count) }
            if written < 0 && errno == EINTR { continue }
            guard written > 0 else { return }
            bytes = bytes.dropFirst(written)
        }
    }
}
