import ArgumentParser
import CrawlerApp
import FeedModel
import Foundation
import Store
import Fleet
import Config

struct Status: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show every configured feed's health and state: last fetch, status, errors, next due, documents, last error.",
        discussion: """
            Feeds never fetched yet are listed too, and feeds still in the store but no longer configured are \
            marked removed. Safe to run while `crawler run` is working on the same store; it writes nothing. \
            Exit status: 0 when no feed is failing or gone, 1 when some are, when no crawl will start on the \
            store (a `store rerender` to run or finish) or when the running daemon refused feeds.yaml's last \
            change (for monitoring checks), \
            3 when the store cannot be read (with --failing or --store, also when there is no store there).
            """
    )

    @OptionGroup var location: StoreLocation

    @Flag(name: .long, help: "Print JSON: one object with a `feeds` array.")
    var json = false

    @Flag(name: .long, help: "Only the feeds failing (5 or more failures in a row) or gone (410).")
    var failing = false

    func run() throws {
        if location.store == nil, let fleet = location.fleetSettings() { return try runInFleet(fleet) }
        // Without a configuration file, `--store` alone shows what the store holds.
        var settings: CrawlerConfig?
        if location.store != nil, FileManager.default.fileExists(atPath: location.config) {
            // The store is named: a feeds.yaml a reload refused (when status is wanted most) only
            // costs the configured view, not the store's.
            do {
                settings = try location.settings(reportingErrors: false)
            } catch {
                printError("crawler: \(error); listing the feeds as the store holds them")
            }
        } else if FileManager.default.fileExists(atPath: location.config) || location.store == nil {
            do {
                settings = try location.settings(reportingErrors: false)
            } catch {
                // An edit with a mistake, which a running daemon refused: the check is wanted most then.
                let hint = FileManager.default.fileExists(atPath: location.config)
                    ? "; a running daemon keeps the configuration it read before: `crawler status --store DIR` (DIR: "
                        + "its store) shows its feeds and says whether it refused this edit" : ""
                printError("crawler: \(error)" + hint)
                throw ExitStatus.configError
            }
        }
        var states: [FeedState] = []
        var storeProblem: String?
        let path: String
        do {
            path = try location.path()
            if let denied = StoreError.unreadableFolder(path) {
                printError("crawler: " + denied)
                throw ExitStatus.storeUnavailable
            }
            // Before the first crawl there is no store: every configured feed is simply never fetched.
            // Not for a monitoring check, nor for a store named on the command line: a mistyped path
            // or a lost volume answered "no failing feeds" for ever.
            if !StorePresence.isStore(path) {
                let missing = "no store at \(path): nothing has been crawled there (check store: in \(location.config), or --store)"
                if failing || location.store != nil {
                    printError("crawler: " + missing)
                    throw ExitStatus.storeUnavailable
                }
                printError("crawler: " + missing + "; every feed is listed as never fetched")
            } else {
                let reader = try StoreReader(path: path)
                try reader.checkIndexKnowsItsDocuments()
                states = try reader.allFeedStates()
                // A store no crawl will start on (a rerender cut short or still to run): every
                // feed looked healthy while nothing was fetched.
                storeProblem = settings.flatMap(Check.profileProblem).map { "store \(path): \($0)" }
            }
        } catch let exit as ExitCode {
            throw exit
        } catch {
            printError("crawler: \(error)")
            throw ExitStatus.storeUnavailable
        }
        let now = WallClock.now()
        var rows = settings.map { StatusRows.build($0, states: states, now: now) }
            ?? states.map { StatusRow(name: $0.feed, url: $0.url, state: $0, health: FeedHealth.of($0, now: now)) }
        // A running daemon's queue (from its runtime file) comes first.
        let daemon = DaemonStatusText.running(storePath: path, now: now)
        let silent = daemon == nil ? DaemonStatusText.silent(storePath: path, now: now) : nil
        if let daemon, !daemon.activity.isEmpty {
            let activity = Dictionary(daemon.activity.map { ($0.feed, $0) }, uniquingKeysWith: { first, _ in first })
            for index in rows.indices { rows[index].activity = activity[rows[index].name] }
        }
        // A daemon that refused a reload runs what feeds.yaml no longer says: a check must see it.
        let attention = rows.contains { $0.health.needsAttention } || storeProblem != nil || daemon?.configRefused != nil
            || daemon?.storeFailing != nil || silent != nil
        if failing { rows = rows.filter { $0.health.needsAttention } }
        if json {
            printOutput(StatusJSON.render(rows, daemon: daemon, storeProblem: storeProblem ?? silent))
        } else {
            var table = rows.isEmpty && failing ? (storeProblem == nil && silent == nil ? "no failing feeds" : "")
                : StatusTable.render(rows, now: now)
            if let storeProblem { table = storeProblem + (table.isEmpty ? "" : "\n\n" + table) }
            if let silent { table = silent + (table.isEmpty ? "" : "\n\n" + table) }
            let configPath = settings == nil ? nil : location.config
            printOutput(daemon.map { DaemonStatusText.lines($0, configPath: configPath) + "\n\n" + table } ?? table)
        }
        if attention { throw ExitStatus.someFeedsFailed }
    }
}

