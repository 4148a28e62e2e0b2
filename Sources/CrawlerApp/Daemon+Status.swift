internal import FeedModel
internal import Schedule
internal import Store
internal import Fetch
internal import Logging
internal import Glibc

extension Daemon {
    /// The queue as it stands: for /metrics, systemd and `crawler status`. Lateness counts the
    /// feeds still waiting as late as they are now: a feed held 80 s behind its host's stalled
    /// transfers left the figures at p99 1 s until its own transfer ended.
    func runtimeFigures(flow: PipelineFlow, load: EngineLoad) -> DaemonRuntime {
        let now = WallClock.now()
        let wallNow = WallClock.wallMilliseconds()
        let activity = activities(flow: flow, load: load)
        let open = activity.filter { $0.phase == .waiting }.map { wallNow - $0.due }
        var runtime = DaemonRuntime(
            pid: getpid(), updated: now, feeds: config.feeds.count, scheduled: queue.count,
            due: queue.dueCount(at: now), submitted: submitted.count, inFlight: load.inFlight,
            waiting: load.waiting, latenessP50: lateness.percentile(0.5, including: open),
            latenessP99: lateness.percentile(0.99, including: open), latenessSamples: lateness.count,
            hosts: load.hosts.map {
                .init(host: $0.host, waiting: $0.waiting, oldestMilliseconds: $0.oldestMilliseconds,
                      heldMilliseconds: $0.heldMilliseconds, forSlot: $0.forSlot)
            },
            configRefused: configRefused, configModified: configModified)
            .failing(storeFailure)
        // The file stays small whatever the queue: a daemon started with every feed due at once.
        runtime.activity = Array(activity.prefix(10_000))
        runtime.restartPending = restartPending
        return runtime
    }

    /// What each submitted feed is doing: waiting for the engine, its transfer running, or
    /// fetched and being read or stored (the flow has its result).
    private func activities(flow: PipelineFlow, load: EngineLoad) -> [FeedActivity] {
        submitted.map { feed, submission in
            let phase: FeedActivity.Phase = load.running[feed] != nil ? .fetching
                : flow.awaitsFetch(feed) ? .waiting : .storing
            return FeedActivity(feed: feed, phase: phase, due: submission.due.secondsSince1970 * 1000,
                                started: submission.started)
        }.sorted { ($0.due, $0.feed) < ($1.due, $1.feed) }
    }

    /// Marks the submitted feeds whose transfer runs as started, counting their lateness then
    /// (due → started), not when their report comes a whole `timeout` later.
    func noteStarts(_ load: EngineLoad) {
        let now = WallClock.wallMilliseconds()
        for (feed, ran) in load.running {
            guard let submission = submitted[feed], submission.started == nil else { continue }
            let started = now - ran
            submitted[feed]?.started = started
            addLateness(started - submission.due.secondsSince1970 * 1000)
        }
    }

    func addLateness(_ milliseconds: Int64) {
        lateness.add(milliseconds: milliseconds)
        metrics?.setQueueLag(seconds: Double(max(0, milliseconds)) / 1000)
    }

    /// Says once that the runtime file cannot be written (and once that it can again): `status`
    /// then shows no queue, and tells from the store's lock that a daemon runs but says nothing.
    func noteRuntimeFile(_ problem: String?) {
        guard (problem == nil) != (runtimeFileProblem == nil) else { return }
        runtimeFileProblem = problem
        if let problem {
            logger.warning("runtime_file", metadata: [
                "error": "\(problem)", "store": "\(config.storePath)",
                "reason": "crawler status cannot show the daemon's queue, nor a failing store (a full disk, a read-only filesystem?)",
            ])
        } else {
            logger.info("runtime_file", metadata: ["status": "written again", "store": "\(config.storePath)"])
        }
    }

