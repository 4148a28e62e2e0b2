public import FeedModel
internal import Glibc

/// What a running daemon is doing, published in its store as `runtime` every few seconds so
/// `crawler status` (which only reads) can show the queue: feeds scheduled and due, transfers in
/// flight, lateness, and the hosts holding requests back. Not durable and not part of the
/// documents: lost or stale, it only means status shows less.
public struct DaemonRuntime: Sendable, Hashable {
    public var pid: Int32
    /// When this was written.
    public var updated: Timestamp
    public var feeds: Int
    /// Feeds waiting in the due-queue, and how many of them are due now.
    public var scheduled: Int
    public var due: Int
    /// Feeds handed to the fetch engine and not reported yet; transfers running; requests waiting for a slot.
    public var submitted: Int
    public var inFlight: Int
    public var waiting: Int
    /// Due → transfer started, over the feeds started recently and those still waiting (milliseconds).
    public var latenessP50: Int64
    public var latenessP99: Int64
    public var latenessSamples: Int
    public var hosts: [HostRow]
    /// When a reload last refused a changed feeds.yaml (nil: the running configuration is the
    /// file's, or was at the last reload that worked).
    public var configRefused: Timestamp?
    /// The modification time (nanoseconds since 1970) the configuration file had when the running
    /// configuration was read from it: a later one is an edit not applied yet.
    public var configModified: Int64?
    /// The store's last failure while no write has worked since (a full disk, a read-only
    /// remount), and when such failures began; nil while the store takes what it is given.
    public var storeFailing: String?
    public var storeFailingSince: Timestamp?
    /// The feeds handed to the fetch engine and not reported yet, each with what it is doing.
    public var activity: [FeedActivity] = []
    /// feeds.yaml keys changed since the daemon started that wait for a restart.
    public var restartPending: [String] = []

    public struct HostRow: Sendable, Hashable {
        public var host: String
        public var waiting: Int
        public var oldestMilliseconds: Int64
        /// How much longer the host is held back for throttling several feeds (0: it is not).
        public var heldMilliseconds: Int64
        /// Its requests wait for a free `concurrency` slot, not for their host.
        public var forSlot: Bool

        public init(host: String, waiting: Int, oldestMilliseconds: Int64, heldMilliseconds: Int64 = 0, forSlot: Bool = false) {
            self.host = host
            self.waiting = waiting
            self.oldestMilliseconds = oldestMilliseconds
            self.heldMilliseconds = heldMilliseconds
            self.forSlot = forSlot
        }
    }

    public init(pid: Int32, updated: Timestamp, feeds: Int, scheduled: Int, due: Int, submitted: Int, inFlight: Int,
                waiting: Int, latenessP50: Int64, latenessP99: Int64, latenessSamples: Int, hosts: [HostRow],
                configRefused: Timestamp? = nil, configModified: Int64? = nil) {
        self.pid = pid
        self.updated = updated
        self.feeds = feeds
        self.scheduled = scheduled
        self.due = due
        self.submitted = submitted
        self.inFlight = inFlight
        self.waiting = waiting
        self.latenessP50 = latenessP50
        self.latenessP99 = latenessP99
        self.latenessSamples = latenessSamples
        self.hosts = hosts
        self.configRefused = configRefused
        self.configModified = configModified
    }

    /// One `key value` per line; a host per `host` line (host names hold no spaces).
    var text: String {
        var lines = ["pid \(pid)", "updated \(updated.secondsSince1970)", "feeds \(feeds)", "scheduled \(scheduled)",
                     "due \(due)", "submitted \(submitted)", "in_flight \(inFlight)", "waiting \(waiting)",
                     "lateness_p50_ms \(latenessP50)", "lateness_p99_ms \(latenessP99)",
                     "lateness_samples \(latenessSamples)"]
        if let configRefused { lines.append("config_refused \(configRefused.secondsSince1970)") }
        if let configModified { lines.append("config_modified_ns \(configModified)") }
        if !restartPending.isEmpty { lines.append("restart_pending " + restartPending.joined(separator: ",")) }
        if let storeFailing, let storeFailingSince {
            lines.append("store_failing_since \(storeFailingSince.secondsSince1970)")
            lines.append("store_failing " + storeFailing.filter { $0 != "\n" && $0 != "\r" })
        }
        lines += hosts.map { "host \($0.host) \($0.waiting) \($0.oldestMilliseconds) \($0.heldMilliseconds) \($0.forSlot ? 1 : 0)" }
        lines += activity.map(\.line)
        return lines.joined(separator: "\n") + "\n"
    }

