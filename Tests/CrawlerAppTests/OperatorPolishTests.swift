import CrawlerApp
import CrawlerTestKit
import FeedModel
import Foundation
import Testing

/// The rough edges an operator meets in `status`, reloads, renames, the user agent, `--metrics` and the
/// one-URL commands, through the real binary.
@Suite struct OperatorPolishTests {
    let folder = TemporaryFolder()

    private func crawler(_ arguments: [String]) throws -> CrawlerProcess.Run {
        try CrawlerProcess.run(arguments, in: folder.path)
    }

    private static func server() throws -> LoopbackHTTPServer {
        try LoopbackHTTPServer { request in
            switch request.path.split(separator: "?").first.map(String.init) {
            case "/a.xml": return ServedResponse(text: AlertTests.rss(["a1", "a2"]))
            case "/b.xml": return ServedResponse(text: AlertTests.rss(["b1"]))
            case "/big.xml": return ServedResponse(text: AlertTests.rss((0..<200).map { "big-item-\($0)" }))
            case "/slow.xml": return ServedResponse(text: AlertTests.rss(["s1"]), delay: 4)
            case "/bad.xml": return ServedResponse(status: 500, text: "oops")
            default: return ServedResponse(status: 404, text: "")
            }
        }
    }

    private func config(_ feeds: [(String, String)], extra: [String] = []) -> String {
        var lines = ["store: ./store", "user_agent: test (ops@example.org)"] + extra + ["feeds:"]
        for (name, url) in feeds { lines += ["  - url: \(url)", "    name: \(name)"] }
        return lines.joined(separator: "\n") + "\n"
    }

    private func line(_ text: String, of feed: String) -> String? {
        text.split(separator: "\n").map(String.init).first { $0.hasPrefix(feed + " ") }
    }

    /// Round 45: a feed whose `url:` was changed to another site kept its name's history (as the
    /// README says) and its `keep:` went on to trim the old site's posts, with no line saying the
    /// address had changed. The first pass at the new address says so, once.
    @Test func aChangedURLIsLoggedOnce() throws {
        let server = try Self.server()
        defer { server.stop() }
        let other = try Self.server()
        defer { other.stop() }
        try folder.write(config([("good", server.url("/a.xml"))]), to: "feeds.yaml")
        #expect(try crawler(["once"]).status == 0)
        try folder.write(config([("good", other.url("/b.xml"))]), to: "feeds.yaml")
        let moved = try crawler(["once"])
        #expect(moved.status == 0, "\(moved.stderr)")
        let lines = moved.stderr.split(separator: "\n").filter { $0.contains("event=url_changed") }
        #expect(lines.count == 1, "\(moved.stderr)")
        let line = String(lines.first ?? "")
        #expect(line.contains("feed=good") && line.contains("level=info"), "\(line)")
        #expect(line.contains("from=\(server.url("/a.xml"))") && line.contains("to=\(other.url("/b.xml"))"), "\(line)")
        let again = try crawler(["once", "--force"])
        #expect(!again.stderr.contains("url_changed"), "\(again.stderr)")
    }

