internal import Foundation
internal import Glibc
internal import Synchronization
internal import Fleet
internal import CLinux

/// A throwaway PostgreSQL cluster on 127.0.0.1 for the tests, from Debian's `postgresql` package:
/// initialised in a temp folder on first use, one per test process, stopped when the process
/// exits. Each test makes its own database in it. With CRAWLER_TEST_DATABASE_URL set
/// (`postgresql://user@127.0.0.1:5432`), that server is used instead.
public final class PostgresServer: Sendable {
    /// `postgresql://user@127.0.0.1:port`, without a database name.
    public let baseURL: String
    private let counter = Atomic<Int>(0)

    public enum ServerError: Error, CustomStringConvertible {
        case notInstalled
        case command(String, output: String)

        public var description: String {
            switch self {
            case .notInstalled:
                return "PostgreSQL's server is not installed (apt-get install -y postgresql: scripts/install-deps.sh), "
                    + "or set CRAWLER_TEST_DATABASE_URL to a server the tests may create databases on"
            case let .command(command, output):
                return "\(command) failed: \(output)"
            }
        }
    }

    /// How to stop a cluster of its own (`withClock`); nil for the shared one, stopped at exit.
    private let ownCluster: (stop: [String], folder: String)?

    private init(baseURL: String, ownCluster: (stop: [String], folder: String)? = nil) {
        self.baseURL = baseURL
        self.ownCluster = ownCluster
    }

    private static let started = Mutex<Result<PostgresServer, ServerError>?>(nil)

    /// The process's server, started on first use.
    public static func shared() throws(ServerError) -> PostgresServer {
        let result = started.withLock { current in
            if let current { return current }
            let fresh = Result { () throws(ServerError) in try start() }
            current = fresh
            return fresh
        }
        return try result.get()
    }

    /// A new, empty database; returns its URL.
    public func makeDatabase() throws -> String {
        let name = "crawler_test_\(getpid())_\(counter.add(1, ordering: .relaxed).newValue)"
        let admin = try PostgresConnection(url: baseURL + "/postgres")
        try admin.execute("DROP DATABASE IF EXISTS \(name)")
        try admin.execute("CREATE DATABASE \(name)")
        return baseURL + "/" + name
    }

    private static func start() throws(ServerError) -> PostgresServer {
        if let url = ProcessInfo.processInfo.environment["CRAWLER_TEST_DATABASE_URL"], !url.isEmpty {
            return PostgresServer(baseURL: url.hasSuffix("/") ? String(url.dropLast()) : url)
        }
        let cluster = try launch(environment: [])
        stopCommand.withLock { $0 = cluster.stop }
        self.cluster.withLock { $0 = cluster.folder }
        atexit { PostgresServer.stop() }
        return PostgresServer(baseURL: cluster.url)
    }

    static let fakeTime = "/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1"

    /// A cluster of its own whose clock runs `offsetSeconds` from this machine's (through
    /// libfaketime, Debian's `faketime`): the database of a fleet whose nodes' clocks are off.
    /// Stopped by `stop()`, or when this process ends.
    public static func withClock(offsetSeconds: Int) throws(ServerError) -> PostgresServer {
        guard access(fakeTime, R_OK) == 0 else { throw .command("libfaketime", output: "apt-get install -y faketime") }
        let sign = offsetSeconds < 0 ? "-" : "+"
        let cluster = try launch(environment: ["LD_PRELOAD=\(fakeTime)", "FAKETIME=\(sign)\(abs(offsetSeconds))s",
                                                "DONT_FAKE_MONOTONIC=1"])
        return PostgresServer(baseURL: cluster.url, ownCluster: (cluster.stop, cluster.folder))
    }

    /// Stops a cluster of its own and removes its folder (the shared one is stopped at exit).
    public func stop() {
        guard let ownCluster else { return }
        try? Self.run(ownCluster.stop)
        try? FileManager.default.removeItem(atPath: ownCluster.folder)
    }

