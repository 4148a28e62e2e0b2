import FeedModel
import Foundation
import Store

/// The running daemon's queue, as `crawler status` shows it above the feeds: read from the
/// runtime file the daemon refreshes in its store every few seconds.
enum DaemonStatusText {
    /// The published runtime, if a daemon on this store is alive and wrote it recently.
    static func running(storePath: String, now: Timestamp) -> DaemonRuntime? {
        guard let runtime = RuntimeFile.read(storePath: storePath),
              now.secondsSince1970 - runtime.updated.secondsSince1970 <= 30,
              kill(runtime.pid, 0) == 0 || errno == EPERM else { return nil }
        // A daemon killed an instant ago stays in the process table until its parent reaps it;
        // its lock on the store went with it.
        if StoreReader.canTellLockHolders, StoreReader.lockHolder(root: storePath) != runtime.pid { return nil }
        return runtime
    }

    /// A `crawler run` that holds the store's lock but has published no queue for a while: it
    /// cannot write to the store (its runtime file among the rest). Without this, `status` on a
    /// daemon started on a full disk showed the states saved before it and said "no failing feeds".
    static func silent(storePath: String, now: Timestamp) -> String? {
        guard StoreReader.canTellLockHolders, let pid = StoreReader.lockHolder(root: storePath),
              ProcessFacts.arguments(of: pid).dropFirst().contains("run"),
              let age = ProcessFacts.secondsRunning(pid), age > 10 else { return nil }
        let published = RuntimeFile.read(storePath: storePath).flatMap { $0.pid == pid ? $0 : nil }
        let ago = published.map { now.secondsSince1970 - $0.updated.secondsSince1970 }
        if let ago, ago <= 30 { return nil }
        let last = ago.map { "last \(StatusTable.words($0)) ago" } ?? "never"
        return "daemon:    pid \(pid) has run on this store for \(StatusTable.words(age)), but has published its queue "
            + "\(last): it cannot write to the store (a full disk, a read-only filesystem?); the feeds' states below may "
            + "be older than its fetches, and its log (event=runtime_file, and its fetch lines) says why"
    }

    /// `configPath`: the configuration file status read (an edit of it the daemon has not read is said).
    static func lines(_ runtime: DaemonRuntime, configPath: String? = nil) -> String {
        var lines = [
            "daemon:    pid \(runtime.pid), \(runtime.feeds) feeds",
            "queue:     \(runtime.scheduled) scheduled, \(runtime.due) due now, \(runtime.submitted) submitted" + phases(runtime),
            "transfers: \(runtime.inFlight) in flight, \(runtime.waiting) waiting for a slot or their host"
                + (runtime.inFlight + runtime.waiting > runtime.submitted ? " (full-content pages and images too)" : ""),
            "lateness:  p50 \(seconds(runtime.latenessP50)), p99 \(seconds(runtime.latenessP99)) "
                + "(due → started: the last \(runtime.latenessSamples) feeds started" + waitingNow(runtime) + ")",
        ]
        if let failing = runtime.storeFailing, let since = runtime.storeFailingSince {
            lines.append("store:     failing since \(since.rfc3339): nothing is stored or saved until it is mended "
                         + "(a full disk, a read-only filesystem?); last: \(failing)")
        }
        if let refused = runtime.configRefused {
            lines.append("config:    a reload refused the changed feeds.yaml at \(refused.rfc3339) (the config_reload line in the "
                         + "log says why); the daemon runs the configuration read before")
        } else if let configPath, let read = runtime.configModified, let now = modificationTime(of: configPath), now > read {
            // `status` lists the file's feeds: one removed there is still polled, one added not yet.
            lines.append("config:    \(configPath) was changed after the daemon read it: the daemon runs the configuration "
                         + "read before until a reload (systemctl reload crawler, or SIGHUP); the feeds below are the file's")
        }
        if !runtime.restartPending.isEmpty {
            lines.append("config:    \(runtime.restartPending.joined(separator: ", ")) changed in feeds.yaml since the daemon "
                         + "started and take a restart (systemctl restart crawler); until then it keeps their running values")
        }
        if !runtime.hosts.isEmpty {
            lines.append("host waits: " + runtime.hosts.map { host in
                let held = host.heldMilliseconds > 0 ? "held \(seconds(host.heldMilliseconds)) more: it throttled several feeds" : nil
                let oldest = host.waiting > 0 ? "oldest \(seconds(host.oldestMilliseconds))" : nil
                let slot = host.forSlot ? "for a free slot: other hosts' transfers hold every one of concurrency" : nil
                return "\(host.host) \(host.waiting) (" + [oldest, held, slot].compactMap { $0 }.joined(separator: "; ") + ")"
            }.joined(separator: ", "))
        }
        return lines.joined(separator: "\n")
    }

    /// The submitted feeds by what they are doing, adding up to the count: the figures read
    /// "9 being fetched" beside "5 in flight, 1 waiting", the rest fetched and being stored.
    private static func phases(_ runtime: DaemonRuntime) -> String {
        guard runtime.submitted > 0, runtime.activity.count == runtime.submitted else { return "" }
        let count = { (phase: FeedActivity.Phase) in runtime.activity.count { $0.phase == phase } }
        return ": \(count(.fetching)) being fetched, \(count(.waiting)) waiting for a slot or their host, "
            + "\(count(.storing)) fetched and being read or stored"
    }

    private static func waitingNow(_ runtime: DaemonRuntime) -> String {
        let waiting = runtime.activity.count { $0.phase == .waiting }
        return waiting == 0 ? "" : ", and \(waiting) still waiting, counted as late as they are now"
    }

    /// A submitted feed in `status`'s NEXT DUE column and `explain`'s `now:` line.
    static func phrase(_ activity: FeedActivity, now: Timestamp) -> String {
        let since = { (milliseconds: Int64) in StatusTable.words(now.secondsSince1970 - milliseconds / 1000) }
        switch activity.phase {
        case .waiting: return "waiting \(since(activity.due))"
        case .fetching: return "fetching \(since(activity.started ?? activity.due))"
        case .storing: return "storing"
        }
    }

    private static func seconds(_ milliseconds: Int64) -> String {
        String(format: "%.1fs", Double(milliseconds) / 1000)
    }
}

/// What /proc tells of another process.
enum ProcessFacts {
    /// Its command line's arguments (none when it cannot be read).
    static func arguments(of pid: Int32) -> [String] {
        guard let data = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline") else { return [] }
        return data.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
    }

    /// How long it has run, from its start time in /proc/PID/stat and the system's uptime.
    static func secondsRunning(_ pid: Int32) -> Int64? {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let uptime = try? String(contentsOfFile: "/proc/uptime", encoding: .utf8),
              let nameEnd = stat.lastIndex(of: ")") else { return nil }
        // After the name: state is field 3, start time (clock ticks after boot) field 22.
        let fields = stat[stat.index(after: nameEnd)...].split(separator: " ")
        guard fields.count > 19, let started = Double(fields[19]),
              let up = uptime.split(separator: " ").first.flatMap({ Double($0) }) else { return nil }
        return Int64(up - started / Double(sysconf(Int32(_SC_CLK_TCK))))
    }
}
