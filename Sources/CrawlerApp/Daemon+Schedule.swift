internal import FeedModel
internal import Config
internal import Store
internal import Schedule
internal import Logging
internal import Fetch

extension Daemon {
    /// Due times from the store; feeds never fetched (or overdue) are spread over the first
    /// minute so a restart does not burst every feed at once. Gone feeds stay unscheduled.
    /// Returns the states read, so the flow need not read them again.
    func loadSchedule(from store: DocumentStore, now: Timestamp) -> [String: FeedState?] {
        store.adoptRenamedFeeds(config.feeds, disabled: config.disabledFeeds, logger: logger)
        let names = config.feeds.map(\.name)
        let read = (try? store.feedStates(names)) ?? Pipeline.statesOneByOne(names, store: store)
        var states: [String: FeedState?] = [:]
        for feed in config.feeds {
            let state = StoredWaits.sane(read[feed.name], feed: feed, config: config, now: now, logger: logger)
            states[feed.name] = .some(state)
            noteStanding(of: feed, state)
            if let due = initialDue(for: feed, state: state, now: now) {
                queue.schedule(feed.name, at: due)
                // An interval changed while it was stopped moves the due time: saved, as a reload's.
                if let state { states[feed.name] = .some(keepRescheduled(state, due: due, interval: feed.interval, now: now, store: store)) }
            }
        }
        return states
    }

    func initialDue(for feed: FeedConfig, state: FeedState?, now: Timestamp) -> Timestamp? {
        guard let state, state.belongs(to: feed.url) else { return spread(feed, from: now) }
        if state.gone { return nil }
        guard let due = state.nextDue, due > now else { return spread(feed, from: now) }
        // A due time set by the configured interval alone follows a new one at once, shorter or
        // longer (round 64: a longer one got one more poll at the old rate); a wait a server asked
        // for (max-age, Retry-After, skipHours), a back-off after errors and an adaptive interval
        // stay as they were.
        guard !feed.adaptive, state.consecutiveErrors == 0, (state.notBefore.map { $0 <= now } ?? true),
              state.nextReason?.hasPrefix("configured interval") == true, state.nextReason?.contains(";") == false,
              let last = state.lastFetch else { return due }
        let configured = last.adding(feed.interval)
        // Sooner than the new interval's jitter would ever put it: the interval grew.
        if due < last.adding(feed.interval * 0.95) { return configured }
        guard configured < due else { return due }
        return configured > now ? configured : spread(feed, from: now)
    }

    /// A due time a new interval moved is saved with the feed's state: `explain` and `status`
    /// read it there, and said "now" of a feed the reload had put an hour away.
    private func keepRescheduled(_ state: FeedState, due: Timestamp, interval: Double, now: Timestamp,
                                 store: DocumentStore) -> FeedState {
        guard state.nextReason?.hasPrefix("configured interval") == true, let previous = state.nextDue, previous != due,
              previous > now else { return state }
        var moved = state
        moved.nextDue = due
        moved.nextReason = SchedulePolicy.configuredIntervalReason(interval)
        try? store.save(moved)
        return moved
    }

    /// A turn of the loop takes a quarter of a second or so; this much longer, the daemon was not
    /// running: stopped (SIGSTOP, a frozen cgroup), suspended with its machine, or its clock moved on.
    static let pauseNoticedAfterMilliseconds: Int64 = 5000

    /// After a pause, the feeds that came due meanwhile are spread as at a start: all asked for
    /// in the same instant, they stayed bunched at every interval after (round 64).
    func spreadOverdueAfterPause() {
        let started = WallClock.wallMilliseconds()
        defer { turnStartedAt = started }
        guard let last = turnStartedAt, started - last >= Self.pauseNoticedAfterMilliseconds else { return }
        let now = WallClock.now()
        let overdue = startupSpread > 0 ? queue.popDue(at: now) : []
        for entry in overdue {
            guard let feed = configuredFeed(named: entry.feed) else { continue }
            queue.schedule(entry.feed, at: spread(feed, from: now))
        }
        let reason = "the daemon did not run for a while (stopped, suspended, or its clock moved forward); the feeds "
            + "that came due meanwhile are spread as at a start (--startup-spread, at most each feed's interval)"
        logger.info("resumed", metadata: ["paused_s": "\((started - last) / 1000)", "overdue": "\(overdue.count)",
                                          "spread_s": "\(Int(startupSpread))", "reason": "\(reason)"])
    }

    private func spread(_ feed: FeedConfig, from now: Timestamp) -> Timestamp {
        let window = min(feed.interval, startupSpread)
        return window > 0 ? now.adding(Double.random(in: 0..<window)) : now
    }

    /// Feed names for a log line: the first 20, and how many more. A name holding a comma, a
    /// quote or a backslash is written in double quotes (`"alpha, beta",gamma`): joined bare, the
    /// list could not be split back into its names (round 66).
    /// At most 20, and as many as fit well inside a log value's 4 KB: cut there, the count went too.
    static func names(_ names: [String]) -> String {
        var shown: [String] = [], bytes = 0
        for name in names.prefix(20).map(listed) {
            guard bytes + name.utf8.count < 3_500 || shown.isEmpty else { break }
            shown.append(name)
            bytes += name.utf8.count + 1
        }
        return shown.joined(separator: ",") + (names.count > shown.count ? " (\(names.count - shown.count) more)" : "")
    }

