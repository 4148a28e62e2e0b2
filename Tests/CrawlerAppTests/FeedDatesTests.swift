import CrawlerTestKit
import Foundation
import Testing

/// Dates as the stored documents carry them, read from the zones feeds name.
@Suite struct FeedDatesTests {
    let folder = TemporaryFolder()

    static func feed(language: String, date: String) -> String {
        """
        <rss version="2.0"><channel><title>t</title><language>\(language)</language>
        <item><title>\(language) item</title><guid>\(language)</guid><pubDate>\(date)</pubDate>
        <description>\(language) body</description></item></channel></rss>
        """
    }

    /// `once` over `feeds` (served at /NAME), and the documents it stored.
    private func crawl(_ server: LoopbackHTTPServer, feeds: [String]) throws -> (CrawlerProcess.Run, [String]) {
        try folder.write("store: ./out\nfeeds:\n" + feeds.map { "  - url: \(server.url("/" + $0))\n    name: \($0)\n" }.joined(),
                         to: "feeds.yaml")
        let run = try CrawlerProcess.run(["once"], in: folder.path)
        #expect(run.status == 0, "\(run.stderr)")
        return (run, folder.files(under: "out/posts").compactMap { folder.read("out/posts/" + $0) })
    }

    /// Sina's and RSSHub's Chinese feeds write China Standard Time as `CST`, which was read as the
    /// US's Central Time: every date 14 hours late (a post of 23:50 filed under the next day).
    @Test func aChineseFeedsCSTIsChinaStandardTime() throws {
        let server = try LoopbackHTTPServer { request in
            ServedResponse(text: Self.feed(language: request.path == "/zh" ? "zh-cn" : "en-us",
                                           date: "Wed, 16 Feb 2022 23:50:43 CST"))
        }
        let (_, stored) = try crawl(server, feeds: ["zh", "us"])
        let chinese = try #require(stored.first { $0.contains("zh-cn body") })
        #expect(chinese.contains("date: Wed, 16 Feb 2022 15:50:43 GMT"), "\(chinese)")
        let american = try #require(stored.first { $0.contains("en-us body") })
        #expect(american.contains("date: Thu, 17 Feb 2022 05:50:43 GMT"), "\(american)")
    }

    /// Round 15: a Chinese site's dates without a zone (`2025-12-01 09:58:00`, `2025年12月01日 10:20`)
    /// are China's local time, read as UTC (8 hours late); Java's `Date.toString()`
    /// (`Mon Dec 01 10:20:00 CST 2025`), common on Chinese sites, did not read at all.
    @Test func aChineseFeedsDatesWithoutAZoneAreChinasTime() throws {
        let dates = ["naive": "2025-12-01 09:58:00", "cjk": "2025年12月01日 10:20", "java": "Mon Dec 01 10:20:00 CST 2025",
                     "javaoffset": "Mon Dec 01 10:20:00 GMT+08:00 2025", "rubydate": "Mon Dec 01 10:20:00 +0800 2025"]
        let english = Self.feed(language: "en-us", date: "Mon Dec 01 10:20:00 EST 2025").replacingOccurrences(of: "en-us item", with: "english")
        let (run, stored) = try crawl(dates, language: "zh-cn", others: ["english": english])
        try expect(stored, run, ["naive": "date: Mon, 01 Dec 2025 01:58:00 GMT", "cjk": "date: Mon, 01 Dec 2025 02:20:00 GMT",
                                 "java": "date: Mon, 01 Dec 2025 02:20:00 GMT", "javaoffset": "date: Mon, 01 Dec 2025 02:20:00 GMT",
                                 "rubydate": "date: Mon, 01 Dec 2025 02:20:00 GMT"])
        try expect(stored, run, ["english": "date: Mon, 01 Dec 2025 15:20:00 GMT"])
    }

    /// Round 15: German, Russian and French sites write their month and day names in their own
    /// language (and `MEZ`, and `01.12.2025`): every such date was unreadable, each post filed
    /// under the day it was fetched.
    @Test func datesInTheSitesOwnLanguageRead() throws {
        let dates = ["de": "Mo, 01 Dez 2025 08:45:00 +0100", "mez": "Fr, 28 Nov 2025 17:00 MEZ",
                     "ru": "Пн, 01 дек 2025 10:15:00 +0300", "fr": "lun., 01 déc. 2025 09:45:00 +0100",
                     "dotted": "01.12.2025 10:20"]
        let (run, stored) = try crawl(dates, language: "xx")
        try expect(stored, run, ["de": "date: Mon, 01 Dec 2025 07:45:00 GMT", "mez": "date: Fri, 28 Nov 2025 16:00:00 GMT",
                                 "ru": "date: Mon, 01 Dec 2025 07:15:00 GMT", "fr": "date: Mon, 01 Dec 2025 08:45:00 GMT",
                                 "dotted": "date: Mon, 01 Dec 2025 10:20:00 GMT"])
        #expect(!run.stderr.contains("unreadable_date"), "\(run.stderr.suffix(1500))")
    }

