import CrawlerTestKit
import Foundation
import Synchronization
import Testing

/// A feed's values as a site's theme prints them: real Jekyll and Hugo builds of what `crawler
/// once` stored, with a healthy feed beside the hostile ones, and headless Chromium for "no script".
@Suite struct HostileSiteTests {
    let folder = TemporaryFolder()

    static func item(_ id: String, title: String, link: String? = nil, author: String? = nil, category: String? = nil,
                     body: String = "<p>text</p>") -> String {
        """
        <item><title>\(title)</title><guid>\(id)</guid><link>\(link ?? "https://example.org/\(id)")</link>
        <pubDate>Wed, 16 Feb 2022 10:00:00 +0000</pubDate>\(author.map { "<dc:creator>\($0)</dc:creator>" } ?? "")
        \(category.map { "<category>\($0)</category>" } ?? "")<description><![CDATA[\(body)]]></description></item>
        """
    }

    static func feed(channel: String, items: [String]) -> String {
        """
        <?xml version="1.0" encoding="UTF-8"?>
        <rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel><title>\(channel)</title>
        <link>https://example.org/</link>\(items.joined(separator: "\n"))</channel></rss>
        """
    }

    /// Serves `feeds` by path, and the site's built pages from `site` once there is one.
    private func serve(_ feeds: [String: String], site: @escaping @Sendable () -> String? = { nil }) throws -> LoopbackHTTPServer {
        try LoopbackHTTPServer { request in
            if let feed = feeds[request.path] { return ServedResponse(text: feed) }
            let path = String(request.path.prefix { $0 != "?" })
            if let root = site(), !path.contains(".."), let page = FileManager.default.contents(atPath: root + path) {
                return ServedResponse(headers: [("Content-Type", "text/html; charset=utf-8")], body: [UInt8](page))
            }
            return ServedResponse(status: 404, contentType: "text/plain", text: "not here")
        }
    }

    private func crawl(_ server: LoopbackHTTPServer, feeds: [String], output: String, store: String,
                       extra: String = "") throws {
        var yaml = "output: \(output)\nstore: \(store)\nallow_private_networks: true\n\(extra)feeds:\n"
        for name in feeds { yaml += "  - url: \(server.url("/" + name))\n    name: \(name)\n    item_categories: true\n" }
        try folder.write(yaml, to: "feeds.yaml")
        let run = try CrawlerProcess.run(["once"], in: folder.path)
        #expect(run.status == 0, "\(run.stderr)")
    }

