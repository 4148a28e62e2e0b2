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
        abstract: "Show every feed's state from the store: last fetch, status, errors, next due, documents.",
        discussion: "Safe to run while `crawler run` is working on the same store."
    )

    @OptionGroup var location: StoreLocation

    @Flag(name: .long, help: "Print JSON: one object with a `feeds` array.")
    var json = false

    func run() throws {
        if location.store == nil, let fleet = location.fleetSettings() { return try runInFleet(fleet) }
        let reader: StoreReader
        let states: [FeedState]
        let path: String
        do {
            path = try location.path()
            reader = try StoreReader(path: path)
            states = try reader.allFeedStates()
        } catch let exit as ExitCode {
            throw exit
        } catch {
            printError("crawler: \(error)")
            throw ExitStatus.storeUnavailable
        }
        let daemon = DaemonStatusText.running(storePath: path, now: WallClock.now())
        if json {
            printOutput(StatusJSON.render(states, daemon: daemon))
        } else {
            let table = StatusTable.render(states, now: WallClock.now())
            printOutput(daemon.map { DaemonStatusText.lines($0) + "\n\n" + table } ?? table)
        }
    }
}

extension Status {
    private func runInFleet(_ settings: CrawlerConfig) throws {
        let database = try FleetSetup.open(settings)
        do {
            let statuses = try database.feedStatuses()
            let nodes = try database.nodes()
            printOutput(json ? FleetStatusText.json(statuses, nodes: nodes)
                        : FleetStatusText.table(statuses, nodes: nodes, now: WallClock.now()))
        } catch {
            printError("crawler: \(error)")
            throw ExitStatus.storeUnavailable
        }
    }
}

enum StatusTable {
    static func render(_ states: [FeedState], now: Timestamp) -> String {
        let header = ["FEED", "LAST FETCH", "STATUS", "ERRORS", "NEXT DUE", "DOCS"]
        let rows = states.map { state in
            [state.feed, state.lastFetch.map { ago($0, now: now) } ?? "never",
             state.gone ? "410 gone" : state.lastError.map { _ in "\(state.lastStatus.map(String.init) ?? "error")" }
                ?? state.lastStatus.map(String.init) ?? "-",
             "\(state.consecutiveErrors)", state.nextDue.map { until($0, now: now) } ?? "never", "\(state.documents)"]
        }
        let widths = header.indices.map { column in ([header] + rows).map { $0[column].count }.max() ?? 0 }
        return ([header] + rows).map { row in
            row.enumerated().map { $1.padding(to: widths[$0]) }.joined(separator: "  ")
        }.joined(separator: "\n")
    }

    static func ago(_ time: Timestamp, now: Timestamp) -> String {
        words(now.secondsSince1970 - time.secondsSince1970) + " ago"
    }

    static func until(_ time: Timestamp, now: Timestamp) -> String {
        let seconds = time.secondsSince1970 - now.secondsSince1970
        return seconds <= 0 ? "now" : "in " + words(seconds)
    }

    static func words(_ seconds: Int64) -> String {
        switch seconds {
        case ..<60: return "\(max(0, seconds))s"
        case ..<3600: return "\(seconds / 60)m"
        case ..<86_400: return "\(seconds / 3600)h\((seconds % 3600) / 60)m"
        default: return "\(seconds / 86_400)d"
        }
    }
}

enum StatusJSON {
    static func render(_ states: [FeedState], daemon: DaemonRuntime? = nil) -> String {
        let feeds: [[String: Any]] = states.map { state in
            [
                "feed": state.feed, "url": state.url,
                "last_fetch": state.lastFetch.map { $0.rfc3339 as Any } ?? NSNull(),
                "last_status": state.lastStatus.map { $0 as Any } ?? NSNull(),
                "last_error": state.lastError.map { $0 as Any } ?? NSNull(),
                "consecutive_errors": state.consecutiveErrors, "gone": state.gone,
                "next_due": state.nextDue.map { $0.rfc3339 as Any } ?? NSNull(),
                "next_reason": state.nextReason.map { $0 as Any } ?? NSNull(), "documents": state.documents,
            ]
        }
        var object: [String: Any] = ["feeds": feeds]
        if let daemon { object["daemon"] = DaemonStatusText.json(daemon) }
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }
}