    private static func listed(_ name: String) -> String {
        guard name.contains(where: { $0 == "," || $0 == "\"" || $0 == "\\" }) else { return name }
        return "\"" + name.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }

    /// SIGHUP: re-read feeds.yaml. A broken file is rejected and the running config kept;
    /// otherwise added feeds start, removed ones stop, and changed ones take their new settings,
    /// all in the running queue: the fetch engine and its connections stay.
    func reload(flow: PipelineFlow, store: DocumentStore) async {
        var fresh: CrawlerConfig
        let pipeline: Pipeline
        let modified = modificationTime(of: configPathForReload)
        do {
            fresh = OpenFileLimit.fitted(try ConfigLoader.load(path: configPathForReload))
            pipeline = try Pipeline(config: fresh, logger: logger)  // the template must compile
        } catch {
            logReload(["status": "rejected", "error": "\(error)"], warning: true, refused: true)
            return
        }
        // Documents in two formats or layouts must not mix: that takes a rerender, not a reload.
        guard StoreProfile.fingerprint(of: fresh) == StoreProfile.fingerprint(of: config) else {
            var reason = StoreProfile.changes(from: config, to: fresh).joined(separator: ", ") + " changed; "
            // A new store takes the new settings from its first document: a restart, no rerender.
            if fresh.storePath != config.storePath {
                reason += "so did store:, which takes a restart too: stop the crawler and start it again; nothing was applied"
            } else {
                reason += "documents in two formats or layouts must not mix in one store: stop the crawler, "
                    + "run `crawler store rerender`, then start it again; nothing was applied"
            }
            logReload(["status": "rejected", "error": "\(reason)"], warning: true, refused: true)
            return
        }
        let engineKeys = EngineSettingsChange.keys(from: engineSettings, to: FetchSettings(fresh))
        let kept = RestartSettings.keepingRunning(fresh, running: config, logger: logger)
        fresh = kept.config
        restartPending = kept.held + engineKeys
        let old = Dictionary(currentFeeds.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        let now = WallClock.now()
        // Where a feed's entry sits in the file is no setting: a line added above it changes none.
        let touched = fresh.feeds.filter { feed in old[feed.name].map { !$0.hasSameSettings(as: feed) } ?? true }
        let names = Set(fresh.feeds.map(\.name))
        let removed = old.keys.filter { !names.contains($0) }
        // What was submitted under settings that are no more is not fetched, or its answer not
        // kept: removing feeds that hammer a host stops the traffic at once, rather than after a
        // queue of a thousand requests drained, and a changed URL is asked for, not the old one.
        // (Before the states are read: a rename moves them in the store.)
        // A change that leaves a feed's request as it was (an interval, a category, a rule) keeps
        // its transfer, whose answer is read under the new settings: a changed global interval
        // stopped every transfer under way, and each server was asked twice (round 68).
        let askedAlike = touched.filter { feed in old[feed.name].map { FetchPlan.asksAlike($0, feed) } ?? false }
        flow.adopt(askedAlike)
        let stale = Set(removed + touched.map(\.name)).subtracting(askedAlike.map(\.name))
        flow.discard(stale)
        for name in stale { submitted[name] = nil }
        // Renames move rows the writer's batches write: once those in flight are written, and after
        // the discard, so that no answer fetched under an old name is stored under it afterwards.
        await flow.settleStore()
        let renames = store.adoptRenamedFeeds(fresh.feeds, disabled: fresh.disabledFeeds, logger: logger)
        let states = await flow.states(of: touched)
        var added: [String] = [], changed = 0
        // A renamed feed is the same feed (its state and documents moved to its new name).
        let renamedTo = Set(renames.map(\.to))
        for feed in touched {
            if old[feed.name] == nil { if !renamedTo.contains(feed.name) { added.append(feed.name) } } else { changed += 1 }
            noteStanding(of: feed, states[feed.name])
            // New and changed feeds (a new URL also revives a gone feed) are due soon; one whose
            // old transfer is still out waits for it (`submitDue`).
            let due = initialDue(for: feed, state: states[feed.name], now: now) ?? now
            queue.schedule(feed.name, at: due)
            if let state = states[feed.name] { _ = keepRescheduled(state, due: due, interval: feed.interval, now: now, store: store) }
        }
        for name in removed { queue.remove(name) }
        // The engine (and its connections) lives as long as the process: its own settings wait for a restart.
        replaceConfig(fresh)
        configModified = modified
        flow.reconfigure(pipeline)
        let renamedFrom = Set(renames.map(\.from))
        let gone = removed.filter { !renamedFrom.contains($0) }.sorted()
        var metadata: Logger.Metadata = ["status": "applied", "feeds": "\(fresh.feeds.count)", "added": "\(added.count)",
                                         "removed": "\(gone.count)", "changed": "\(changed)"]
        // Which ones: a removed feed not in flight was named nowhere else.
        if !added.isEmpty { metadata["added_feeds"] = "\(Self.names(added))" }
        if !gone.isEmpty { metadata["removed_feeds"] = "\(Self.names(gone))" }
        if !renames.isEmpty { metadata["renamed"] = "\(renames.count)" }
        if !engineKeys.isEmpty {
            let keys = engineKeys.joined(separator: ", ")
            metadata["restart_needed"] = "\(keys): changed; the running fetch engine keeps its values until the crawler is restarted"
        }
        logReload(metadata, warning: !engineKeys.isEmpty)
    }
}