    /// Jekyll's minima and jekyll-seo-tag print `page.author` unescaped, in the page and in a
    /// `<meta content="…">`: a feed's author (a JSON Feed's as sent, an RSS one escaped twice, the
    /// channel title standing in for it) ran script on every post page. So did a link in an `href`.
    /// Round 63: the same in a template of the README's kind (`title: {{{title_yaml}}}`): the
    /// title's `<` and `>` went into its front matter as the feed gave them.
    @Test(arguments: ["jekyll", "template"])
    func aFeedsAuthorCategoriesAndLinkRunNoScriptInAJekyllTheme(output: String) throws {
        let chromium = try HeadlessChromium()
        let jekyll = try SiteBuilder.jekyll()
        let siteRoot = folder.file("site/_site")
        let ping = "fetch('/ran/' + this.dataset.n)"
        let json = """
            {"version": "https://jsonfeed.org/version/1.1", "title": "JSON blog", "items": [
             {"id": "j1", "url": "https://example.org/j1", "title": "Weekly notes", "date_published": "2022-02-16T10:00:00Z",
              "content_html": "<p>nothing</p>", "authors": [{"name": "Jane\\"><img src=x data-n=json onerror=\\"\(ping)\\">"}]}]}
            """
        let rss = Self.feed(channel: "News &amp;lt;img src=x data-n=channel onerror=&amp;quot;\(ping)&amp;quot;&amp;gt;", items: [
            // Round 14: a title escaped twice over, printed raw by a theme's `<h1>{{ page.title }}</h1>`.
            Self.item("r1", title: "Plain &amp;lt;img src=x data-n=title onerror=&amp;quot;\(ping)&amp;quot;&amp;gt; title",
                      author: "&amp;lt;img src=x data-n=creator onerror=&amp;quot;\(ping)&amp;quot;&amp;gt;"),
            Self.item("r2", title: "Another", link: "https://example.org/x&quot;&gt;&lt;img src=x data-n=link onerror=&quot;\(ping)&quot;&gt;",
                      category: "&amp;lt;img src=x data-n=category onerror=&amp;quot;\(ping)&amp;quot;&amp;gt;"),
            // Round 62: a title printed in an attribute (`alt="{{ page.title }}"`) took the feed's own attributes.
            Self.item("r3", title: "Nice post\" data-n=\"quote\" onerror=\"\(ping)\" x=\""),
        ])
        let healthy = Self.feed(channel: "Healthy", items: [Self.item("h1", title: "Healthy post", body: "<p>fine</p>")])
        let server = try serve(["/json": json, "/rss": rss, "/healthy": healthy]) { siteRoot }
        var extra = ""
        if output == "template" {
            try folder.write("""
                ---
                layout: post
                title: {{{title_yaml}}}
                author: {{{author_yaml}}}
                source: {{{link_yaml}}}
                date: {{{date_rfc3339_yaml}}}
                categories:
                {{#categories}}
                  - {{{name_yaml}}}
                {{/categories}}
                ---
                {{{body_inert}}}
                """, to: "post.mustache")
            extra = "template: post.mustache\ndocument_path: _posts/{year}-{month}-{day}-{hash}.html\n"
        }
        try crawl(server, feeds: ["json", "rss", "healthy"], output: output, store: "./site", extra: extra)
        // minima's and jekyll-seo-tag's ways of printing the values, unescaped.
        try folder.write("""
            permalink: /:year/:month/:day/:title:output_ext
            exclude: [index.sqlite, index.sqlite-wal, index.sqlite-shm, lock, tmp]
            """, to: "site/_config.yml")
        try FileManager.default.createDirectory(atPath: folder.file("site/_layouts"), withIntermediateDirectories: true)
        try folder.write("""
            <html><head><meta name="author" content="{{ page.author }}"></head><body>
            <h1>{{ page.title }}</h1><img src="/no-such-image.png" alt="{{ page.title }}">
            <span class="p-author">{{ page.author }}</span> {{ page.categories }}
            <a href="{{ page.source }}">source</a> {{ content }}</body></html>
            """, to: "site/_layouts/post.html")
        try jekyll.build(in: folder.file("site"))
        let pages = folder.files(under: "site/_site").filter { $0.hasSuffix(".html") }
        #expect(pages.count == 5, "\(pages)")
        let healthyPage = try #require(pages.first { folder.read("site/_site/" + $0)?.contains("<p>fine</p>") == true })
        var frames = pages.map { "<iframe src=\"/\($0)\"></iframe>" }
        // A control the harness must see run: the same ping from a handler that fires.
        try folder.write("<img src=x data-n=control onerror=\"\(ping)\">", to: "site/_site/control.html")
        frames.append("<iframe src=\"/control.html\"></iframe>")
        try folder.write(frames.joined(separator: "\n"), to: "site/_site/frames.html")
        try chromium.load(server.url("/frames.html"), profile: folder.file("chromium"))
        let ran = Set(server.requests.compactMap { $0.path.hasPrefix("/ran/") ? String($0.path.dropFirst(5)) : nil })
        #expect(ran == ["control"], "script ran from a feed's value: \(ran.subtracting(["control"]).sorted()); healthy page \(healthyPage)")
    }

