import CrawlerTestKit
import Foundation
import Testing

/// A podcast's episodes are their enclosures. Round 56: the audio's URL was written nowhere, and an
/// episode whose feed gives nothing but its audio became a post of a title and an empty body. Now
/// the front matter lists them (`enclosures:`), and Hugo and Jekyll layouts can play them.
@Suite struct EnclosureFrontMatterTests {
    let folder = TemporaryFolder()

    static let podcast = """
        <?xml version="1.0"?><rss version="2.0"><channel><title>Cast</title><link>https://cast.example/</link>
        <item><title>Audio only</title><guid>e1</guid><pubDate>Tue, 30 Jan 2024 10:00:00 GMT</pubDate>
        <enclosure url="https://cdn.example/only.mp3" length="12345" type="audio/mpeg"/></item>
        <item><title>Hostile enclosures</title><guid>e2</guid><pubDate>Tue, 30 Jan 2024 11:00:00 GMT</pubDate>
        <description>Words.</description>
        <enclosure url="javascript:alert(1)" type="audio/mpeg"/>
        <enclosure url="https://cdn.example/it's {{ .Title }}.mp3" type="audio/mpeg&quot; onload=&quot;x" length="-5"/>
        <enclosure url="relative.ogg" type="Audio/OGG"/>
        \((0..<40).map { "<enclosure url=\"https://cdn.example/many\($0).mp3\" type=\"audio/mpeg\"/>" }.joined())
        </item>
        <item><title>Healthy item</title><guid>h</guid><pubDate>Tue, 30 Jan 2024 12:00:00 GMT</pubDate>
        <description>Healthy text.</description></item>
        </channel></rss>
        """

    private func crawl(output: String, store: String) throws -> [String: String] {
        let server = try LoopbackHTTPServer { _ in ServedResponse(text: Self.podcast) }
        try folder.write("output: \(output)\nstore: \(store)\nfeeds:\n  - url: \(server.url("/cast.xml"))\n    name: cast\n",
                         to: "feeds.yaml")
        let run = try CrawlerProcess.run(["once"], in: folder.path)
        #expect(run.status == 0, "\(run.stderr.suffix(2000))")
        var documents: [String: String] = [:]
        for file in folder.files(under: store) where file.hasSuffix(".html") || file.hasSuffix(".md") {
            documents[file] = folder.read(store + "/" + file)
        }
        #expect(documents.count == 3, "\(documents.keys.sorted())")
        return documents
    }

    private func line(_ documents: [String: String], holding title: String) -> String? {
        let document = documents.values.first { $0.contains(title) }
        return document?.split(separator: "\n").first { $0.hasPrefix("enclosures: ") }.map(String.init)
    }

