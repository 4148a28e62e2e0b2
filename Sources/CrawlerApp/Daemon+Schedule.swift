internal import FeedModel
internal import Config
internal import Store
internal import Schedule
internal import Logging

extension Daemon {
    /// Due times from the store; feeds never fetched (or overdue) are spread over the first
    /// minute so a restart does not burst every feed at once. Gone feeds stay unscheduled.
    func loadSchedule(from store: DocumentStore, now: Timestamp) {
        store.adoptRenamedFeeds(config.feeds, logger: logger)
        var schedule: [String: Timestamp] = [:]
        for feed in config.feeds {
            schedule[feed.name] = initialDue(for: feed, state: try? store.feedState(feed.name), now: now)
        }
        replaceSchedule(schedule)
    }

    func initialDue(for feed: FeedConfig, state: FeedState?, now: Timestamp) -> Timestamp? {
        guard let state, state.belongs(to: feed.url) else { return spread(feed, from: now) }
        if state.gone { return nil }
        guard let due = state.nextDue, due > now else { return spread(feed, from: now) }
        return due
    }

    private func spread(_ feed: FeedConfig, from now: Timestamp) -> Timestamp {
        let window = min(feed.interval, startupSpread)
        return window > 0 ? now.adding(Double.random(in: 0..<window)) : now
    }

    /// SIGHUP: re-read feeds.yaml. A broken file is rejected and the running config kept;
    /// otherwise added feeds start, removed ones stop, and changed ones take their new settings.
    func reload(store: DocumentStore) {
        var fresh: CrawlerConfig
        do {
            fresh = try ConfigLoader.load(path: configPathForReload)
            _ = try Pipeline(config: fresh, logger: Logger(label: "check"))  // the template must compile
        } catch {
            logReload(["status": "rejected", "error": "\(error)"], warning: true)
            return
        }
        fresh = RestartSettings.keepingRunning(fresh, running: config, logger: logger)
        store.adoptRenamedFeeds(fresh.feeds, logger: logger)
        let old = Dictionary(currentFeeds.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        let now = WallClock.now()
        var schedule = currentSchedule
        var added = 0, changed = 0
        for feed in fresh.feeds {
            if let previous = old[feed.name], previous == feed { continue }
            if old[feed.name] == nil { added += 1 } else { changed += 1 }
            // New and changed feeds (a new URL also revives a gone feed) are due soon.
            schedule[feed.name] = initialDue(for: feed, state: try? store.feedState(feed.name), now: now)
                ?? now.adding(0)
        }
        let names = Set(fresh.feeds.map(\.name))
        let removed = old.keys.filter { !names.contains($0) }.count
        for name in schedule.keys where !names.contains(name) { schedule[name] = nil }
        replaceConfig(fresh, schedule: schedule)
        logReload(["status": "applied", "feeds": "\(fresh.feeds.count)", "added": "\(added)",
                   "removed": "\(removed)", "changed": "\(changed)"], warning: false)
    }
}