    /// A batch the store has been on for half a minute is a failing store too (a frozen, hung or
    /// dying filesystem): /healthz said "store writable" and nothing was logged while one froze.
    /// Said once when it starts, and cleared when the batch ends.
    func noteStoreBusy(_ milliseconds: Int64) {
        let slow = milliseconds >= 30_000
        let ours = storeFailure?.error.hasPrefix(Self.busyPrefix) == true
        let error = Self.busyPrefix + "\(milliseconds / 1000) s (a frozen, hung or failing filesystem?)"
        if slow, !storeSlowSaid {
            logger.warning("store_slow", metadata: ["error": "\(error)", "store": "\(config.storePath)"])
        } else if !slow, storeSlowSaid {
            logger.info("store_slow", metadata: ["status": "the batch ended", "store": "\(config.storePath)"])
        }
        storeSlowSaid = slow
        if slow, storeFailure == nil || ours {
            storeFailure = (storeFailure?.since ?? WallClock.now(), error)
            metrics?.setStoreFailing(error)
        } else if !slow, ours {
            storeFailure = nil
            metrics?.setStoreFailing(nil)
        }
    }

    static let busyPrefix = "store: one batch has been writing for "

    /// A report that could not be stored (or its state saved) marks the store failing; one that
    /// was saved whole clears it. /healthz, /metrics and `crawler status` say so: they said
    /// "store writable" on a full disk while every write failed.
    /// The store's failing and mending are logged once each (`store_failing`, `store_recovered`):
    /// an outage showed only as every feed's fetch lines, again at each retry.
    /// A document the store refused fails its feed alone: the store is not failing.
    func noteStoreHealth(_ report: FeedReport) {
        guard report.deferral == nil, !report.documentRefused else { return }
        if let error = report.error, error.hasPrefix("store:") || error.contains("feed state not saved") {
            if storeFailure == nil || storeFailure?.error.hasPrefix(Self.busyPrefix) == true {
                logger.error("store_failing", metadata: ["error": "\(error)", "feed": "\(report.feed)",
                                                         "store": "\(config.storePath)"])
            }
            storeFailure = (storeFailure?.since ?? WallClock.now(), "\(report.feed): \(error)")
        } else if report.error == nil, report.new > 0 || storeFailure?.error.contains("feed state not saved") == true {
            // A document stored mends a failure to store them; a state saved, one to save states.
            if let failure = storeFailure, !failure.error.hasPrefix(Self.busyPrefix) {
                logger.notice("store_recovered", metadata: [
                    "store": "\(config.storePath)", "after_s": "\(WallClock.now().secondsSince1970 - failure.since.secondsSince1970)",
                ])
            }
            storeFailure = nil
        }
        metrics?.setStoreFailing(storeFailure?.error)
    }
}

/// A feed handed to the flow and not reported yet: when it was due, when (wall-clock
/// milliseconds) it was handed over, and when its transfer was seen to start.
struct Submission {
    var due: Timestamp
    var at: Int64
    var started: Int64?
}

extension DaemonRuntime {
    func failing(_ failure: (since: Timestamp, error: String)?) -> DaemonRuntime {
        var runtime = self
        runtime.storeFailing = failure?.error
        runtime.storeFailingSince = failure?.since
        return runtime
    }
}

/// The daemon's `pass` line: no passes any more, so once a minute it sums up the fetches
/// reported since the last one, with the same keys a pass had.
struct PeriodSummary {
    static let periodMilliseconds: Int64 = 60_000
    private var startedAt = WallClock.milliseconds()
    private var feeds = 0, failed = 0, new = 0, duplicates = 0, bytes = 0

    mutating func add(_ report: FeedReport) {
        feeds += 1
        if report.error != nil { failed += 1 }
        new += report.new
        duplicates += report.duplicates
        bytes += report.bytes
    }

    /// The line's metadata once a period has passed (and starts the next one); nil before.
    mutating func takeIfDue(now: Int64) -> Logger.Metadata? {
        guard now - startedAt >= Self.periodMilliseconds else { return nil }
        let line: Logger.Metadata = ["feeds": "\(feeds)", "failed": "\(failed)", "new": "\(new)",
                                     "dup": "\(duplicates)", "bytes": "\(bytes)", "ms": "\(now - startedAt)"]
        self = PeriodSummary()
        return line
    }
}

extension WallClock {
    /// Milliseconds since 1970 (not monotonic): to compare with due times, which are wall-clock.
    static func wallMilliseconds() -> Int64 {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        return Int64(now.tv_sec) * 1000 + Int64(now.tv_nsec) / 1_000_000
    }
}
