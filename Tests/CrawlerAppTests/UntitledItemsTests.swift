import CrawlerTestKit
import Foundation
import Testing

/// Mastodon's toots, JSON Feed's notes and many description-only RSS items have no title. Round 56:
/// each was stored with `title: ''`, an invisible empty link in the site's list of posts. A post
/// without a title now shows the first words of its text, as feed readers do; its hash and
/// identity stay the untitled item's, so a store crawled before takes it as the same item.
@Suite struct UntitledItemsTests {
    let folder = TemporaryFolder()

    static let toots = """
        <?xml version="1.0"?><rss version="2.0"><channel><title>Toots</title><link>https://social.example/@me</link>
        <item><guid>https://social.example/@me/1</guid><link>https://social.example/@me/1</link>
        <pubDate>Tue, 30 Jan 2024 10:00:00 GMT</pubDate>
        <description>&lt;p&gt;Just shipped the new &lt;a href="https://e.org/x"&gt;release&lt;/a&gt; of our crawler, with a much
        faster parser and a gentler scheduler for everyone's servers. Thanks to all who helped!&lt;/p&gt;</description></item>
        <item><guid>https://social.example/@me/2</guid><link>https://social.example/@me/2</link>
        <pubDate>Tue, 30 Jan 2024 11:00:00 GMT</pubDate><description>&lt;p&gt;Short one: {{ .Title }} &amp;lt;3&lt;/p&gt;</description></item>
        <item><guid>https://social.example/@me/3</guid><link>https://social.example/@me/3</link>
        <pubDate>Tue, 30 Jan 2024 12:00:00 GMT</pubDate><description>&lt;img src="https://e.org/cat.jpg"&gt;</description></item>
        <item><title>Healthy item</title><guid>h</guid><description>Healthy text.</description></item>
        </channel></rss>
        """

    @Test func anUntitledPostShowsItsFirstWords() throws {
        let hugo = try SiteBuilder.hugo()
        let server = try LoopbackHTTPServer { _ in ServedResponse(text: Self.toots) }
        try folder.write("output: hugo\nstore: ./store\nfeeds:\n  - url: \(server.url("/toots.rss"))\n    name: toots\n",
                         to: "feeds.yaml")
        let run = try CrawlerProcess.run(["once"], in: folder.path)
        #expect(run.status == 0, "\(run.stderr.suffix(2000))")
        let titles = folder.files(under: "store/posts").compactMap { folder.read("store/posts/" + $0) }
            .compactMap { $0.split(separator: "\n").first { $0.hasPrefix("title: ") } }.map(String.init).sorted()
        #expect(titles == [
            "title: 'Healthy item'",
            "title: 'Just shipped the new release of our crawler, with a much faster parser and a…'",
            "title: 'Short one: {{ .Title }} _3'",
            // No text: where it is, as a reader shows it.
            "title: 'social.example/@me/3'",
        ], "\(titles)")
        // Stored once: a second pass finds each the same item.
        let again = try CrawlerProcess.run(["once", "--force"], in: folder.path)
        #expect(again.stdout.contains("0 new documents"), "\(again.stdout)")
        try FileManager.default.createDirectory(atPath: folder.file("site/layouts/_default"), withIntermediateDirectories: true)
        try folder.write(SiteBuilder.hugoConfig(posts: folder.file("store/posts"), disabling:
                                                    #"["taxonomy", "term", "RSS", "sitemap", "robotsTXT", "404", "section"]"#),
                         to: "site/hugo.toml")
        try folder.write("{{ range site.RegularPages }}<li>{{ .Title }}</li>{{ end }}", to: "site/layouts/index.html")
        try folder.write("{{ .Content }}", to: "site/layouts/_default/single.html")
        try hugo.build(in: folder.file("site"))
        let list = try #require(folder.read("site/public/index.html"))
        for title in ["Just shipped the new release of our crawler, with a much faster parser and a…",
                      "Short one: {{ .Title }} _3", "social.example/@me/3", "Healthy item"] {
            #expect(list.contains("<li>\(title)</li>"), "\(list)")
        }
    }

    /// A podcast episode of nothing but a guid, a date and its audio (r67): no text, no link, and
    /// it was stored `title: ''`. Its file's name is what a reader can tell it by.
    @Test func anEpisodeOfNothingButItsAudioIsCalledByItsFilesName() throws {
        let feed = """
            <?xml version="1.0"?><rss version="2.0"><channel><title>Pod</title><link>https://pod.example/</link>
            <item><guid isPermaLink="false">pod3</guid><pubDate>Tue, 30 Jan 2024 10:00:00 GMT</pubDate>
            <enclosure url="https://cdn.example/audio/Episode%203%20%E2%80%94%20Caf%C3%A9.mp3?token=x#t=1" length="1" type="audio/mpeg"/></item>
            <item><guid isPermaLink="false">pod4</guid><pubDate>Tue, 30 Jan 2024 11:00:00 GMT</pubDate>
            <enclosure url="https://cdn.example/" length="1" type="audio/mpeg"/></item>
            <item><title>Healthy item</title><guid>h</guid><description>Healthy text.</description></item>
            </channel></rss>
            """
        let server = try LoopbackHTTPServer { _ in ServedResponse(text: feed) }
        try folder.write("store: ./store\nfeeds:\n  - url: \(server.url("/pod.rss"))\n    name: pod\n", to: "feeds.yaml")
        let run = try CrawlerProcess.run(["once"], in: folder.path)
        #expect(run.status == 0, "\(run.stderr.suffix(2000))")
        let titles = folder.files(under: "store/posts").compactMap { folder.read("store/posts/" + $0) }
            .compactMap { $0.split(separator: "\n").first { $0.hasPrefix("title: ") } }.map(String.init).sorted()
        // A URL without a file name is shown as its host and path, as a link is.
        #expect(titles == ["title: 'Episode 3 — Café.mp3'", "title: 'Healthy item'", "title: 'cdn.example'"], "\(titles)")
    }
}