    private func expectFrontMatter(_ documents: [String: String]) {
        // A Hexo document's list is a block, as its categories: brought to the one line of the others.
        var documents = documents
        for (name, text) in documents where text.hasPrefix("\n---\n") {
            documents[name] = text.replacingOccurrences(of: "enclosures: \n - ", with: "enclosures: [{")
                .replacingOccurrences(of: "\n   ", with: ", ").replacingOccurrences(of: "\n - ", with: "}, {")
                .replacingOccurrences(of: "\n---\n\n<div>", with: "}]\n---\n\n<div>")
        }
        #expect(line(documents, holding: "Audio only")
                == "enclosures: [{url: 'https://cdn.example/only.mp3', type: 'audio/mpeg', length: 12345}]")
        let hostile = line(documents, holding: "Hostile enclosures") ?? ""
        // A relative URL with no base to resolve it (the item has no link) is left out too.
        #expect(!hostile.contains("javascript") && !hostile.contains("onload") && !hostile.contains("{{")
                && !hostile.contains("relative"), "\(hostile)")
        #expect(hostile.hasPrefix("enclosures: [{url: 'https://cdn.example/it%27s%20%7B%7B%20.Title%20%7D%7D.mp3'}, "
                                  + "{url: 'https://cdn.example/many0.mp3', type: 'audio/mpeg'}"), "\(hostile)")
        #expect(hostile.components(separatedBy: "{url:").count - 1 == 16, "\(hostile)")
        #expect(line(documents, holding: "Healthy text.") == nil)
    }

    @Test func hugoPlaysAnEpisodeFromItsFrontMatter() throws {
        let hugo = try SiteBuilder.hugo()
        let documents = try crawl(output: "hugo", store: "./store")
        expectFrontMatter(documents)
        try FileManager.default.createDirectory(atPath: folder.file("hugo-site/layouts/_default"), withIntermediateDirectories: true)
        try folder.write(SiteBuilder.hugoConfig(posts: folder.file("store/posts"), disabling:
                                                    #"["taxonomy", "term", "RSS", "sitemap", "robotsTXT", "404", "home", "section"]"#),
                         to: "hugo-site/hugo.toml")
        try folder.write("{{ range .Params.enclosures }}<audio src=\"{{ .url }}\" data-type=\"{{ .type }}\" "
                         + "data-length=\"{{ .length }}\"></audio>{{ end }}", to: "hugo-site/layouts/_default/single.html")
        try hugo.build(in: folder.file("hugo-site"))
        let pages = folder.files(under: "hugo-site/public").compactMap { folder.read("hugo-site/public/" + $0) }
        #expect(pages.contains("<audio src=\"https://cdn.example/only.mp3\" data-type=\"audio/mpeg\" data-length=\"12345\"></audio>"),
                "\(pages)")
        #expect(pages.contains { $0.hasPrefix("<audio src=\"https://cdn.example/it%27s%20%7B%7B%20.Title%20%7D%7D.mp3\"") }, "\(pages)")
    }

    @Test func jekyllPlaysAnEpisodeFromItsFrontMatter() throws {
        let jekyll = try SiteBuilder.jekyll()
        let documents = try crawl(output: "jekyll", store: "./site")
        expectFrontMatter(documents)
        try FileManager.default.createDirectory(atPath: folder.file("site/_layouts"), withIntermediateDirectories: true)
        try folder.write("permalink: /:year/:month/:day/:title:output_ext\nexclude: [index.sqlite, index.sqlite-wal, "
                         + "index.sqlite-shm, lock, tmp]\ntimezone: UTC\n", to: "site/_config.yml")
        try folder.write("{% for e in page.enclosures %}<audio src=\"{{ e.url }}\" data-type=\"{{ e.type }}\" "
                         + "data-length=\"{{ e.length }}\"></audio>{% endfor %}", to: "site/_layouts/post.html")
        try jekyll.build(in: folder.file("site"))
        let pages = folder.files(under: "site/_site").compactMap { folder.read("site/_site/" + $0) }
        #expect(pages.contains("<audio src=\"https://cdn.example/only.mp3\" data-type=\"audio/mpeg\" data-length=\"12345\"></audio>"),
                "\(pages)")
    }

    /// The index keeps an item's enclosures with its other values: a rerender into another
    /// profile lists them as a crawl would.
    @Test func aRerenderKeepsThem() throws {
        _ = try crawl(output: "hexo", store: "./store")
        let yaml = try #require(folder.read("feeds.yaml"))
        try folder.write(yaml.replacingOccurrences(of: "output: hexo", with: "output: hugo"), to: "feeds.yaml")
        let rerender = try CrawlerProcess.run(["store", "rerender"], in: folder.path)
        #expect(rerender.status == 0, "\(rerender.stderr)")
        var documents: [String: String] = [:]
        for file in folder.files(under: "store") where file.hasSuffix(".html") { documents[file] = folder.read("store/" + file) }
        #expect(documents.count == 3, "\(folder.files(under: "store"))")
        expectFrontMatter(documents)
    }

    @Test func aHexoDocumentListsThemOnlyWhenTheItemHasThem() throws {
        let documents = try crawl(output: "hexo", store: "./store")
        expectFrontMatter(documents)
        let audio = try #require(documents.values.first { $0.contains("Audio only") })
        #expect(audio.contains("thumbnail") == false)
        #expect(audio.contains("date: Tue, 30 Jan 2024 10:00:00 GMT\nenclosures: \n - url: 'https://cdn.example/only.mp3'\n"
                               + "   type: 'audio/mpeg'\n   length: 12345\n---\n"), "\(audio)")
    }
}
