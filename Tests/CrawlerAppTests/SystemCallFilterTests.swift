import CrawlerTestKit
import Foundation
import Testing

/// Every system call the binary makes is one the shipped units let through. A call a unit's
/// SystemCallFilter= refuses kills the process with SIGSYS, often before it logs a line, and
/// `systemd-analyze verify` cannot see it: only a trace of the real binary can.
@Suite struct SystemCallFilterTests {
    let folder = TemporaryFolder()
    static let units = ["crawler.service", "crawler-once.service"]

    private func config(_ feeds: [(name: String, url: String)], store: String = "./store") -> String {
        var lines = ["store: \(store)", "interval: 1h", "timeout: 5s", "feeds:"]
        for feed in feeds { lines += ["  - url: \(feed.url)", "    name: \(feed.name)"] }
        return lines.joined(separator: "\n") + "\n"
    }

    private func groups() throws -> SyscallGroups {
        try #require(FileManager.default.isExecutableFile(atPath: "/usr/bin/systemd-analyze"),
                     "install Debian's systemd package")
        return try SyscallGroups.fromSystemd()
    }

    @Test func theFilterModelAppliesLinesInOrderAsSystemdDoes() throws {
        let groups = try groups()
        let strict = try SystemCallFilter(unit: "strict", text: "SystemCallFilter=@system-service\n"
                                          + "SystemCallFilter=~@privileged @resources\n", groups: groups)
        #expect(strict.denial(of: "setpriority") == "~@resources")
        #expect(strict.denial(of: "setuid") == "~@privileged")
        #expect(strict.denial(of: "execve") == nil)  // @default comes with an allow list
        #expect(strict.denial(of: "mount") == "not in the allow list (@system-service)")
        let reallowed = try SystemCallFilter(unit: "reallowed", text: "SystemCallFilter=@system-service\n"
                                             + "SystemCallFilter=~@resources\nSystemCallFilter=setpriority\n",
                                             groups: groups)
        #expect(reallowed.denial(of: "setpriority") == nil)
        #expect(reallowed.denial(of: "setrlimit") == "~@resources")
        let denyList = try SystemCallFilter(unit: "deny", text: "SystemCallFilter=~@mount:EPERM\n"
                                            + "SystemCallFilter=umount2\n", groups: groups)
        #expect(denyList.denial(of: "mount") == "~@mount")
        #expect(denyList.denial(of: "umount2") == nil)
        #expect(denyList.denial(of: "setpriority") == nil)
        #expect(throws: SystemCallFilter.FilterError.self) {
            try SystemCallFilter(unit: "typo", text: "SystemCallFilter=@system-servce\n", groups: groups)
        }
    }

    /// The trace's names: a call finished or left unfinished, not a resumption, a signal or an exit,
    /// nor the number strace once showed for a thread's register holding an error return.
    @Test func theTraceNamesTheCallsMade() {
        let trace = """
            1234 openat(AT_FDCWD, "/etc/ld.so.cache", O_RDONLY|O_CLOEXEC) = 3
            1235 futex(0x7f00, FUTEX_WAIT_PRIVATE, 0, NULL <unfinished ...>
            1234 <... read resumed>"x", 1) = 1
            1235 syscall_0xfffffffffffffff5(0x7f00, 0x80, 0, 0, 0, 0) = -1 ENOSYS (Function not implemented)
            1236 syscall_0x1b6(0, 0) = -1 ENOSYS (Function not implemented)
            1234 --- SIGTERM {si_signo=SIGTERM, si_code=SI_USER, si_pid=1} ---
            1234 +++ exited with 0 +++
            """
        #expect(SyscallTrace.syscalls(in: trace) == ["openat", "futex", "syscall_0x1b6"])
    }

    @Test func everySystemCallOfHelpAPassAndADaemonIsAllowedByEveryUnit() throws {
        try #require(FileManager.default.isExecutableFile(atPath: SyscallTrace.strace), "install Debian's strace package")
        let groups = try groups()
        chmod(folder.path, 0o777)  // the traced commands run as nobody when the tests run as root
        var madeBy: [String: Set<String>] = [:]
        for (run, calls) in try traceHelp() + traceOncePass() + traceDaemon() {
            for call in calls { madeBy[call, default: []].insert(run) }
        }
        #expect(["execve", "sendto", "kill"].allSatisfy(madeBy.keys.contains), "\(madeBy.keys.sorted())")

        var refused: [String] = []
        for unit in Self.units {
            let text = try String(contentsOf: SystemdUnitTests.repository.appendingPathComponent("systemd/" + unit),
                                  encoding: .utf8)
            let filter = try SystemCallFilter(unit: unit, text: text, groups: groups)
            for call in madeBy.keys.sorted() {
                guard let entry = filter.denial(of: call) else { continue }
                let runs = (madeBy[call] ?? []).sorted().joined(separator: ", ")
                refused.append("\(unit): \(call) (made by \(runs)) is denied by SystemCallFilter \(entry)")
            }
        }
        #expect(refused.isEmpty, "\(refused.joined(separator: "\n"))")
    }

    /// `crawler --help` (the Swift runtime alone).
    private func traceHelp() throws -> [(String, Set<String>)] {
        let trace = folder.file("help.trace")
        let run = try CrawlerProcess.run(SyscallTrace.arguments(output: trace) + [CrawlerProcess.binaryForAnyone, "--help"],
                                         in: folder.path, executable: SyscallTrace.strace)
        #expect(run.status == 0, "\(run.stderr)")
        return [("--help", SyscallTrace.syscalls(in: folder.read("help.trace") ?? ""))]
    }

    /// `crawler once` (as crawler-once.service runs it) over a healthy feed beside a missing one.
    private func traceOncePass() throws -> [(String, Set<String>)] {
        let farm = FeedFarm(feeds: 1, itemsPerFeed: 3)
        let server = try farm.server()
        try folder.write(config([("healthy", server.url("/feed/0.xml")), ("missing", server.url("/feed/404.xml"))],
                                store: "./once-store"), to: "once.yaml")
        let trace = folder.file("once.trace")
        let run = try CrawlerProcess.run(SyscallTrace.arguments(output: trace)
                                         + [CrawlerProcess.binaryForAnyone, "once", "--config", "once.yaml"],
                                         in: folder.path, executable: SyscallTrace.strace)
        #expect(run.status == 1, "\(run.stderr)")  // the missing feed fails; the healthy one is stored
        #expect(folder.files(under: "once-store/posts").count == farm.distinctItems, "\(run.stderr)")
        return [("once", SyscallTrace.syscalls(in: folder.read("once.trace") ?? ""))]
    }

    /// `crawler run` as crawler.service runs it: notify socket and watchdog, a reload by the unit's
    /// ExecReload= (`/bin/kill -HUP`, which runs under the same filter), then SIGTERM.
    private func traceDaemon() throws -> [(String, Set<String>)] {
        let farm = FeedFarm(feeds: 2, itemsPerFeed: 2)
        let server = try farm.server()
        try folder.write(config([("a", server.url("/feed/0.xml"))]), to: "feeds.yaml")
        let socket = try DatagramListener(path: folder.file("notify.sock"))
        chmod(socket.path, 0o666)
        let trace = folder.file("run.trace")
        let daemon = try DaemonProcess(
            arguments: SyscallTrace.arguments(output: trace)
                + [CrawlerProcess.binaryForAnyone, "run", "--config", "feeds.yaml", "--startup-spread", "0s"],
            in: folder.path, environment: ["NOTIFY_SOCKET": socket.path, "WATCHDOG_USEC": "400000"],
            executable: SyscallTrace.strace)
        guard let crawler = SyscallTrace.tracee(trace: trace) else {
            kill(daemon.process.processIdentifier, SIGKILL)
            Issue.record("no execve at the top of \(trace)")
            return []
        }
        defer {  // strace ignores SIGTERM (it traces into a file); the crawler is signalled itself
            if daemon.process.isRunning { kill(crawler, SIGKILL); kill(daemon.process.processIdentifier, SIGKILL) }
        }
        let ready = socket.receive(timeout: 20)
        #expect(ready?.hasPrefix("READY=1") == true, "\(ready ?? "nothing on the notify socket")")
        #expect(daemon.waitFor(timeout: 20) { $0["event"] == "fetch" && $0["feed"] == "a" }.count == 1)

        try folder.write(config([("a", server.url("/feed/0.xml")), ("b", server.url("/feed/1.xml"))]), to: "feeds.yaml")
        let reload = try CrawlerProcess.run(SyscallTrace.arguments(output: folder.file("reload.trace"))
                                            + ["/bin/kill", "-HUP", String(crawler)],
                                            in: folder.path, executable: SyscallTrace.strace)
        #expect(reload.status == 0, "\(reload.stderr)")
        #expect(daemon.waitFor(timeout: 20) { $0["event"] == "config_reload" }.first?["status"] == "applied")
        #expect(daemon.waitFor(timeout: 20) { $0["event"] == "fetch" && $0["feed"] == "b" }.first?["new"] == "2")
        let pings = (0..<20).lazy.compactMap { _ in socket.receive(timeout: 1) }
        #expect(pings.first { $0 == "WATCHDOG=1" } != nil)

        kill(crawler, SIGTERM)
        let stopping = Date()
        while daemon.process.isRunning && Date().timeIntervalSince(stopping) < 15 { usleep(10_000) }
        #expect(!daemon.process.isRunning, "still running 15 s after SIGTERM")
        if daemon.process.isRunning { kill(crawler, SIGKILL) }
        daemon.process.waitUntilExit()
        #expect(daemon.process.terminationStatus == 0)  // strace exits with its tracee's status
        #expect(folder.files(under: "store/posts").count == farm.distinctItems)
        return [("run", SyscallTrace.syscalls(in: folder.read("run.trace") ?? "")),
                ("ExecReload=/bin/kill", SyscallTrace.syscalls(in: folder.read("reload.trace") ?? ""))]
    }
}