    init?(text: String) {
        var values: [String: Int64] = [:]
        var hosts: [HostRow] = []
        var failing: String?
        var activity: [FeedActivity] = []
        var pending: [String] = []
        for line in text.split(separator: "\n") {
            if line.hasPrefix("store_failing ") {
                failing = String(line.dropFirst("store_failing ".count))
                continue
            }
            if line.hasPrefix("restart_pending ") {
                pending = line.dropFirst("restart_pending ".count).split(separator: ",").map(String.init)
                continue
            }
            if line.hasPrefix("feed ") {
                if let feed = FeedActivity(line: line) { activity.append(feed) }
                continue
            }
            let fields = line.split(separator: " ")
            // Daemons of versions before wrote no held time, and no slot flag.
            if (4...6).contains(fields.count), fields[0] == "host", let waiting = Int(fields[2]), let oldest = Int64(fields[3]) {
                let held = fields.count >= 5 ? Int64(fields[4]) ?? 0 : 0
                hosts.append(HostRow(host: String(fields[1]), waiting: waiting, oldestMilliseconds: oldest, heldMilliseconds: held,
                                     forSlot: fields.count == 6 && fields[5] == "1"))
            } else if fields.count == 2, let value = Int64(fields[1]) {
                values[String(fields[0])] = value
            }
        }
        func int(_ key: String) -> Int? { values[key].map { Int(truncatingIfNeeded: $0) } }
        guard let pid = values["pid"], let updated = values["updated"], let feeds = int("feeds"),
              let scheduled = int("scheduled"), let due = int("due"), let submitted = int("submitted"),
              let inFlight = int("in_flight"), let waiting = int("waiting"), let p50 = values["lateness_p50_ms"],
              let p99 = values["lateness_p99_ms"], let samples = int("lateness_samples") else { return nil }
        self.init(pid: Int32(truncatingIfNeeded: pid), updated: Timestamp(secondsSince1970: updated), feeds: feeds,
                  scheduled: scheduled, due: due, submitted: submitted, inFlight: inFlight, waiting: waiting,
                  latenessP50: p50, latenessP99: p99, latenessSamples: samples, hosts: hosts)
        configRefused = values["config_refused"].map(Timestamp.init(secondsSince1970:))
        configModified = values["config_modified_ns"]
        storeFailingSince = values["store_failing_since"].map(Timestamp.init(secondsSince1970:))
        storeFailing = storeFailingSince == nil ? nil : failing
        self.activity = activity
        restartPending = pending
    }
}

/// What a feed handed to the fetch engine is doing: `crawler status` and `explain` showed one
/// fetched for minutes as "never fetched", due "within a minute of the daemon's start".
public struct FeedActivity: Sendable, Hashable {
    public enum Phase: String, Sendable {
        /// For a transfer slot, or its host's politeness.
        case waiting
        case fetching
        /// Fetched: its body being read, or its documents waiting for their batch to be stored.
        case storing
    }

    public var feed: String
    public var phase: Phase
    /// When it was due, and when its transfer started (nil unless seen running): wall clock, milliseconds since 1970.
    public var due: Int64
    public var started: Int64?

    public init(feed: String, phase: Phase, due: Int64, started: Int64?) {
        self.feed = feed
        self.phase = phase
        self.due = due
        self.started = started
    }

    /// `feed PHASE DUE STARTED NAME`: the name last, spaces and all (0: not seen starting).
    var line: String {
        "feed \(phase.rawValue) \(due) \(started ?? 0) " + feed.filter { $0 != "\n" && $0 != "\r" }
    }

    init?(line: Substring) {
        let fields = line.split(separator: " ", maxSplits: 4, omittingEmptySubsequences: false)
        guard fields.count == 5, let phase = Phase(rawValue: String(fields[1])), let due = Int64(fields[2]),
              let started = Int64(fields[3]), !fields[4].isEmpty else { return nil }
        self.init(feed: String(fields[4]), phase: phase, due: due, started: started == 0 ? nil : started)
    }
}

/// A file's modification time in nanoseconds since 1970; nil when it cannot be read.
public func modificationTime(of path: String) -> Int64? {
    var info = stat()
    guard stat(path, &info) == 0 else { return nil }
    return Int64(info.st_mtim.tv_sec) * 1_000_000_000 + Int64(info.st_mtim.tv_nsec)
}

/// The store's `runtime` file: written whole to a temporary name and renamed, so a reader sees
/// the last complete one. Not synced: it describes the moment, not the store.
public enum RuntimeFile {
    static let name = "runtime"

    /// Writes it; returns why it could not be (nil when it was), for the daemon to say once:
    /// on a store it cannot write to, `status` had nothing from it and called every feed ok.
    @discardableResult
    public static func write(_ runtime: DaemonRuntime, storePath: String) -> String? {
        let path = storePath + "/" + name
        let temporary = path + ".tmp"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0o644)
        guard descriptor >= 0 else { return "create \(temporary): \(String(cString: strerror(errno)))" }
        let bytes = Array(runtime.text.utf8)
        let written = bytes.withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress, $0.count) }
        let problem = written < 0 ? String(cString: strerror(errno)) : "\(written) of \(bytes.count) bytes written"
        close(descriptor)
        guard written == bytes.count else {
            unlink(temporary)
            return "write \(temporary): \(problem)"
        }
        guard rename(temporary, path) == 0 else { return "rename \(temporary): \(String(cString: strerror(errno)))" }
        return nil
    }

    /// On a clean shutdown: no daemon runs on this store any more.
    public static func remove(storePath: String) {
        unlink(storePath + "/" + name)
    }

    /// The last runtime published in the store at `storePath`, if any.
    public static func read(storePath: String) -> DaemonRuntime? {
        let descriptor = open(storePath + "/" + name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while bytes.count < 4 << 20 {
            let count = Glibc.read(descriptor, &chunk, chunk.count)
            guard count > 0 else { break }
            bytes += chunk[..<count]
        }
        return DaemonRuntime(text: String(decoding: bytes, as: UTF8.self))
    }
}