    /// initdb and pg_ctl start in a new temp folder, the server's process given `environment`.
    private static func launch(environment: [String]) throws(ServerError) -> (url: String, stop: [String], folder: String) {
        guard let bin = serverBinaries() else { throw .notInstalled }
        let folder = NSTemporaryDirectory() + "crawler-pg-" + UUID().uuidString
        let data = folder + "/data"
        try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        // initdb refuses to run as root: the cluster belongs to the postgres user then.
        let asUser: [String] = geteuid() == 0 ? ["/usr/sbin/runuser", "-u", "postgres", "--"] : []
        if geteuid() == 0 { chown(folder, postgresUID() ?? 0, gid_t(0)) }
        try run(asUser + [bin + "/initdb", "-D", data, "-U", "postgres", "-A", "trust", "--no-sync", "-E", "UTF8",
                          "--no-locale"])
        let port = LoopbackPort.unused()
        let withEnvironment = environment.isEmpty ? [] : ["/usr/bin/env"] + environment
        try run(asUser + withEnvironment + [bin + "/pg_ctl", "-D", data, "-l", folder + "/server.log", "-w", "-o",
                                            "-h 127.0.0.1 -p \(port) -k \(folder) -F -c max_connections=300", "start"])
        let stop = asUser + [bin + "/pg_ctl", "-D", data, "-m", "immediate", "stop"]
        // However this process ends (a crash, SIGKILL, an exit that skips atexit), the cluster goes too.
        let quoted = stop.map { "'\($0)'" }.joined(separator: " ")
        try? run(["/bin/sh", "-c", "while kill -0 \(getpid()) 2>/dev/null; do sleep 1; done; \(quoted) >/dev/null 2>&1; "
                  + "rm -rf '\(folder)'"], wait: false)
        return ("postgresql://postgres@127.0.0.1:\(port)", stop, folder)
    }

    private static let stopCommand = Mutex<[String]>([])
    private static let cluster = Mutex<String?>(nil)

    private static func stop() {
        let command = stopCommand.withLock { $0 }
        guard !command.isEmpty else { return }
        try? run(command)
        if let folder = cluster.withLock({ $0 }) { try? FileManager.default.removeItem(atPath: folder) }
    }

    private static func serverBinaries() -> String? {
        let root = "/usr/lib/postgresql"
        let versions = (try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []
        return versions.compactMap(Int.init).sorted().reversed().map { "\(root)/\($0)/bin" }
            .first { FileManager.default.isExecutableFile(atPath: $0 + "/initdb") }
    }

    private static func postgresUID() -> uid_t? {
        getpwnam("postgres").map { $0.pointee.pw_uid }
    }

    /// Runs a command to its end with posix_spawn and waitpid (no run loop involved), its output
    /// going to a log file quoted in the error when it fails.
    private static func run(_ command: [String], wait: Bool = true) throws(ServerError) {
        let log = NSTemporaryDirectory() + "crawler-pg-command-\(getpid())-\(UUID().uuidString).log"
        defer { unlink(log) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, log, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        // Nothing else the test process has open: a pipe another test is reading would not see
        // its end while this long-lived server held a copy of its write end.
        crawler_spawn_close_from(&actions, 3)
        var arguments = command.map { strdup($0) } + [nil]
        defer { arguments.forEach { free($0) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, command[0], &actions, nil, &arguments, environ)
        guard spawned == 0 else { throw .command(command.joined(separator: " "), output: "spawn failed: \(spawned)") }
        guard wait else { return }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        guard status == 0 else {
            let output = FileManager.default.contents(atPath: log).map { String(decoding: $0, as: UTF8.self) } ?? ""
            throw .command(command.joined(separator: " "), output: output)
        }
    }
}

extension PostgresServer {
    /// `posts sync` takes rows only from transactions older than every one still open in the
    /// cluster (so none is skipped); the suites running beside share this server, and an open
    /// transaction of theirs holds rows back. Waits (up to 30 s) until the documents of
    /// `database` are all past that horizon, so a test's sync sees every row its passes stored.
    public static func waitUntilDocumentsAreSyncable(in database: String) throws {
        let connection = try PostgresConnection(url: database)
        let sql = "SELECT coalesce(max(xid) < pg_snapshot_xmin(pg_current_snapshot()), true) FROM documents"
        for _ in 0..<600 {
            if try connection.query(sql).rows.first?[0] == "t" { return }
            Thread.sleep(forTimeInterval: 0.05)
        }
    }
}
