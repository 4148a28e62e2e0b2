import ArgumentParser
import Config
import CrawlerApp
import FeedModel
import Store
import Fleet
import Fetch

struct Explain: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "explain",
        abstract: "Explain one feed: why it is due when it is, its validators, last error and recent documents."
    )

    @Argument(help: "The feed's name or URL.")
    var feed: String

    @OptionGroup var location: StoreLocation

    func run() throws {
        if location.store == nil, let fleet = location.fleetSettings() { return try runInFleet(fleet) }
        let settings = try? ConfigLoader.load(path: location.config)
        let configured = settings.flatMap { ($0.feeds + $0.disabledFeeds).first(where: matches) }
        let name = configured?.name ?? feed
        let reader: StoreReader
        let state: FeedState?
        let recent: [StoreReader.RecentDocument]
        do {
            // A store named on the command line that is not there: a typo, not a feed never fetched.
            if location.store != nil, !StorePresence.isStore(try location.path()) {
                printError("crawler: no store at \(try location.path())" + StorePresence.lostIndexHint(try location.path()))
                throw ExitStatus.storeUnavailable
            }
            reader = try StoreReader(path: try location.path())
            try reader.checkIndexKnowsItsDocuments()
            // A feed renamed since the last crawl: its old name's state, as `status` shows it.
            let renamed = try settings.flatMap { settings in
                StatusRows.build(settings, states: try reader.allFeedStates(), now: WallClock.now())
                    .first { $0.name == name }?.state
            }
            state = try renamed ?? reader.feedState(name)
            recent = try reader.recentDocuments(feed: state?.feed ?? name)
        } catch let exit as ExitCode {
            throw exit
        } catch {
            printError("crawler: \(error)")
            throw ExitStatus.storeUnavailable
        }
        guard configured != nil || state != nil else {
            printError("crawler: no feed named or at '\(TerminalText.oneLine(feed))' in \(location.config) or the store")
            throw ExitStatus.configError
        }
        let disabled = settings?.disabledFeeds.contains(where: matches) ?? false
        let now = WallClock.now()
        let activity = (try? location.path()).flatMap { DaemonStatusText.running(storePath: $0, now: now) }?
            .activity.first { $0.feed == name }
        printOutput(ExplainText.render(name: name, configured: configured, state: state, recent: recent, now: now,
                                       configRead: settings != nil, disabled: disabled, activity: activity))
        // Its "next due" is no promise while no crawl starts on the store.
        if location.store == nil, let settings, let problem = Check.profileProblem(settings) {
            printOutput("store:       " + problem)
        }
    }
}

extension Explain {
    /// By name, or by URL written any way that names the same feed, as `once --feed` finds it.
    private func matches(_ candidate: FeedConfig) -> Bool {
        // Names as feeds.yaml tells them apart: `ALPHA` is `alpha` (the file refuses both at once).
        FeedNames.key(candidate.name) == FeedNames.key(feed) || URLIdentity.key(candidate.url) == URLIdentity.key(feed)
    }

    private func runInFleet(_ settings: CrawlerConfig) throws {
        let database = try FleetSetup.open(settings)
        let status: FleetFeedStatus?
        let now = WallClock.now()
        do {
            status = try database.feedStatuses().first { matches($0.feed.config) }?.inClock(of: database, now: now)
        } catch {
            printError("crawler: \(error)")
            throw ExitStatus.storeUnavailable
        }
        guard let status else {
            printError("crawler: no feed named or at '\(TerminalText.oneLine(feed))' in the database \(database.displayURL)")
            throw ExitStatus.configError
        }
        var state = status.state
        state?.nextDue = status.nextDue
        printOutput(ExplainText.render(name: status.feed.config.name, configured: status.feed.config, state: state,
                                       recent: [], now: now))
        printOutput(FleetStatusText.holder(status))
    }
}