    /// jekyll-feed (and hexo-generator-feed) put each post's content in a CDATA section: an
    /// ordinary post about XML that wrote `]]>` ended it, and the site's own feed.xml was no
    /// longer XML for any subscriber. The body says `]]&gt;` now, which reads the same.
    @Test func aBodyThatWritesTheEndOfCDATAKeepsTheSitesFeedWellFormed() throws {
        let jekyll = try SiteBuilder.jekyll()
        let xml = Self.feed(channel: "XML", items: [Self.item("x1", title: "About XML",
            // `]]>` raw in the body's HTML, written inside the feed's own CDATA wrapper.
            body: "<p>The sequence ]]]]><![CDATA[> ends a CDATA section.</p><pre>a]]]]><![CDATA[>b</pre>")])
        let healthy = Self.feed(channel: "Healthy", items: [Self.item("h1", title: "Healthy post", body: "<p>fine</p>")])
        let server = try serve(["/xml": xml, "/healthy": healthy])
        try crawl(server, feeds: ["xml", "healthy"], output: "jekyll", store: "./site")
        let stored = folder.files(under: "site/_posts").compactMap { folder.read("site/_posts/" + $0) }
        #expect(stored.count == 2 && stored.contains { $0.contains("ends a CDATA section") }, "\(stored)")
        #expect(!stored.contains { $0.contains("]]>") })
        try folder.write("""
            plugins: [jekyll-feed]
            exclude: [index.sqlite, index.sqlite-wal, index.sqlite-shm, lock, tmp]
            """, to: "site/_config.yml")
        try jekyll.build(in: folder.file("site"))
        let parse = Process()
        parse.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        parse.arguments = ["-c", "import sys, xml.dom.minidom; xml.dom.minidom.parse(sys.argv[1])", folder.file("site/_site/feed.xml")]
        try parse.run()
        parse.waitUntilExit()
        #expect(parse.terminationStatus == 0, "\(folder.read("site/_site/feed.xml") ?? "no feed.xml")")
        #expect(folder.read("site/_site/feed.xml")?.contains("Healthy post") == true)
    }

    /// Round 14: with the README's Jekyll layout (the store is the site's folder), the pages
    /// Jekyll built into `_site/` (named by hash, as the posts are) were taken for copies of the
    /// documents: `verify` failed on every one, and `forget --missing` refused a post deleted by
    /// hand as "moved elsewhere".
    @Test func aJekyllSitesBuiltPagesAreNoDocumentsOfTheStore() throws {
        let jekyll = try SiteBuilder.jekyll()
        let server = try serve(["/news": Self.feed(channel: "News", items: [Self.item("n1", title: "One", body: "<p>one</p>"),
                                                                            Self.item("n2", title: "Two", body: "<p>two</p>")]),
                                "/healthy": Self.feed(channel: "Healthy", items: [Self.item("h1", title: "Healthy", body: "<p>fine</p>")])])
        try crawl(server, feeds: ["news", "healthy"], output: "jekyll", store: "./site")
        try folder.write("""
            permalink: /:year/:month/:day/:title:output_ext
            exclude: [index.sqlite, index.sqlite-wal, index.sqlite-shm, lock, tmp]
            """, to: "site/_config.yml")
        try jekyll.build(in: folder.file("site"))
        #expect(folder.files(under: "site/_site").contains { $0.hasSuffix(".html") })
        let verify = try CrawlerProcess.run(["store", "verify"], in: folder.path)
        #expect(verify.status == 0, "\(verify.stdout)")
        let deleted = try #require(folder.files(under: "site/_posts").first)
        try FileManager.default.removeItem(atPath: folder.file("site/_posts/" + deleted))
        let forget = try CrawlerProcess.run(["store", "forget", "--missing"], in: folder.path)
        #expect(forget.status == 0 && !forget.stdout.contains("moved"), "\(forget.stdout)\(forget.stderr)")
        #expect(try CrawlerProcess.run(["store", "verify"], in: folder.path).status == 0)
    }

