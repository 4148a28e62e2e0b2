import CrawlerApp
import FeedModel
import Fleet
import Foundation

/// `status` and `explain` against a fleet's database: the same views, plus which node holds
/// or last fetched each feed, and the nodes themselves.
enum FleetStatusText {
    static func table(_ statuses: [FleetFeedStatus], nodes: [FleetNode], now: Timestamp) -> String {
        let nodeLines = nodes.map { node in
            // A running node is heard from every 10 s: one silent for a minute has stopped (a
            // pass ended, a kill -9, a machine down) or is stalled; its leases lapse on their own.
            let silent = node.secondsSinceSeen > 60 ? " (not running now, or stalled)" : ""
            return "node \(node.name) (\(node.hostname), pid \(node.pid)): seen \(StatusTable.words(Int64(node.secondsSinceSeen))) ago"
                + silent + ", holds \(node.feeds) feeds on \(node.hosts) hosts"
        }
        let header = ["FEED", "NODE", "LAST FETCH", "STATUS", "ERRORS", "NEXT DUE", "DOCS"]
        let rows = statuses.map { status in
            let state = status.state ?? FeedState(feed: status.feed.config.name, url: status.feed.config.url)
            let node = status.heldBy.map { "\($0) (now)" } ?? status.lastNode ?? "-"
            let code = state.gone ? "410 gone" : state.lastStatus.map(String.init) ?? (state.lastError == nil ? "-" : "error")
            return [state.feed, node, state.lastFetch.map { StatusTable.ago($0, now: now) } ?? "never", code,
                    "\(state.consecutiveErrors)", status.nextDue.map { StatusTable.until($0, now: now) } ?? "never",
                    "\(state.documents)"]
        }
        let widths = header.indices.map { column in ([header] + rows).map { $0[column].displayWidth }.max() ?? 0 }
        let table = ([header] + rows).map { row in
            row.enumerated().map { $1.padding(to: widths[$0]) }.joined(separator: "  ")
        }
        return (nodeLines + (nodeLines.isEmpty ? [] : [""]) + table).joined(separator: "\n")
    }

    static func json(_ statuses: [FleetFeedStatus], nodes: [FleetNode]) -> String {
        let feeds: [[String: Any]] = statuses.map { status in
            let state = status.state
            return [
                "feed": status.feed.config.name, "url": status.feed.config.url, "host": status.feed.host,
                "held_by": status.heldBy.map { $0 as Any } ?? NSNull(),
                "last_node": status.lastNode.map { $0 as Any } ?? NSNull(),
                "last_fetch": state?.lastFetch.map { $0.rfc3339 as Any } ?? NSNull(),
                "last_status": state?.lastStatus.map { $0 as Any } ?? NSNull(),
                "last_error": state?.lastError.map { $0 as Any } ?? NSNull(),
                "consecutive_errors": state?.consecutiveErrors ?? 0, "gone": state?.gone ?? false,
                "next_due": status.nextDue.map { $0.rfc3339 as Any } ?? NSNull(),
                "next_reason": state?.nextReason.map { $0 as Any } ?? NSNull(), "documents": state?.documents ?? 0,
            ]
        }
        let nodeObjects: [[String: Any]] = nodes.map {
            ["name": $0.name, "hostname": $0.hostname, "pid": $0.pid, "seconds_since_seen": $0.secondsSinceSeen,
             "feeds": $0.feeds, "hosts": $0.hosts]
        }
        let object: [String: Any] = ["feeds": feeds, "nodes": nodeObjects]
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }

    /// The fleet's lines of `explain`, after the single-machine ones.
    static func holder(_ status: FleetFeedStatus) -> String {
        let held = status.heldBy.map { "held by \($0) now" } ?? "not held by any node"
        return "fleet:       \(held); host budget \(status.feed.host) (gap \(status.feed.hostGap) s)"
            + (status.lastNode.map { "; last fetched by \($0)" } ?? "")
    }
}