extension Status {
    private func runInFleet(_ settings: CrawlerConfig) throws {
        let database = try FleetSetup.open(settings)
        let now = WallClock.now()
        let attention: Bool
        do {
            var statuses = try database.feedStatuses().map { try $0.inClock(of: database, now: now) }
            let nodes = try database.nodes()
            let failingNow = { (status: FleetFeedStatus) in FeedHealth.of(status.state, now: now).needsAttention }
            attention = statuses.contains(where: failingNow)
            if failing { statuses = statuses.filter(failingNow) }
            printOutput(json ? FleetStatusText.json(statuses, nodes: nodes)
                        : FleetStatusText.table(statuses, nodes: nodes, now: now))
        } catch {
            printError("crawler: \(error)")
            throw ExitStatus.storeUnavailable
        }
        if attention { throw ExitStatus.someFeedsFailed }
    }
}

enum StatusTable {
    static func render(_ rows: [StatusRow], now: Timestamp) -> String {
        let header = ["FEED", "HEALTH", "LAST FETCH", "STATUS", "ERRORS", "NEXT DUE", "DOCS", "LAST ERROR"]
        let lines = rows.map { row in
            let state = row.state
            let documents: Int? = state?.documents ?? row.keptDocuments
            let next: String = row.activity.map { DaemonStatusText.phrase($0, now: now) }
                ?? row.nextDue.map { until($0, now: now) } ?? "-"
            return [row.name, row.health.word(words), state?.lastFetch.map { ago($0, now: now) } ?? "never",
                    state.map(statusText) ?? "-", state.map { "\($0.consecutiveErrors)" } ?? "-", next,
                    documents.map { "\($0)" } ?? "-",
                    state?.lastError ?? ""]
        }
        let widths = header.indices.map { column in ([header] + lines).map { $0[column].displayWidth }.max() ?? 0 }
        return ([header] + lines).map { line in
            var text = line.enumerated().map { $1.padding(to: widths[$0]) }.joined(separator: "  ")
            while text.last == " " { text.removeLast() }
            return text
        }.joined(separator: "\n")
    }

    private static func statusText(_ state: FeedState) -> String {
        if state.gone { return "410 gone" }
        return state.lastStatus.map(String.init) ?? (state.lastError == nil ? "-" : "error")
    }

    static func ago(_ time: Timestamp, now: Timestamp) -> String {
        words(now.secondsSince1970 - time.secondsSince1970) + " ago"
    }

    static func until(_ time: Timestamp, now: Timestamp) -> String {
        let seconds = time.secondsSince1970 - now.secondsSince1970
        guard seconds > 0 else { return "now" }
        // To the nearest of the unit shown: "in 1m" for 1m49s sent an operator back a minute early
        // (round 60), and a wait is read as when to look again.
        let unit: Int64 = seconds < 60 ? 1 : seconds < 86_400 ? 60 : 3600
        return "in " + words((seconds + unit / 2) / unit * unit)
    }

    static func words(_ seconds: Int64) -> String {
        switch seconds {
        case ..<60: return "\(max(0, seconds))s"
        case ..<3600: return "\(seconds / 60)m"
        case ..<86_400: return "\(seconds / 3600)h\((seconds % 3600) / 60)m"
        default: return "\(seconds / 86_400)d" + (seconds % 86_400 >= 3600 ? "\((seconds % 86_400) / 3600)h" : "")
        }
    }
}

extension FleetFeedStatus {
    /// The due time moved to this machine's clock: the database counts it on its own (as leases
    /// and holds), so a wait shown here is the database's whatever this clock says.
    func inClock(of database: FleetDatabase, now: Timestamp) throws(FleetError) -> FleetFeedStatus {
        var moved = self
        let offset = now.secondsSince1970 - Int64(try database.databaseTime())
        moved.nextDue = nextDue.map { Timestamp(secondsSince1970: $0.secondsSince1970 + offset) }
        return moved
    }
}