    /// Hugo makes a page of each category at `/categories/<term>/`, keeping `..`: a channel title
    /// of `..` failed the whole build (nothing published, the healthy feed's posts included), and
    /// `../posts/2022/02/<hash>` took the place of another feed's post.
    @Test func hugoBuildsAndKeepsEveryPostWhateverTheFeedsCategories() throws {
        let hugo = try SiteBuilder.hugo()
        let healthy = Self.feed(channel: "Healthy", items: [Self.item("h1", title: "Healthy post", body: "<p>fine</p>")])
        var feeds = ["/healthy": healthy]
        // Round 14: `index.xml` (any case) is the file beside Hugo's term folders, and `!!!`, `&`,
        // an emoji have no name left in a path (`/categories//`).
        let titles = ["..", "../about", "../../../index.xml", ". .", "../posts", "..!", "..\u{A0}", ".?.", "..\u{200B}", "..²", "ⅰ..",
                      "index.xml", "Index.Html", "!!!", "&amp;", "🎉"]
        for (index, title) in titles.enumerated() {
            feeds["/dots\(index)"] = Self.feed(channel: title, items: [
                Self.item("d\(index)", title: "Dots \(index)", category: index % 2 == 0 ? "../posts/2022/02" : "INDEX.XML",
                          body: "<p>dots \(index)</p>")])
        }
        let server = try serve(feeds)
        try crawl(server, feeds: ["healthy"] + titles.indices.map { "dots\($0)" }, output: "hugo", store: "./store")
        let documents = folder.files(under: "store/posts")
        let healthyDocument = try #require(documents.first { folder.read("store/posts/" + $0)?.contains("<p>fine</p>") == true })
        try buildHugoSite(hugo, layouts: ["_default/single.html": "POST {{ .Content }}", "_default/list.html": "LIST {{ .Title }}"])
        let page = folder.read("hugo-site/public/posts/" + healthyDocument.dropLast(".html".count) + "/index.html")
        #expect(page?.hasPrefix("POST ") == true && page?.contains("<p>fine</p>") == true, "\(page ?? "no page")")
        #expect(folder.read("hugo-site/public/posts/index.html")?.hasPrefix("LIST Posts") == true)
        // Every category a page of its own: each holds a letter or a digit.
        let categories = documents.compactMap { folder.read("store/posts/" + $0) }.flatMap { text in
            text.split(separator: "\n").filter { $0.hasPrefix("categories: [") }
                .flatMap { $0.dropFirst(13).split(separator: ",").map { $0.trimmingCharacters(in: CharacterSet(charactersIn: " '[]")) } }
        }
        #expect(!categories.isEmpty && categories.allSatisfy { $0.contains { $0.isLetter || $0.isNumber } }, "\(categories)")
    }

