public import Logging
internal import Foundation
internal import Synchronization

/// Writes one logfmt line per event: `ts= level= event= feed= ...`, with the keys operators
/// scan for first in a fixed order and the rest sorted, so lines line up in a terminal.
public struct LogfmtHandler: LogHandler {
    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level
    private let sink: LineSink

    static let leadingKeys = ["feed", "status", "new", "dup", "bytes", "ms", "url", "error"]

    public init(level: Logger.Level = .info, sink: LineSink = .standardError) {
        self.logLevel = level
        self.sink = sink
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var merged = metadata
        if let extra = event.metadata { merged.merge(extra) { $1 } }
        sink.write(Self.format(level: event.level, event: event.message.description, metadata: merged,
                               time: LogTime.now()))
    }

    static func format(level: Logger.Level, event: String, metadata: Logger.Metadata, time: String) -> String {
        var fields = ["ts=" + time, "level=\(level)", "event=" + quoted(event)]
        for key in leadingKeys {
            if let value = metadata[key] { fields.append(key + "=" + quoted("\(value)")) }
        }
        for key in metadata.keys.sorted() where !leadingKeys.contains(key) {
            fields.append(key + "=" + quoted("\(metadata[key]!)"))
        }
        return fields.joined(separator: " ")
    }

    /// Bare when safe, else double-quoted with `"` and `\` escaped and line breaks spelled out.
    static func quoted(_ value: String) -> String {
        let needsQuotes = value.isEmpty || value.contains { $0 == " " || $0 == "=" || $0 == "\"" || $0.isNewline || $0 == "\\" }
        guard needsQuotes else { return value }
        var escaped = ""
        for character in value {
            switch character {
            case "\"": escaped += "\\\""
            case "\\": escaped += "\\\\"
            case "\n": escaped += "\\n"
            case "\r": escaped += "\\r"
            default: escaped.append(character)
            }
        }
        return "\"" + escaped + "\""
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

    func write(_ line: String) {
        if toStandardError {
            FileHandle.standardError.write(Data((line + "\n").utf8))
        } else {
            lines.withLock { $0.append(line) }
        }
    }

    /// The lines captured so far (memory sinks only).
    public var captured: [String] { lines.withLock { $0 } }
}