    /// Round 44: with `output:` changed and no rerender run (or one cut short), `once` and `run`
    /// refuse the store, while `status` showed every feed healthy and `status --failing`, the
    /// monitoring check, said "no failing feeds" with exit 0.
    @Test func statusSaysWhenNoCrawlWillStartOnTheStore() throws {
        let server = try Self.server()
        defer { server.stop() }
        try folder.write(config([("good", server.url("/a.xml")), ("other", server.url("/b.xml"))]), to: "feeds.yaml")
        #expect(try crawler(["once"]).status == 0)
        try folder.write(config([("good", server.url("/a.xml")), ("other", server.url("/b.xml"))], extra: ["output: hugo"]),
                         to: "feeds.yaml")
        #expect(try crawler(["once"]).status == 2)
        let status = try crawler(["status"])
        #expect(status.status == 1)
        #expect(status.stdout.hasPrefix("store "), "\(status.stdout)")
        #expect(status.stdout.contains("crawler store rerender"), "\(status.stdout)")
        #expect(line(status.stdout, of: "good") != nil)
        let failing = try crawler(["status", "--failing"])
        #expect(failing.status == 1)
        #expect(failing.stdout.contains("crawler store rerender") && !failing.stdout.contains("no failing feeds"), "\(failing.stdout)")
        let json = try crawler(["status", "--json"])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        #expect((object["store_problem"] as? String)?.contains("crawler store rerender") == true, "\(json.stdout)")
        // Round 46: explain showed a next due that no crawl would keep.
        let refusedExplain = try crawler(["explain", "good"])
        #expect(refusedExplain.stdout.contains("store:       holds") && refusedExplain.stdout.contains("crawler store rerender"),
                "\(refusedExplain.stdout)")
        #expect(try crawler(["store", "rerender"]).status == 0)
        #expect(try crawler(["status"]).status == 0)
        // Round 45: a name in other capitals, which feeds.yaml takes for the same name, was "no feed named".
        let explain = try crawler(["explain", "GOOD"])
        #expect(explain.status == 0 && explain.stdout.contains("feed:        good"), "\(explain.stdout)\(explain.stderr)")
        // Round 48: and once --feed and preview did not take it.
        let one = try crawler(["once", "--feed", "GOOD"])
        #expect(one.status == 0 && one.stdout.contains("total: 1 feed"), "\(one.stdout)\(one.stderr)")
        let preview = try crawler(["preview", "Good"])
        #expect(preview.status == 0, "\(preview.stderr)")
        // A folder given to parse said "cannot read /etc: Success".
        let folderParsed = try crawler(["parse", folder.path])
        #expect(folderParsed.status == 1 && folderParsed.stderr.contains("is a folder, not a feed file"), "\(folderParsed.stderr)")
        let healthy = try crawler(["status", "--json"])
        let fine = try #require(try JSONSerialization.jsonObject(with: Data(healthy.stdout.utf8)) as? [String: Any])
        #expect(fine["store_problem"] is NSNull)
    }

    /// A site's home page given as its feed failed with "the document's root is <html>" alone,
    /// while the page said where its feed is (`crawler add` found it; `once` did not say).
    @Test func aHomePageGivenAsAFeedNamesTheFeedItAdvertises() throws {
        let server = try LoopbackHTTPServer { request in
            switch request.path {
            case "/home": return ServedResponse(contentType: "text/html", text: """
                <!doctype html><html><head><link rel="alternate" type="application/rss+xml" href="/feeds/main.xml">
                <link rel="alternate" type="application/atom+xml" href="https://example.org/atom"></head><body>hi</body></html>
                """)
            default: return ServedResponse(text: AlertTests.rss(["h1"]))
            }
        }
        try folder.write(config([("home", server.url("/home")), ("healthy", server.url("/healthy.xml"))],
                                extra: ["allow_private_networks: true"]), to: "feeds.yaml")
        let run = try crawler(["once"])
        let failure = line(run.stdout, of: "FAIL  home") ?? ""
        #expect(failure.contains("the page names its feed at \(server.url("/feeds/main.xml")) (and 1 more): put that URL in feeds.yaml"),
                "\(run.stdout)")
        #expect(line(run.stdout, of: "ok    healthy") != nil, "\(run.stdout)")
    }

    /// A feed that moved for good was asked for at its new URL once the redirect was adopted, and
    /// `explain` still showed only the configured one: the operator could not tell where it went.
    /// Round 14: after a feed's url changed in feeds.yaml, `status` listed it as never fetched
    /// with no documents while `explain` showed the old url's fetch as its own. Both say now that
    /// it is fetched anew at its new url, and both count its documents.
    @Test func statusAndExplainAgreeOnAFeedWhoseURLChanged() throws {
        let server = try Self.server()
        try folder.write(config([("beta", server.url("/a.xml"))]), to: "feeds.yaml")
        #expect(try crawler(["once"]).status == 0)
        try folder.write(config([("beta", server.url("/b.xml"))]), to: "feeds.yaml")
        let status = try crawler(["status"])
        let row = try #require(status.stdout.split(separator: "\n").first { $0.hasPrefix("beta ") })
        #expect(row.contains("never fetched") && row.split(separator: " ").last == "2", "\(status.stdout)")
        let explain = try crawler(["explain", "beta"])
        #expect(explain.stdout.contains("never fetched at this url: its url changed in feeds.yaml since its last fetch"),
                "\(explain.stdout)")
        #expect(explain.stdout.contains("documents:   2 stored") && !explain.stdout.contains("last status: 200"), "\(explain.stdout)")
        // Removed from the file, it is due never (it said "in 29m, configured interval").
        try folder.write(config([("other", server.url("/b.xml"))]), to: "feeds.yaml")
        let removed = try crawler(["explain", "beta"])
        #expect(removed.stdout.contains("next due:    never — no longer in the configuration"), "\(removed.stdout)")
        // Round 25: a disabled feed was "due within a minute", or "in 31m", where status said disabled.
        try folder.write(config([("other", server.url("/b.xml"))]) + "  - url: \(server.url("/c.xml"))\n    name: idle\n"
                         + "    enabled: false\n", to: "feeds.yaml")
        let idle = try crawler(["explain", "idle"])
        #expect(idle.stdout.contains("state:       never fetched; disabled (enabled: false): not fetched until enabled"),
                "\(idle.stdout)")
        #expect(try crawler(["once"]).status == 0)
        try folder.write(config([("other", server.url("/b.xml"))]).replacingOccurrences(of: "name: other", with: "name: other\n    enabled: false")
                         + "  - url: \(server.url("/c.xml"))\n    name: idle\n", to: "feeds.yaml")
        let paused = try crawler(["explain", "other"])
        #expect(paused.stdout.contains("next due:    never — disabled (enabled: false) in the configuration"), "\(paused.stdout)")
    }

    @Test func explainShowsWhereAMovedFeedIsAskedFor() throws {
        let server = try LoopbackHTTPServer { request in
            switch request.path {
            case "/old.xml": return ServedResponse(status: 308, headers: [("Location", "/new.xml")])
            case "/new.xml": return ServedResponse(text: AlertTests.rss(["n1"]))
            case "/gone-soon.xml": return ServedResponse(status: 301, headers: [("Location", "/next.xml")])
            case "/next.xml": return ServedResponse(text: AlertTests.rss(["x1"]))
            default: return ServedResponse(text: AlertTests.rss(["h1"]))
            }
        }
        try folder.write(config([("moved", server.url("/old.xml")), ("healthy", server.url("/healthy.xml"))],
                                extra: ["adopt_redirect_after: 2", "interval: 1s"]), to: "feeds.yaml")
        for _ in 1...2 {
            _ = try crawler(["once"])
            usleep(1_100_000)
        }
        let moved = try crawler(["explain", "moved"]).stdout
        #expect(moved.contains("fetched at:  \(server.url("/new.xml"))"), "\(moved)")
        try folder.write(config([("moved", server.url("/gone-soon.xml")), ("healthy", server.url("/healthy.xml"))],
                                extra: ["adopt_redirect_after: 2", "interval: 1s"]), to: "feeds.yaml")
        _ = try crawler(["once"])
        let moving = try crawler(["explain", "moved"]).stdout
        #expect(!moving.contains("fetched at:"), "\(moving)")
        #expect(moving.contains("moving to:   \(server.url("/next.xml"))"), "\(moving)")
        #expect(moving.contains("seen once"), "\(moving)")
        #expect(try crawler(["explain", "healthy"]).stdout.contains("documents:   1 stored"))
    }

    /// Round 19: a permanent redirect once adopted was asked for ever after: its target died (404)
    /// while the configured URL served the feed again, and every line named the configured URL,
    /// which answered fine. Failures at the adopted URL as many times in a row as it took to adopt
    /// it send the feed back to its configured URL; the fetch line names the URL asked.
    @Test func aDeadAdoptedRedirectFallsBackToTheConfiguredURL() throws {
        let flag = folder.file("moved-back")
        let server = try LoopbackHTTPServer { request in
            let back = FileManager.default.fileExists(atPath: flag)
            switch request.path {
            case "/old.xml": return back ? ServedResponse(text: AlertTests.rss(["back-home"]))
                : ServedResponse(status: 301, headers: [("Location", "/new.xml")])
            case "/new.xml": return back ? ServedResponse(status: 404, text: "") : ServedResponse(text: AlertTests.rss(["n1"]))
            default: return ServedResponse(text: AlertTests.rss(["h1"]))
            }
        }
        try folder.write(config([("moved", server.url("/old.xml")), ("healthy", server.url("/healthy.xml"))],
                                extra: ["adopt_redirect_after: 2"]), to: "feeds.yaml")
        for _ in 1...2 { _ = try crawler(["once"]) }
        #expect(try crawler(["explain", "moved"]).stdout.contains("fetched at:  \(server.url("/new.xml"))"))
        try folder.write("", to: "moved-back")
        let failing = try crawler(["once"])
        let line = failing.stderr.split(separator: "\n").map { LogLine(String($0)) }
            .first { $0["event"] == "fetch" && $0["feed"] == "moved" }
        #expect(line?["fetched"] == server.url("/new.xml"), "\(failing.stderr)")
        let dropping = try crawler(["once"])
        #expect(dropping.stderr.contains("event=redirect_dropped feed=moved"), "\(dropping.stderr)")
        let back = try crawler(["once"])
        #expect(back.status == 0, "\(back.stderr)")
        #expect(folder.documents().values.contains { $0.contains("back-home") }, "\(back.stderr)")
        #expect(folder.documents().values.contains { $0.contains("h1") })
    }

    /// Round 20: after `redirect_dropped` the configured URL still sent its 301 to the failing
    /// target, which was adopted again and dropped again on one fetch, and the failing lines named
    /// only the URL that answered 301; a 410 at the adopted URL gave the feed up for good.
    @Test func aRedirectToAFailingPageIsNotAdoptedAndTheFailingURLIsNamed() throws {
        let gone = folder.file("gone")
        let server = try LoopbackHTTPServer { request in
            switch request.path {
            case "/old.xml": return ServedResponse(status: 301, headers: [("Location", "/new.xml")])
            case "/new.xml": return ServedResponse(status: 500, text: "")
            case "/parked.xml": return ServedResponse(status: 301, headers: [("Location", "/for-sale.html")])
            case "/for-sale.html": return ServedResponse(contentType: "text/html", text: "<html><body>This domain is for sale</body></html>")
            case "/moving.xml": return FileManager.default.fileExists(atPath: gone) ? ServedResponse(text: AlertTests.rss(["home"]))
                : ServedResponse(status: 308, headers: [("Location", "/moved.xml")])
            case "/moved.xml": return FileManager.default.fileExists(atPath: gone) ? ServedResponse(status: 410, text: "")
                : ServedResponse(text: AlertTests.rss(["m1"]))
            default: return ServedResponse(text: AlertTests.rss(["h1"]))
            }
        }
        try folder.write(config([("broken", server.url("/old.xml")), ("moving", server.url("/moving.xml")),
                                 ("parked", server.url("/parked.xml")), ("healthy", server.url("/healthy.xml"))],
                                extra: ["adopt_redirect_after: 1"]), to: "feeds.yaml")
        let first = try crawler(["once"])
        // Round 21: a 301 to a page that answers 200 but is no feed was adopted and dropped in one fetch.
        #expect(!first.stderr.contains("event=redirect_adopted feed=parked"), "\(first.stderr)")
        #expect(first.stderr.contains("event=redirect_not_adopted feed=parked"), "\(first.stderr)")
        #expect(!first.stderr.contains("event=redirect_dropped feed=parked"), "\(first.stderr)")
        #expect(!first.stderr.contains("event=redirect_adopted feed=broken"), "\(first.stderr)")
        let line = first.stderr.split(separator: "\n").map { LogLine(String($0)) }
            .first { $0["event"] == "fetch" && $0["feed"] == "broken" }
        #expect(line?["fetched"] == server.url("/new.xml"), "\(first.stderr)")
        #expect(first.stderr.contains("event=redirect_adopted feed=moving"), "\(first.stderr)")
        try folder.write("", to: "gone")
        let goneRun = try crawler(["once"])
        #expect(goneRun.stderr.contains("event=redirect_dropped feed=moving"), "\(goneRun.stderr)")
        #expect(!goneRun.stderr.contains("event=feed_gone"), "\(goneRun.stderr)")
        #expect(try crawler(["once"]).status == 1)
        #expect(folder.documents().values.contains { $0.contains("home") })
    }

    /// Round 20: a feed's `<ttl>` (and skipDays) held only after the poll that read its body: every
    /// 304 after it was scheduled by the configured interval alone, and the publisher polled
    /// far more often than it asked.
    @Test func aFeedsTTLStillHoldsAfterA304() throws {
        let server = try LoopbackHTTPServer { request in
            if request.path == "/polite.xml", request.headers["if-none-match"] == "\"p1\"" { return ServedResponse(status: 304) }
            let text = "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>t</title><ttl>180</ttl>"
                + "<item><title>p1</title><guid>p1</guid></item></channel></rss>"
            return request.path == "/polite.xml"
                ? ServedResponse(headers: [("Content-Type", "application/rss+xml"), ("ETag", "\"p1\"")], body: Array(text.utf8))
                : ServedResponse(text: AlertTests.rss(["h1"]))
        }
        try folder.write(config([("polite", server.url("/polite.xml")), ("healthy", server.url("/healthy.xml"))],
                                extra: ["interval: 10m"]), to: "feeds.yaml")
        for pass in 1...2 {
            let run = try crawler(["once", "--log-level", "debug"])
            let line = run.stderr.split(separator: "\n").map { LogLine(String($0)) }
                .first { $0["event"] == "fetch" && $0["feed"] == "polite" }
            #expect(line?["why"]?.contains("<ttl>") == true, "pass \(pass): \(run.stderr)")
        }
        #expect(folder.documents().values.contains { $0.contains("h1") })
    }

    /// Round 22: a 308 to another site's feed (a migration pointing every old feed at one) was
    /// adopted; with the redirect gone from the publisher's site, even `once --force` asked only
    /// the other feed. `--force` asks each feed at its configured URL.
    @Test func forceAsksTheConfiguredURLAgain() throws {
        let fixed = folder.file("fixed")
        let server = try LoopbackHTTPServer { request in
            switch request.path {
            case "/b.xml": return FileManager.default.fileExists(atPath: fixed) ? ServedResponse(text: AlertTests.rss(["b-own"]))
                : ServedResponse(status: 308, headers: [("Location", "/spam.xml")])
            case "/spam.xml": return ServedResponse(text: AlertTests.rss(["casino"]))
            default: return ServedResponse(text: AlertTests.rss(["h1"]))
            }
        }
        try folder.write(config([("b", server.url("/b.xml")), ("healthy", server.url("/healthy.xml"))],
                                extra: ["adopt_redirect_after: 1"]), to: "feeds.yaml")
        #expect(try crawler(["once"]).stderr.contains("event=redirect_adopted feed=b"))
        try folder.write("", to: "fixed")
        _ = try crawler(["once"])
        #expect(!folder.documents().values.contains { $0.contains("b-own") })
        let forced = try crawler(["once", "--force"])
        #expect(forced.status == 0, "\(forced.stderr)")
        #expect(folder.documents().values.contains { $0.contains("b-own") }, "\(forced.stderr)")
    }

    /// A feed whose redirect was adopted came to fetch the URL of another configured feed, and
    /// stored nothing but duplicates from then on without a word; two such feeds written by hand
    /// are refused.
    @Test func aRedirectAdoptedOntoAnotherFeedsURLIsSaid() throws {
        let server = try LoopbackHTTPServer { request in
            request.path == "/old.xml" ? ServedResponse(status: 301, headers: [("Location", "/a.xml")])
                : ServedResponse(text: AlertTests.rss(["a1"]))
        }
        try folder.write(config([("moved", server.url("/old.xml")), ("a", server.url("/a.xml"))],
                                extra: ["adopt_redirect_after: 1"]), to: "feeds.yaml")
        let run = try crawler(["once"])
        let adopted = run.stderr.split(separator: "\n").map { LogLine(String($0)) }.first { $0["event"] == "redirect_adopted" }
        #expect(adopted?["duplicate_of"] == "a", "\(run.stderr)")
        #expect(adopted?["level"] == "warning")
    }

    @Test func statusListsTheConfiguredFeedsWithTheLastErrorAndExitsOneWhenSomeFail() throws {
        let server = try Self.server()
        try folder.write(config([("good", server.url("/a.xml")), ("bad", server.url("/bad.xml")),
                                 ("old", server.url("/b.xml"))]), to: "feeds.yaml")
        for _ in 1...5 { _ = try crawler(["once"]) }
        try folder.write(config([("good", server.url("/a.xml")), ("bad", server.url("/bad.xml")),
                                 ("fresh", server.url("/b.xml?new"))]), to: "feeds.yaml")
        let status = try crawler(["status"])
        #expect(status.status == 1, "\(status.stderr)")
        #expect(status.stdout.hasPrefix("FEED "))
        #expect(status.stdout.contains("LAST ERROR"))
        #expect(line(status.stdout, of: "good")?.contains(" ok ") == true)
        let bad = try #require(line(status.stdout, of: "bad"))
        #expect(bad.contains(" failing "))
        #expect(bad.hasSuffix("HTTP 500 Internal Server Error"))
        #expect(line(status.stdout, of: "fresh")?.contains("never fetched") == true)
        #expect(line(status.stdout, of: "old")?.contains("removed") == true)

        let failing = try crawler(["status", "--failing"])
        #expect(failing.status == 1)
        #expect(failing.stdout.split(separator: "\n").count == 2)
        #expect(line(failing.stdout, of: "bad") != nil)

        try folder.write(config([("good", server.url("/a.xml"))]), to: "feeds.yaml")
        #expect(try crawler(["status"]).status == 0)
        let none = try crawler(["status", "--failing"])
        #expect(none.status == 0)
        #expect(none.stdout == "no failing feeds\n")
    }

    @Test func statusBeforeTheFirstCrawlListsEveryFeedAsNeverFetched() throws {
        try folder.write(config([("a", "https://example.org/a.xml"), ("b", "https://example.org/b.xml")]), to: "feeds.yaml")
        let status = try crawler(["status"])
        #expect(status.status == 0, "\(status.stderr)")
        #expect(line(status.stdout, of: "a")?.contains("never fetched") == true)
        #expect(line(status.stdout, of: "b")?.contains("never fetched") == true)
        #expect(!FileManager.default.fileExists(atPath: folder.file("store")))
    }

    /// `status --failing` is the monitoring check: pointed at a store that is not there (a typo in
    /// `store:` or `--store`, a lost volume) it said "no failing feeds" and exited 0 for ever.
    @Test func aMonitoringCheckOnAMissingStoreFails() throws {
        try folder.write(config([("a", "https://example.org/a.xml")]), to: "feeds.yaml")
        let failing = try crawler(["status", "--failing"])
        #expect(failing.status == 3 && failing.stderr.contains("no store at \(folder.file("store"))"), "\(failing.stderr)")
        let named = try crawler(["status", "--store", folder.file("stroe")])
        #expect(named.status == 3, "\(named.stdout)")
        // A folder that is there but holds no store (an empty mount point, a store's posts/) too.
        try FileManager.default.createDirectory(atPath: folder.file("empty"), withIntermediateDirectories: true)
        #expect(try crawler(["status", "--store", folder.file("empty")]).status == 3)
        #expect(try crawler(["store", "verify", "--store", folder.file("empty")]).status == 3)
        // Round 13: a folder with a tmp/ or lock of its own (`/`, /var) is no store either.
        #expect(try crawler(["status", "--failing", "--store", "/"]).status == 3)
        try FileManager.default.createDirectory(atPath: folder.file("lost/posts/2026/12"), withIntermediateDirectories: true)
        let lost = try crawler(["store", "verify", "--store", folder.file("lost")])
        #expect(lost.status == 3 && lost.stderr.contains("crawler store rebuild-index --store"), "\(lost.stderr)")
        let plain = try crawler(["status"])
        #expect(plain.status == 0 && plain.stderr.contains("every feed is listed as never fetched"), "\(plain.stderr)")
    }

    /// A feed removed from feeds.yaml showed "now" as its next fetch, a disabled one "in 3m":
    /// an operator waited for fetches that would never come.
    @Test func aRemovedOrDisabledFeedIsDueNever() throws {
        let server = try Self.server()
        try folder.write(config([("a", server.url("/a.xml")), ("b", server.url("/b.xml")), ("bad", server.url("/bad.xml"))]),
                         to: "feeds.yaml")
        _ = try crawler(["once"])
        try folder.write(config([("a", server.url("/a.xml"))]) + "  - url: \(server.url("/b.xml"))\n    name: b\n    enabled: false\n",
                         to: "feeds.yaml")
        let status = try crawler(["status"])
        #expect(line(status.stdout, of: "a")?.contains("in ") == true, "\(status.stdout)")
        for feed in ["b", "bad"] {
            let row = try #require(line(status.stdout, of: feed), "\(status.stdout)")
            #expect(!row.contains(" now ") && !row.contains(" in "), "\(row)")
        }
        let json = try crawler(["status", "--json"]).stdout
        #expect(json.contains("\"next_reason\":\"no longer in feeds.yaml\""), "\(json)")
        #expect(json.contains("\"next_reason\":\"disabled in feeds.yaml (enabled: false)\""), "\(json)")
    }

    /// Round 60: NEXT DUE was rounded down, so a feed due in 11m59s read "in 11m" and sent the
    /// operator back a minute early.
    @Test func nextDueIsRoundedToTheNearestUnitShown() throws {
        let server = try LoopbackHTTPServer { request in
            request.path.hasPrefix("/busy.xml")
                ? ServedResponse(status: 503, headers: [("Retry-After", "719")], body: Array("busy".utf8))
                : ServedResponse(text: AlertTests.rss(["a1"]))
        }
        try folder.write(config([("busy", server.url("/busy.xml")), ("a", server.url("/a.xml"))]), to: "feeds.yaml")
        _ = try crawler(["once"])
        let explain = try crawler(["explain", "busy"])
        #expect(explain.stdout.contains("719"), "the server's wait is kept as sent: \(explain.stdout)")
        let status = try crawler(["status"])
        #expect(line(status.stdout, of: "busy")?.contains(" in 12m ") == true, "\(status.stdout)")
        #expect(line(status.stdout, of: "a")?.contains(" ok ") == true, "\(status.stdout)")
    }

    /// An unchanged feed (a 304, or the same body again) was summed up as "0 new, 0 dup, 0 items",
    /// which reads as a feed that had emptied; it was not parsed at all.
    @Test func anUnchangedFeedIsSaidToBeUnchanged() throws {
        let server = try LoopbackHTTPServer { request in
            if request.path == "/etag.xml", request.headers["if-none-match"] == "\"v1\"" { return ServedResponse(status: 304) }
            var response = ServedResponse(text: AlertTests.rss(["e1"]))
            if request.path == "/etag.xml" { response.headers.append(("ETag", "\"v1\"")) }
            // Round 19: validators sent, never honoured: the body was parsed and logged on every poll.
            if request.path == "/deaf.xml" { response.headers.append(("ETag", "\"rotating-\(UInt64.random(in: 0...UInt64.max))\"")) }
            return response
        }
        try folder.write(config([("etag", server.url("/etag.xml")), ("same", server.url("/same.xml")),
                                 ("deaf", server.url("/deaf.xml"))]), to: "feeds.yaml")
        _ = try crawler(["once"])
        let again = try crawler(["once"])
        #expect(line(again.stdout, of: "ok    etag")?.contains("304  unchanged,") == true, "\(again.stdout)")
        #expect(line(again.stdout, of: "ok    same")?.contains("200  unchanged (the same body as last time)") == true, "\(again.stdout)")
        #expect(line(again.stdout, of: "ok    deaf")?.contains("200  unchanged (the same body as last time)") == true, "\(again.stdout)")
    }

    @Test func renamingAFeedKeepsItsState() throws {
        let server = try Self.server()
        try folder.write(config([("a", server.url("/a.xml")), ("b", server.url("/b.xml"))]), to: "feeds.yaml")
        #expect(try crawler(["once"]).stdout.contains("3 new"))
        try folder.write(config([("renamed", server.url("/a.xml")), ("b", server.url("/b.xml"))]), to: "feeds.yaml")
        let again = try crawler(["once"])
        #expect(again.status == 0)
        #expect(again.stdout.contains("0 new"))
        let status = try crawler(["status", "--json"])
        let object = try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [String: Any]
        let feeds = try #require(object?["feeds"] as? [[String: Any]])
        #expect(feeds.compactMap { $0["feed"] as? String }.sorted() == ["b", "renamed"])
        #expect(feeds.first { $0["feed"] as? String == "renamed" }?["documents"] as? Int == 2)
    }

    /// A rename and a new output in one edit, then `store rerender` before any crawl: the rename
    /// is taken up by the store command itself. The renamed feed's documents were left in the old
    /// format as "not in the configuration", and the store recorded the new one: two formats mixed.
    @Test func aStoreCommandTakesUpARenameMadeSinceTheLastCrawl() throws {
        let server = try Self.server()
        try folder.write(config([("a", server.url("/a.xml")), ("b", server.url("/b.xml"))]), to: "feeds.yaml")
        #expect(try crawler(["once"]).stdout.contains("3 new"))
        try folder.write(config([("renamed", server.url("/a.xml")), ("b", server.url("/b.xml"))], extra: ["output: hugo"]),
                         to: "feeds.yaml")
        // `explain` (which writes nothing) shows the old name's history under the new one.
        let explained = try crawler(["explain", "renamed"])
        #expect(!explained.stdout.contains("never fetched") && explained.stdout.contains("documents:   2 stored"), "\(explained.stdout)")
        // A dry run writes nothing, the rename included, and says so.
        let dry = try crawler(["store", "rerender", "--dry-run"]).stdout
        #expect(!dry.contains("renamed feed") && dry.contains("a real run first renames feed 'a' to 'renamed'"), "\(dry)")
        let rerender = try crawler(["store", "rerender"])
        #expect(rerender.status == 0, "\(rerender.stderr)")
        #expect(!rerender.stdout.contains("not in the configuration"), "\(rerender.stdout)")
        #expect(rerender.stdout.contains("renamed feed 'a' to 'renamed'"), "\(rerender.stdout)")
        let files = folder.files(under: "store/posts")
        #expect(files.count == 3 && files.allSatisfy { $0.hasSuffix(".html") }, "\(files)")
        #expect(try crawler(["store", "verify"]).status == 0)
    }

    /// `explain` finds a feed by its URL written any way `once --feed` takes (case, default port,
    /// fragment), and a disabled feed by its name.
    @Test func explainFindsAFeedByItsURLWrittenAnotherWay() throws {
        let server = try Self.server()
        try folder.write(config([("a", server.url("/a.xml")), ("b", server.url("/b.xml"))])
                            + "    enabled: false\n", to: "feeds.yaml")
        #expect(try crawler(["once"]).status == 0)
        let other = server.url("/a.xml").replacingOccurrences(of: "http://", with: "HTTP://") + "#top"
        let explained = try crawler(["explain", other])
        #expect(explained.status == 0, "\(explained.stderr)")
        #expect(explained.stdout.hasPrefix("feed:        a\n"), "\(explained.stdout)")
        let disabled = try crawler(["explain", "b"])
        #expect(disabled.status == 0 && disabled.stdout.hasPrefix("feed:        b\n"), "\(disabled.stdout)\(disabled.stderr)")
    }

    /// Two feeds that trade names take each other's history, as a renamed feed takes its own:
    /// `keep: 1` on the name that now fetches b.xml forgets none of a.xml's documents.
    @Test func feedsThatSwapNamesKeepTheirOwnDocuments() throws {
        let server = try Self.server()
        try folder.write(config([("a", server.url("/a.xml")), ("b", server.url("/b.xml"))]), to: "feeds.yaml")
        #expect(try crawler(["once"]).stdout.contains("3 new"))
        let stored = folder.files(under: "store/posts").sorted()
        try folder.write(config([("b", server.url("/a.xml")), ("a", server.url("/b.xml"))]) + "    keep: 1\n",
                         to: "feeds.yaml")
        let again = try crawler(["once", "--force"])
        #expect(again.status == 0, "\(again.stderr.suffix(800))")
        #expect(again.stdout.contains("0 new"))
        #expect(again.stderr.contains("event=feed_renamed"), "\(again.stderr.suffix(800))")
        #expect(folder.files(under: "store/posts").sorted() == stored)
        let status = try crawler(["status", "--json"])
        let object = try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [String: Any]
        let feeds = try #require(object?["feeds"] as? [[String: Any]])
        #expect(feeds.first { $0["feed"] as? String == "b" }?["documents"] as? Int == 2, "\(feeds)")
        #expect(feeds.first { $0["feed"] as? String == "a" }?["documents"] as? Int == 1, "\(feeds)")
    }

    @Test func theDefaultUserAgentIsWarnedAboutUntilAContactIsSet() throws {
        let server = try Self.server()
        try folder.write("store: ./store\nfeeds:\n  - url: \(server.url("/a.xml"))\n    name: a\n", to: "feeds.yaml")
        let run = try crawler(["once"])
        #expect(run.status == 0)
        let warnings = run.stderr.split(separator: "\n").filter { $0.contains("event=user_agent") }
        #expect(warnings.count == 1)
        #expect(warnings.first?.contains("level=warning") == true)
        #expect(warnings.first?.contains("set user_agent: to a contact") == true)
        try folder.write(config([("a", server.url("/a.xml"))]), to: "feeds.yaml")
        #expect(try crawler(["once"]).stderr.contains("event=user_agent") == false)
    }

    @Test func metricsListenOnIPv6() throws {
        let server = try Self.server()
        try folder.write(config([("a", server.url("/a.xml"))]), to: "feeds.yaml")
        let daemon = try DaemonProcess(arguments: ["run", "--startup-spread", "0s", "--metrics", "[::1]:0"], in: folder.path)
        defer { _ = daemon.terminate() }
        let port = try #require(daemon.waitFor { $0["event"] == "metrics" }.first?["port"].flatMap { Int($0) })
        let curl = Process()
        curl.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
        curl.arguments = ["-sf", "http://[::1]:\(port)/metrics"]
        let out = Pipe()
        curl.standardOutput = out
        try curl.run()
        let metrics = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        curl.waitUntilExit()
        #expect(curl.terminationStatus == 0)
        #expect(metrics.contains("# TYPE"))
        #expect(daemon.terminate().status == 0)
    }

    @Test func aContentLengthOverTheLimitIsReportedAsAnnounced() throws {
        let server = try Self.server()
        try folder.write(config([("a", server.url("/a.xml")), ("big", server.url("/big.xml"))],
                                extra: ["max_body_size: 4KB"]), to: "feeds.yaml")
        let run = try crawler(["once"])
        #expect(run.status == 1)
        let size = AlertTests.rss((0..<200).map { "big-item-\($0)" }).utf8.count
        #expect(run.stderr.contains("Content-Length announces \(size) bytes, over max_body_size 4096"))
        #expect(folder.files(under: "store/posts").count == 2)
    }

    @Test func checkProbeAddAndParseUseTheCrawlsTransferSettings() throws {
        let server = try Self.server()
        try folder.write(config([("a", server.url("/a.xml")), ("slow", server.url("/slow.xml"))],
                                extra: ["timeout: 1s", "connect_timeout: 1s", "allow_private_networks: true"]),
                         to: "feeds.yaml")
        let probe = try crawler(["check", "--probe"])
        #expect(probe.status == 1)
        #expect(probe.stdout.contains("ok    a  rss2, 2 items"))
        #expect(probe.stdout.contains("FAIL  slow  \(server.url("/slow.xml")): Operation timed out after 1"))
        let add = try crawler(["add", server.url("/slow.xml?again")])
        #expect(add.status == 1)
        #expect(add.stderr.contains("Operation timed out"))
        let parse = try crawler(["parse", server.url("/slow.xml")])
        #expect(parse.status == 1)
        #expect(parse.stderr.contains("Operation timed out"))
        #expect(try crawler(["parse", server.url("/a.xml")]).status == 0)
    }
    @Test func sighupWithANewStoreSaysRestartNeededAndKeepsTheOldStore() throws {
        let server = try Self.server()
        try folder.write(config([("a", server.url("/a.xml"))], extra: ["interval: 1h"]), to: "feeds.yaml")
        let daemon = try DaemonProcess(in: folder.path)
        defer { _ = daemon.terminate() }
        daemon.waitFor { $0["event"] == "fetch" && $0["feed"] == "a" }
        try folder.write(config([("a", server.url("/a.xml")), ("b", server.url("/b.xml"))], extra: ["interval: 1h"])
            .replacingOccurrences(of: "store: ./store", with: "store: ./elsewhere"), to: "feeds.yaml")
        daemon.signal(SIGHUP)
        let restart = daemon.waitFor { $0["event"] == "restart_needed" }
        #expect(restart.first?["key"] == "store")
        #expect(restart.first?["level"] == "warning")
        let reason = restart.first?["reason"] ?? ""
        #expect(reason.hasPrefix("store: changed; the running crawler keeps /"))
        #expect(reason.hasSuffix("/store until it is restarted"))
        #expect(daemon.waitFor { $0["event"] == "fetch" && $0["feed"] == "b" }.first?["new"] == "1")
        #expect(daemon.terminate().status == 0)
        #expect(folder.files(under: "store/posts").count == 3)
        #expect(!FileManager.default.fileExists(atPath: folder.file("elsewhere")))
    }
}