    /// Each of `dates` the one item (titled and named as its key) of a feed in `language`, crawled
    /// with `others` (served as given): the run, and the stored documents by the feed they came from.
    private func crawl(_ dates: [String: String], language: String,
                       others: [String: String] = [:]) throws -> (CrawlerProcess.Run, [String: String]) {
        var feeds = others
        for (name, date) in dates {
            feeds[name] = Self.feed(language: language, date: date)
                .replacingOccurrences(of: "\(language) item", with: name).replacingOccurrences(of: "<guid>\(language)", with: "<guid>" + name)
        }
        let served = feeds
        let server = try LoopbackHTTPServer { request in ServedResponse(text: served[String(request.path.dropFirst())] ?? "") }
        let (run, stored) = try crawl(server, feeds: feeds.keys.sorted())
        var byName: [String: String] = [:]
        for name in feeds.keys {
            byName[name] = stored.first { $0.contains("title: \(name)\n") || $0.contains("title: '\(name)'") }
        }
        return (run, byName)
    }

    /// Each name's document holds its date line.
    private func expect(_ stored: [String: String], _ run: CrawlerProcess.Run, _ lines: [String: String]) throws {
        for (name, line) in lines {
            let document = try #require(stored[name], "\(name) not stored: \(run.stderr.suffix(1500))")
            #expect(document.contains(line), "\(name): \(document)")
        }
    }

    /// A JSON Feed's date that does not read was dropped without a word (the item dated when
    /// first seen), where an XML feed's is named on its fetch line.
    @Test func aJSONFeedsUnreadableDateIsNamed() throws {
        let json = """
            {"version": "https://jsonfeed.org/version/1.1", "title": "j", "items": [
             {"id": "1", "title": "a", "content_text": "x", "date_published": "+275760-01-01T00:00:00Z"}]}
            """
        let server = try LoopbackHTTPServer { request in
            request.path == "/json" ? ServedResponse(contentType: "application/feed+json", text: json)
                : ServedResponse(text: Self.feed(language: "en", date: "Wed, 16 Feb 2022 23:50:43 GMT"))
        }
        let (run, _) = try crawl(server, feeds: ["json", "healthy"])
        let line = try #require(run.stderr.split(separator: "\n").first { $0.contains("event=fetch") && $0.contains("feed=json") })
        #expect(line.contains("unreadable_date=+275760-01-01T00:00:00Z"), "\(line)")
        #expect(folder.files(under: "out/posts").count == 2)
    }

    /// Round 12: only RSS's `<language>` was asked; an Atom feed's `xml:lang` and a JSON Feed's
    /// `language` left their CST as the US's.
    @Test func anAtomOrJSONFeedInChineseReadsCSTAsChinaToo() throws {
        let atom = """
            <feed xmlns="http://www.w3.org/2005/Atom" xml:lang="zh-CN"><title>t</title><id>u:1</id>
            <entry><title>atom item</title><id>e1</id><published>Wed, 16 Feb 2022 23:50:43 CST</published>
            <content>atom body</content></entry>
            <entry xml:lang="en-US"><title>english item</title><id>e2</id><published>Wed, 16 Feb 2022 23:50:43 CST</published>
            <content>english body</content></entry>
            <entry><title>iso item</title><id>e3</id><published>2022-02-16 23:50:43 CST</published>
            <content>iso body</content></entry></feed>
            """
        let json = """
            {"version": "https://jsonfeed.org/version/1.1", "title": "j", "language": "zh-CN", "items": [
             {"id": "1", "title": "json item", "content_text": "json body", "date_published": "Wed, 16 Feb 2022 23:50:43 CST"}]}
            """
        let server = try LoopbackHTTPServer { request in
            request.path == "/atom" ? ServedResponse(contentType: "application/atom+xml", text: atom)
                : ServedResponse(contentType: "application/feed+json", text: json)
        }
        let (run, stored) = try crawl(server, feeds: ["atom", "json"])
        // Round 13: an ISO-style date's CST was the US's, and an entry's own language did not count.
        let english = try #require(stored.first { $0.contains("english body") })
        #expect(english.contains("date: Thu, 17 Feb 2022 05:50:43 GMT"), "\(english)")
        for body in ["atom body", "json body", "iso body"] {
            let document = try #require(stored.first { $0.contains(body) }, "\(run.stdout)")
            #expect(document.contains("date: Wed, 16 Feb 2022 15:50:43 GMT"), "\(document)")
        }
    }
}