enum ExplainText {
    /// `configRead`: a configuration was read (without one, `--store` alone, nothing says the
    /// feed was removed: a running daemon may poll it every minute).
    /// `disabled`: `enabled: false` in the configuration (it said such a feed was due).
    static func render(name: String, configured: FeedConfig?, state: FeedState?,
                       recent: [StoreReader.RecentDocument], now: Timestamp, configRead: Bool = true,
                       disabled: Bool = false, activity: FeedActivity? = nil) -> String {
        var lines = ["feed:        \(name)"]
        let doing = activity.map { nowLine($0, now: now) }
        let removed = configured == nil && configRead
        lines.append("url:         \(configured?.url ?? state?.url ?? "?")"
                     + (removed ? "   (no longer in the configuration)"
                        : configured == nil ? "   (no configuration read: -c names the crawler's feeds.yaml)" : ""))
        if let configured, let state, state.belongs(to: configured.url) {
            lines += redirects(configured, state: state)
        }
        if let configured { lines.append("interval:    \(StatusTable.words(Int64(configured.interval))) (configured)") }
        // As `status` says: a state of another url is no longer this feed's (the next pass fetches
        // it anew); its documents are.
        if let configured, let old = state, !old.belongs(to: configured.url) {
            lines.append("state:       never fetched at this url: its url changed in feeds.yaml since its last fetch "
                         + "(from \(SecretRedaction.redactURL(old.url))); fetched anew at the next pass")
            lines.append("documents:   \(old.documents) stored")
            return lines.joined(separator: "\n")
        }
        guard let state else {
            lines.append(disabled ? "state:       never fetched; disabled (enabled: false): not fetched until enabled"
                         : doing != nil ? "state:       never fetched before"
                         : "state:       never fetched; due at the daemon's start (within its --startup-spread, a minute unless set)")
            if let doing { lines.append(doing) }
            return lines.joined(separator: "\n")
        }
        lines.append("last fetch:  " + (state.lastFetch.map { "\($0.rfc3339) (\(StatusTable.ago($0, now: now)))" } ?? "never"))
        lines.append("last status: \(state.lastStatus.map(String.init) ?? "no response")"
                     + (state.lastError.map { " — \($0)" } ?? ""))
        lines.append("errors:      \(state.consecutiveErrors) in a row")
        if removed {
            lines.append("next due:    never — no longer in the configuration")
        } else if disabled {
            lines.append("next due:    never — disabled (enabled: false) in the configuration")
        } else if state.gone {
            lines.append("next due:    never — 410 Gone; change its url in the configuration to poll it again")
        } else {
            lines.append("next due:    " + (state.nextDue.map { "\($0.rfc3339) (\(StatusTable.until($0, now: now)))" } ?? "unscheduled"))
            lines.append("because:     \(state.nextReason ?? "no decision recorded yet")")
            // The daemon's next fetch may come later (a back-off); `once` asks after the hold alone.
            if let configured, let hold = FeedHold.of(configured, state: state, now: now) {
                lines.append("held:        \(hold.reason); `crawler once` leaves it out until then (--force fetches it)")
            }
        }
        if let doing { lines.append(doing) }
        if let adaptive = state.adaptiveInterval { lines.append("adaptive:    \(StatusTable.words(Int64(adaptive)))") }
        lines.append("validators:  ETag \(state.validators.etag.map(ValidatorText.shown) ?? "none"), "
                     + "Last-Modified \(state.validators.lastModified.map(ValidatorText.shown) ?? "none")")
        lines.append("documents:   \(state.documents) stored" + (recent.isEmpty ? "" : "; most recent:"))
        for document in recent {
            lines.append("  \(document.storedAt.rfc3339)  \(document.path)"
                         + (document.revises.map { "  (revises \($0))" } ?? ""))
        }
        return lines.joined(separator: "\n")
    }

    /// What the running daemon is doing with the feed: `explain` said "due within a minute of
    /// the daemon's start" of one being fetched for minutes.
    private static func nowLine(_ activity: FeedActivity, now: Timestamp) -> String {
        let due = Timestamp(milliseconds: activity.due)
        switch activity.phase {
        case .waiting:
            return "now:         waiting for a transfer slot or its host since it was due at \(due.rfc3339) "
                + "(\(StatusTable.ago(due, now: now)))"
        case .fetching:
            let started = Timestamp(milliseconds: activity.started ?? activity.due)
            let late = StatusTable.words(max(0, ((activity.started ?? activity.due) - activity.due) / 1000))
            return "now:         being fetched since \(started.rfc3339) (\(StatusTable.ago(started, now: now)); due at "
                + "\(due.rfc3339), started \(late) late)"
        case .storing:
            return "now:         fetched; its documents being read or stored"
        }
    }

    /// A feed that moved for good is asked for where it went: the operator sees which URL that is,
    /// and one it is still moving to.
    private static func redirects(_ feed: FeedConfig, state: FeedState) -> [String] {
        var lines: [String] = []
        let fetched = FetchedURL.of(feed, state: state)
        if fetched != feed.url {
            lines.append("fetched at:  \(fetched)   (a permanent redirect, adopted; the url above is no longer asked)")
        }
        if let pending = state.pendingRedirect, state.pendingRedirectCount > 0, pending != state.adoptedURL {
            let times = state.pendingRedirectCount == 1 ? "once" : "\(state.pendingRedirectCount) fetches in a row"
            lines.append("moving to:   \(pending)   (a permanent redirect, seen \(times); adopted after adopt_redirect_after)")
        }
        return lines
    }
}
