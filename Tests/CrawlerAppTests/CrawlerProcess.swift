import Foundation
import Synchronization

/// The built `crawler` binary, run as users and scripts run it.
struct CrawlerProcess {
    struct Run {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// The binary beside the tests, or `CRAWLER_BINARY` (to run a test against another build).
    static var binary: String {
        if let chosen = ProcessInfo.processInfo.environment["CRAWLER_BINARY"], !chosen.isEmpty { return chosen }
        let executable = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        var folder = executable.deletingLastPathComponent()
        // Tests run from <build>/crawlerPackageTests.xctest or from inside a bundle below <build>.
        for _ in 0..<4 {
            let candidate = folder.appendingPathComponent("crawler").path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            folder.deleteLastPathComponent()
        }
        return "crawler"
    }

    /// The binary, reachable by users other than root (tests that run it as `nobody`, as the units'
    /// DynamicUser= does): SwiftPM may create the build folders 0750, so each folder above the
    /// binary gets its search bit for others. Nothing is made readable or writable.
    static var binaryForAnyone: String {
        let path = binary
        var folder = URL(fileURLWithPath: path).resolvingSymlinksInPath().deletingLastPathComponent()
        while folder.path.contains("/.build") {
            var info = stat()
            if stat(folder.path, &info) == 0, info.st_mode & 0o001 == 0 { chmod(folder.path, (info.st_mode & 0o7777) | 0o011) }
            folder.deleteLastPathComponent()
        }
        return path
    }

    /// Runs to completion in `folder`. `shellPrefix` (e.g. `ulimit -f 2;`) runs in bash before exec.
    static func run(_ arguments: [String], in folder: String, shellPrefix: String? = nil,
                    executable: String? = nil) throws -> Run {
        let process = make(arguments, in: folder, shellPrefix: shellPrefix)
        if let executable { process.executableURL = URL(fileURLWithPath: executable) }
        return try collect(process)
    }

    /// Runs `process` to completion with its output collected. Both pipes are read at once: read
    /// one after the other, a child that fills the second (64 KB of log lines) while the first is
    /// still open would wait on the test for good.
    static func collect(_ process: Process) throws -> Run {
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let stderr = Mutex(Data())
        let reader = err.fileHandleForReading
        let drained = DispatchSemaphore(value: 0)
        Thread {
            stderr.withLock { $0 = reader.readDataToEndOfFile() }
            drained.signal()
        }.start()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        drained.wait()
        process.waitUntilExit()
        return Run(status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
                   stderr: String(decoding: stderr.withLock { $0 }, as: UTF8.self))
    }

    /// Starts without waiting; output is discarded.
    static func start(_ arguments: [String], in folder: String, shellPrefix: String? = nil) throws -> Process {
        let process = make(arguments, in: folder, shellPrefix: shellPrefix)
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        return process
    }

    private static func make(_ arguments: [String], in folder: String, shellPrefix: String?) -> Process {
        let process = Process()
        if let shellPrefix {
            process.executableURL = URL(fileURLWithPath: "/bin/bash")
            let quoted = ([binary] + arguments).map { "'" + $0.replacingOccurrences(of: "'", with: "'\\''") + "'" }
            process.arguments = ["-c", shellPrefix + " exec " + quoted.joined(separator: " ")]
        } else {
            process.executableURL = URL(fileURLWithPath: binary)
            process.arguments = arguments
        }
        process.currentDirectoryURL = URL(fileURLWithPath: folder)
        return process
    }
}
