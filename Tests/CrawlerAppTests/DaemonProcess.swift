import CrawlerTestKit
import Foundation
import Synchronization

/// `crawler run` as a child process, with its log lines collected as they come.
final class DaemonProcess: Sendable {
    let process: Process
    private let lines = LineBuffer()

    init(arguments: [String] = ["run", "--log-level", "debug", "--startup-spread", "0s"], in folder: String,
         environment: [String: String] = [:], executable: String = CrawlerProcess.binary) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: folder)
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        self.process = process
        let collected = lines
        let reader = errors.fileHandleForReading
        let thread = Thread {
            var pending = Data()
            while case let chunk = reader.availableData, !chunk.isEmpty {
                pending.append(chunk)
                while let newline = pending.firstIndex(of: 10) {
                    let line = String(decoding: pending[pending.startIndex..<newline], as: UTF8.self)
                    pending.removeSubrange(pending.startIndex...newline)
                    collected.append(line)
                }
            }
        }
        try process.run()
        thread.start()
    }

    var logLines: [LogLine] { lines.all }

    /// Waits until `count` log lines match, or the timeout passes; returns the matches.
    @discardableResult
    func waitFor(_ count: Int = 1, timeout: Double = 15, where matches: (LogLine) -> Bool) -> [LogLine] {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            let found = logLines.filter(matches)
            if found.count >= count { return found }
            usleep(20_000)
        }
        return logLines.filter(matches)
    }

    func signal(_ number: Int32) {
        kill(process.processIdentifier, number)
    }

    /// Sends SIGTERM and waits; returns the exit status and how long the exit took.
    func terminate(timeout: Double = 10) -> (status: Int32, seconds: Double) {
        let start = Date()
        signal(SIGTERM)
        while process.isRunning && Date().timeIntervalSince(start) < timeout { usleep(10_000) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
        return (process.terminationStatus, Date().timeIntervalSince(start))
    }
}

/// The daemon's log lines, each read into its fields once as it comes (`waitFor` asks every
/// 20 ms: parsing them all again each time cost up to half a core of a loaded machine).
final class LineBuffer: Sendable {
    private let lines = Mutex<[LogLine]>([])

    func append(_ line: String) {
        let parsed = LogLine(line)
        lines.withLock { $0.append(parsed) }
    }

    var all: [LogLine] { lines.withLock { $0 } }
}
