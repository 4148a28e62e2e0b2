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

    /// `configPath`: the configuration file status read (an edit of it the daemon has not read is said).
    static func lines(_ runtime: DaemonRuntime, configPath: String? = nil) -> String {
        var lines = [
            "daemon:    pid \(runtime.pid), \(runtime.feeds) feeds",
            "queue:     \(runtime.scheduled) scheduled, \(runtime.due) due now, \(runtime.submitted) being fetched",
            "transfers: \(runtime.inFlight) in flight, \(runtime.waiting) waiting for a slot or their host",
            "lateness:  p50 \(seconds(runtime.latenessP50)), p99 \(seconds(runtime.latenessP99)) "
                + "(due → started, last \(runtime.latenessSamples) fetches)",
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
        if !runtime.hosts.isEmpty {
            lines.append("host waits: " + runtime.hosts.map { host in
                let held = host.heldMilliseconds > 0 ? "held \(seconds(host.heldMilliseconds)) more: it throttled several feeds" : nil
                let oldest = host.waiting > 0 ? "oldest \(seconds(host.oldestMilliseconds))" : nil
                return "\(host.host) \(host.waiting) (" + [oldest, held].compactMap { $0 }.joined(separator: "; ") + ")"
            }.joined(separator: ", "))
        }
        return lines.joined(separator: "\n")
    }

    private static func seconds(_ milliseconds: Int64) -> String {
        String(format: "%.1fs", Double(milliseconds) / 1000)
    }
}
