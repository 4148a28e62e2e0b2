import CrawlerTestKit
import Foundation
import Testing

/// Hugo and Jekyll build real sites from what `crawler once` stored, and every post's body comes
/// out as the feed's HTML: no Markdown pass over it, no template engine running its braces.
@Suite struct SiteBuilderTests {
    let folder = TemporaryFolder()

    /// Text Markdown would change: a blank line, stars, an indented line, `# text`, and braces
    /// that Hugo's shortcodes and Jekyll's Liquid would run.
    static let markdownLookalike = """
        <p>First paragraph.</p>

        <p>A *starred* word, _underscores_ and 2 * 3 * 4.</p>
            an indented line that Markdown would make code
        # a line that Markdown would make a heading
        <pre>  kept
          spacing</pre>
        <p>Braces {{ .Title }} {{< shortcode >}} {% raw %}</p>
        """

    static func lookalikeFeed() -> String {
        GoldenDocument.rssFeed(items: ["""
            <item>
              <title>Markdown look-alike</title>
              <link>https://blog.example/look-alike</link>
              <guid>look-alike</guid>
              <pubDate>Wed, 16 Feb 2022 10:00:00 +0000</pubDate>
              <description><![CDATA[\(markdownLookalike)]]></description>
            </item>
            """], channelTitle: "Look-alike blog")
    }

    /// The look-alike feed beside a healthy one (the golden documents), both with categories a
    /// URL path would choke on.
    private func crawl(output: String, store: String) throws {
        let golden = try GoldenDocument.all()
        let lookalike = Self.lookalikeFeed()
        let server = try LoopbackHTTPServer { request in
            ServedResponse(text: request.path == "/lookalike" ? lookalike
                                 : GoldenDocument.rssFeed(items: golden.map(\.rssItem)))
        }
        try folder.write("""
            output: \(output)
            store: \(store)
            feeds:
              - url: \(server.url("/lookalike"))
                name: lookalike
                categories: ["C# news", "a:b"]
              - url: \(server.url("/golden"))
                name: golden
            """, to: "feeds.yaml")
        let run = try CrawlerProcess.run(["once"], in: folder.path)
        #expect(run.status == 0, "\(run.stderr)")
    }

    /// Each stored document beside the page the site made of it, compared byte for byte.
    private func expectRenderedAsStored(documents: [String], page: (String) -> String) throws {
        #expect(documents.count == 3)
        for document in documents {
            let stored = try #require(folder.read(document).flatMap(SiteBuilder.storedContent), "\(document)")
            let rendered = try #require(folder.read(page(document)).flatMap(SiteBuilder.renderedContent),
                                        "no page \(page(document)) for \(document)")
            #expect(rendered == stored, "\(document)")
        }
        let lookalike = try #require(documents.first { folder.read($0)?.contains("Markdown look-alike") == true })
        let rendered = try #require(folder.read(page(lookalike)))
        #expect(rendered.contains("<p>First paragraph.</p>\n\n<p>A *starred* word, _underscores_ and 2 * 3 * 4.</p>\n"))
        #expect(rendered.contains("\n    an indented line that Markdown would make code\n# a line that Markdown"))
        #expect(rendered.contains("Braces &#123;&#123; .Title &#125;&#125; &#123;&#123;< shortcode >&#125;&#125; &#123;% raw %&#125;"))
    }

    @Test func hugoRendersStoredHTMLDocumentsUnchanged() throws {
        let hugo = try SiteBuilder.hugo()
        try crawl(output: "hugo", store: "./store")
        let documents = folder.files(under: "store/posts").map { "store/posts/" + $0 }
        #expect(documents.allSatisfy { $0.hasSuffix(".html") }, "\(documents)")
        #expect(try CrawlerProcess.run(["store", "verify"], in: folder.path).status == 0)
        // The store's posts/ mounted as the site's content/posts, as the README shows.
        try folder.write("""
            baseURL = "http://example.org/"
            disableKinds = ["taxonomy", "term", "RSS", "sitemap", "robotsTXT", "404", "home", "section"]
            [[module.mounts]]
            source = "\(folder.file("store/posts"))"
            target = "content/posts"
            """, to: "hugo-site.toml")
        try FileManager.default.createDirectory(atPath: folder.file("hugo-site/layouts/_default"),
                                                withIntermediateDirectories: true)
        try FileManager.default.moveItem(atPath: folder.file("hugo-site.toml"), toPath: folder.file("hugo-site/hugo.toml"))
        try folder.write(SiteBuilder.beginMarker + "{{ .Content }}" + SiteBuilder.endMarker,
                         to: "hugo-site/layouts/_default/single.html")
        try hugo.build(in: folder.file("hugo-site"))
        // store/posts/2022/02/<hash>.html → public/posts/2022/02/<hash>/index.html
        try expectRenderedAsStored(documents: documents) { document in
            "hugo-site/public/" + document.dropFirst("store/".count).dropLast(".html".count) + "/index.html"
        }
    }

    @Test func jekyllRendersStoredDocumentsUnchangedAtCategoryFreePermalinks() throws {
        let jekyll = try SiteBuilder.jekyll()
        try crawl(output: "jekyll", store: "./site")
        let documents = folder.files(under: "site/_posts").map { "site/_posts/" + $0 }
        // The README's _config.yml: dates, not categories, in URLs; the store's own files left out.
        try folder.write("""
            permalink: /:year/:month/:day/:title:output_ext
            exclude: [index.sqlite, index.sqlite-wal, index.sqlite-shm, lock, tmp]
            timezone: UTC
            """, to: "site/_config.yml")
        try FileManager.default.createDirectory(atPath: folder.file("site/_layouts"), withIntermediateDirectories: true)
        try folder.write(SiteBuilder.beginMarker + "{{ content }}" + SiteBuilder.endMarker, to: "site/_layouts/post.html")
        try jekyll.build(in: folder.file("site"))
        let pages = folder.files(under: "site/_site")
        #expect(pages.count == 3, "\(pages)")
        #expect(!pages.contains { $0.contains("#") || $0.contains(":") || $0.contains("index.sqlite") }, "\(pages)")
        // site/_posts/2022-02-16-<hash>.html → _site/2022/02/16/<hash>.html
        try expectRenderedAsStored(documents: documents) { document in
            let name = (document as NSString).lastPathComponent
            let date = name.prefix(10).replacingOccurrences(of: "-", with: "/")
            return "site/_site/" + date + "/" + name.dropFirst(11)
        }
    }
}