    /// Round 23: a channel title of 280 letters (every post's category) or an item's category of
    /// 100 Chinese characters made a term folder over 255 bytes, and the whole Hugo build failed;
    /// `C#` linked to `/categories/c#/` (the browser went to `/categories/c`), `%2e%2e` to `..`.
    @Test func hugoBuildsWithLongCategoriesAndEachTermsLinkReachesItsPage() throws {
        let hugo = try SiteBuilder.hugo()
        let healthy = Self.feed(channel: "Healthy", items: [Self.item("h1", title: "Healthy post", body: "<p>fine</p>")])
        let longTitle = String(repeating: "My very long blog name ", count: 12)
        let categories = [String(repeating: "长", count: 100), "C#", "%2e%2e", ".hidden", "what?now"]
        var feeds = ["/healthy": healthy, "/long": Self.feed(channel: longTitle, items: [Self.item("l1", title: "Long")])]
        for (index, category) in categories.enumerated() {
            feeds["/c\(index)"] = Self.feed(channel: "Feed \(index)", items: [Self.item("c\(index)", title: "Post \(index)",
                                                                                    category: category)])
        }
        let server = try serve(feeds)
        try crawl(server, feeds: ["healthy", "long"] + categories.indices.map { "c\($0)" }, output: "hugo", store: "./store")
        try buildHugoSite(hugo, disabling: "[\"RSS\", \"sitemap\", \"robotsTXT\", \"404\"]",
                          layouts: ["_default/single.html": "POST {{ .Content }}",
                                    "_default/list.html": "LIST {{ .Title }}",
                                    "_default/terms.html": "TERMS {{ range .Data.Terms }}<a href=\"{{ .Page.RelPermalink }}\">x</a> {{ end }}"])
        let healthyDocument = try #require(folder.files(under: "store/posts").first {
            folder.read("store/posts/" + $0)?.contains("<p>fine</p>") == true
        })
        #expect(folder.read("hugo-site/public/posts/" + healthyDocument.dropLast(".html".count) + "/index.html")?
            .contains("<p>fine</p>") == true)
        // Every term's link, as a browser reads it (up to a `#` or `?`, `%2e` decoded), is its page.
        let terms = try #require(folder.read("hugo-site/public/categories/index.html"))
        let links = terms.matches(of: /href="([^"]*)"/).map { String($0.1) }
        #expect(links.count == 2 + 2 * categories.count, "\(terms)")
        for link in links {
            let path = String(link.prefix { $0 != "#" && $0 != "?" })
            let file = try #require(path.removingPercentEncoding, "\(link)")
            #expect(path == link && !file.contains("/."), "\(link)")
            #expect(folder.read("hugo-site/public" + file + "index.html")?.hasPrefix("LIST ") == true, "\(link)")
        }
    }

    /// Hugo's summary and Hexo's excerpt end at the first `<!--more-->`, Jekyll's at the first
    /// blank line: a feed that put either inside `<font style="display:none">` hid every later post
    /// and the footer of the home page. The home page now holds every post's summary closed.
    @Test func aFeedsExcerptDividerLeavesNothingOpenOnTheHomePage() throws {
        let hugo = try SiteBuilder.hugo()
        let jekyll = try SiteBuilder.jekyll()
        let hiding = Self.feed(channel: "Hiding", items: [Self.item("hide", title: "Innocent",
            body: "<p>Read this. <font style=\"display:none\">x <!--more--><!-- MORE --><!--\u{A0}more\u{3000}--><!--\u{FEFF}more-->\n\n</font>The end.</p>")])
        // A long post, as a real feed has them: its excerpt is its beginning, not all of it.
        let paragraphs = (1...8).map { "<p>Paragraph \($0) of a long and ordinary article, with enough words to fill a line.</p>" }
        let healthy = Self.feed(channel: "Healthy", items: [Self.item("h1", title: "Healthy post",
                                                                      body: "<p>fine</p>\n\n" + paragraphs.joined(separator: "\n\n"))])
        let server = try serve(["/hiding": hiding, "/healthy": healthy])

        try crawl(server, feeds: ["hiding", "healthy"], output: "hugo", store: "./store")
        let stored = folder.files(under: "store/posts").compactMap { folder.read("store/posts/" + $0) }
        #expect(stored.count == 2 && !stored.contains { $0.lowercased().contains("more -->") || $0.contains("<!--more")
                                                        || $0.contains("more\u{3000}-->") || $0.contains("\u{FEFF}more") })
        try buildHugoSite(hugo, disabling: "[\"taxonomy\", \"term\", \"RSS\", \"sitemap\", \"robotsTXT\", \"404\"]",
                          layouts: ["index.html": "{{ range .Site.RegularPages }}<li>{{ .Summary }}</li>{{ end }}",
                                    "_default/single.html": "{{ .Content }}"])
        try expectBalanced(folder.read("hugo-site/public/index.html"))

        try crawl(server, feeds: ["hiding", "healthy"], output: "jekyll", store: "./site")
        try folder.write("exclude: [index.sqlite, index.sqlite-wal, index.sqlite-shm, lock, tmp]\n", to: "site/_config.yml")
        try folder.write("---\n---\n{% for post in site.posts %}<li>{{ post.excerpt }}</li>{% endfor %}\n", to: "site/index.html")
        try FileManager.default.createDirectory(atPath: folder.file("site/_layouts"), withIntermediateDirectories: true)
        try folder.write("{{ content }}", to: "site/_layouts/post.html")
        try jekyll.build(in: folder.file("site"))
        try expectBalanced(folder.read("site/_site/index.html"))
        #expect(folder.read("site/_site/index.html")?.contains("Paragraph 8") == false, "the whole post as its excerpt")
    }

    /// A Hugo site in hugo-site/ with the store's posts/ as its content/posts (as the README shows), built.
    private func buildHugoSite(_ hugo: SiteBuilder, disabling kinds: String? = nil, layouts: [String: String]) throws {
        try FileManager.default.createDirectory(atPath: folder.file("hugo-site/layouts/_default"), withIntermediateDirectories: true)
        try folder.write(SiteBuilder.hugoConfig(posts: folder.file("store/posts"), disabling: kinds), to: "hugo-site/hugo.toml")
        for (path, text) in layouts { try folder.write(text, to: "hugo-site/layouts/" + path) }
        try hugo.build(in: folder.file("hugo-site"))
    }

    private func expectBalanced(_ page: String?) throws {
        let page = try #require(page)
        #expect(page.contains("fine"), "the healthy post is missing: \(page)")
        let opened = page.components(separatedBy: "<font").count, closed = page.components(separatedBy: "</font>").count
        #expect(opened == closed, "a summary ends inside <font>: \(page)")
    }

    /// `@import` needs no braces (which a document writes as references), so a feed's `<style>`
    /// could bring a stylesheet that replaced the whole page; a `style` attribute could lay a
    /// window-sized link over it. Ordinary styling stays.
    @Test func aFeedsStyleCannotReachPastItsPost() throws {
        let body = """
            <style>@import url("https://evil.example/deface.css");</style>\
            <a href="https://evil.example/login" style="position:fixed;top:0;left:0;width:100vw;height:100vh;z-index:99">x</a>\
            <p style="posit\\69on: fixed">escaped</p><p style="margin-top:-2000px">pulled up</p>\
            <p style="margin-top:calc(300px * sin(270deg))">pulled up too</p>\
            <p style="box-sizing: border-box; width: 300px; position: absolute">sized</p>\
            <a href="https://evil.example/all" style="font-size:5000px;line-height:0;text-indent:-2000px;opacity:0.01;color:transparent">all</a>\
            <p style="color: red; text-align: center">kept</p>\
            <p style="background:red url(https://track.example/p.png) no-repeat">pixel</p>\
            <p style="background-image: image-set(url(https://track.example/q.png) 1x)">pixel set</p>\
            <p style="font-family: 'Curl(y) Sans'">curly</p>\
            <p style='background: -webkit-image-set("https://track.example/w.png" 1x)'>webkit</p>
            """
        // Alone in an otherwise clean body (kept byte for byte) too.
        let importOnly = "<style>@import url(https://evil.example/b.css);</style><p>clean otherwise</p>"
        let server = try serve(["/styled": Self.feed(channel: "Styled", items: [Self.item("s1", title: "Styled", body: body),
                                                                                Self.item("s2", title: "Clean", body: importOnly)]),
                                "/healthy": Self.feed(channel: "Healthy", items: [Self.item("h1", title: "Healthy", body: "<p>fine</p>")])])
        try crawl(server, feeds: ["styled", "healthy"], output: "hexo", store: "./store")
        let stored = folder.files(under: "store/posts").compactMap { folder.read("store/posts/" + $0) }
        let styled = try #require(stored.first { $0.contains("title: 'Styled'") })
        #expect(stored.contains { $0.contains("<p>fine</p>") })
        #expect(!styled.contains("@import") && !styled.contains("position") && !styled.contains("-2000px")
                && !styled.contains("calc("), "\(styled)")
        let clean = try #require(stored.first { $0.contains("clean otherwise") })
        #expect(!clean.contains("@import"), "\(clean)")
        #expect(styled.contains("<p style=\"color: red; text-align: center\">kept</p>"), "\(styled)")
        // Round 15: a background fetched from anywhere is a tracking pixel, sent with a Referer.
        #expect(!styled.contains("track.example"), "\(styled)")
        #expect(styled.contains("font-family: 'Curl(y) Sans'"), "\(styled)")
        // One property off the list takes only itself away (WordPress sizes images with box-sizing).
        #expect(styled.contains("<p style=\"width: 300px\">sized</p>"), "\(styled)")
        // Round 13: glyphs of 5,000 px on a line of no height, pulled left and made invisible,
        // covered the window with the link using only properties on the list.
        #expect(styled.contains("<a href=\"https://evil.example/all\" style=\"line-height:0\">all</a>"), "\(styled)")
    }

    /// Round 14: the bounds on font sizes were read past (`1E3px`, `50cm`, nested `8em`s), and
    /// lengths of listed properties had none (`padding-top:3000px` on a span painted over the site's
    /// header, `margin-top:99999999px` pushed every later post off the page). Each stored body is
    /// laid out by Chromium under a header: nothing of it may reach over the header, or stretch the
    /// post past a few screens. A control written as it came in must.
    @Test func aFeedsStyleStaysInsideItsPostInABrowser() throws {
        let chromium = try HeadlessChromium()
        let vectors = [
            "cm": "<p style=\"font-size:50cm;line-height:1px;color:#c00;margin:0;height:0\">X</p>",
            "exponent": "<p style=\"font-size:1E3px;line-height:0\">X</p><p style=\"line-height:1e2\">Y</p>",
            "nested": "<span style=\"font-size:8em\"><span style=\"font-size:8em\"><span style=\"font-size:8em\">X</span></span></span>",
            "padding": "<p>text <span style=\"padding-top:3000px;padding-bottom:3000px;background:#0a0\">X</span></p>",
            "tall": "<div style=\"height:1e9px\">X</div><div style=\"min-height:100in\">Y</div>",
            "pushed": "<div style=\"margin-top:99999999px\">X</div><div style=\"border-top:5000px solid #1e3\">Y</div>",
        ]
        let ordinary = "<p style=\"font-size: 14px; padding: 10px; width: 300px; border: 1px solid #1e3\">ordinary</p>"
        let items = vectors.sorted { $0.key < $1.key }.map { Self.item($0.key, title: $0.key, body: $0.value) }
            + [Self.item("ordinary", title: "ordinary", body: ordinary)]
        let pages = SharedPages()
        let server = try LoopbackHTTPServer { request in
            if request.path == "/styled" { return ServedResponse(text: Self.feed(channel: "Styled", items: items)) }
            if request.path == "/healthy" {
                return ServedResponse(text: Self.feed(channel: "Healthy", items: [Self.item("h1", title: "Healthy", body: "<p>fine</p>")]))
            }
            if let page = pages.value[request.path] { return ServedResponse(contentType: "text/html; charset=utf-8", text: page) }
            return ServedResponse(status: 404, contentType: "text/plain", text: "not here")
        }
        try crawl(server, feeds: ["styled", "healthy"], output: "hexo", store: "./store")
        let stored = folder.files(under: "store/posts").compactMap { folder.read("store/posts/" + $0) }
        #expect(stored.contains { $0.contains("<p>fine</p>") })
        var served: [String: String] = [:]
        for name in vectors.keys.sorted() + ["ordinary"] {
            let document = try #require(stored.first { $0.contains("title: '\(name)'") || $0.contains("title: \(name)\n") })
            let start = try #require(document.range(of: "<div>"))
            let body = String(document[start.lowerBound...])
            served["/\(name).html"] = Self.laidOut(body)
        }
        served["/control.html"] = Self.laidOut("<div>" + vectors["padding"]! + "</div>")
        served["/frames.html"] = (vectors.keys.sorted() + ["ordinary", "control"])
            .map { "<iframe src=\"/\($0).html\" width=\"1000\" height=\"700\"></iframe>" }.joined(separator: "\n")
        pages.value = served
        try chromium.load(server.url("/frames.html"), profile: folder.file("chromium"))
        let reports = server.requests.map { $0.path }.filter { $0.hasPrefix("/laid/") }
        #expect(reports.contains("/laid/control/over"), "the harness saw no overflow in the control: \(reports)")
        #expect(reports.contains("/laid/ordinary/inside"), "\(reports)")
        for name in vectors.keys.sorted() { #expect(reports.contains("/laid/\(name)/inside"), "\(name): \(reports)") }
        let kept = try #require(stored.first { $0.contains("ordinary</p>") })
        #expect(kept.contains("font-size: 14px; padding: 10px; width: 300px; border: 1px solid #1e3"), "\(kept)")
    }

    /// A page as a site lays a post out: the site's header, then the body; once laid out, it says
    /// (`/laid/NAME/inside` or `/over`) whether any box or glyph of the body reaches over the
    /// header (a glyph's own overhang on a tight line aside), or makes the post taller than a few
    /// screens.
    private static func laidOut(_ body: String) -> String {
        """
        <!DOCTYPE html><html><body style="margin:0"><div id="header" style="height:100px">SITE HEADER</div>
        <div id="post" style="width:800px">\(body)</div>
        <script>
        addEventListener('load', () => {
          const name = location.pathname.slice(1).replace('.html', '');
          const header = document.getElementById('header').getBoundingClientRect();
          let over = document.getElementById('post').getBoundingClientRect().height > 3000;
          const boxes = [];
          for (const element of document.querySelectorAll('#post *')) boxes.push(...element.getClientRects());
          // The glyphs themselves, which spill out of a box of no height.
          const walker = document.createTreeWalker(document.getElementById('post'), NodeFilter.SHOW_TEXT);
          while (walker.nextNode()) {
            const range = document.createRange();
            range.selectNodeContents(walker.currentNode);
            boxes.push(...range.getClientRects());
          }
          for (const box of boxes) {
            if (box.top < header.bottom - 24 || box.bottom > 3100 || box.width > 3000) over = true;
          }
          fetch('/laid/' + name + (over ? '/over' : '/inside'));
        });
        </script></body></html>
        """
    }

    /// A template that prints the title in the page (a by-line) let a feed's title of
    /// `{% endif %}` fail `jekyll build` for the whole site: only `body_inert` was inert. Every
    /// string has an `_inert` twin now.
    @Test func aTemplatesInertValuesKeepLiquidOutOfAJekyllBuild() throws {
        let jekyll = try SiteBuilder.jekyll()
        let liquid = Self.feed(channel: "Liquid {% endif %}", items: [
            Self.item("l1", title: "Breaking {% endif %} news {{ site.time }}", author: "Ann {% raw %}", body: "<p>story</p>")])
        let healthy = Self.feed(channel: "Healthy", items: [Self.item("h1", title: "Healthy post", body: "<p>fine</p>")])
        let server = try serve(["/liquid": liquid, "/healthy": healthy])
        try folder.write("""
            ---
            layout: post
            title: {{{title_yaml}}}
            date: {{{date_rfc3339_yaml}}}
            ---
            <p class="byline">{{{title_inert}}} by {{{author_inert}}} in {{#categories}}{{{name_inert}}} {{/categories}}</p>
            {{{body_inert}}}
            """, to: "post.mustache")
        try crawl(server, feeds: ["liquid", "healthy"], output: "template", store: "./site",
                  extra: "template: post.mustache\ndocument_path: _posts/{year}-{month}-{day}-{hash}.html\n")
        try folder.write("exclude: [index.sqlite, index.sqlite-wal, index.sqlite-shm, lock, tmp]\n", to: "site/_config.yml")
        try FileManager.default.createDirectory(atPath: folder.file("site/_layouts"), withIntermediateDirectories: true)
        try folder.write("{{ content }}", to: "site/_layouts/post.html")
        try jekyll.build(in: folder.file("site"))
        let pages = folder.files(under: "site/_site").compactMap { folder.read("site/_site/" + $0) }
        #expect(pages.contains { $0.contains("<p>fine</p>") })
        let page = try #require(pages.first { $0.contains("byline") && $0.contains("Breaking") }, "\(pages)")
        #expect(page.contains("Breaking {% endif %} news {{ site.time }} by Ann {% raw %} in Liquid {% endif %}")
                || page.contains("Breaking &#123;% endif %&#125; news &#123;&#123; site.time &#125;&#125;"), "\(page)")
    }
}

/// Pages by path, set by a test once it has them, read by a loopback server's handler.
final class SharedPages: Sendable {
    private let storage = Mutex<[String: String]>([:])

    var value: [String: String] {
        get { storage.withLock { $0 } }
        set { storage.withLock { $0 = newValue } }
    }
}
