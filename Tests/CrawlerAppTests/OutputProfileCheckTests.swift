import CrawlerTestKit
import Foundation
import Testing

/// `output: template` and the site profiles as an operator meets them: `check` before a crawl,
/// and the documents `once` writes.
@Suite struct OutputProfileCheckTests {
    let folder = TemporaryFolder()

    private func crawler(_ arguments: [String]) throws -> CrawlerProcess.Run {
        try CrawlerProcess.run(arguments, in: folder.path)
    }

    @Test func checkCompilesTheTemplateAndNamesTheFileLineAndColumnOfAnError() throws {
        try folder.write("---\ntitle: {{{title_yaml}}}\n  {{#link}}source: {{{link_yaml}}}\n---\n{{{body}}}\n",
                         to: "post.mustache")
        try folder.write("output: template\ntemplate: post.mustache\nfeeds: []\n", to: "feeds.yaml")
        let expected = folder.file("post.mustache") + ":3:3: template error: {{#link}} is never closed (no {{/link}})"
        let check = try crawler(["check"])
        #expect(check.status == 2)
        #expect(check.stderr.contains("crawler: " + expected), "\(check.stderr)")
        let once = try crawler(["once"])
        #expect(once.status == 2)
        #expect(once.stderr.contains("crawler: " + expected), "\(once.stderr)")

        try folder.write("---\ntitle: {{{title_yaml}}}\ndate: {{date_rfc3339}}\n{{#link}}source: {{{link_yaml}}}{{/link}}\n---\n{{{body}}}\n",
                         to: "post.mustache")
        let fixed = try crawler(["check"])
        #expect(fixed.status == 0, "\(fixed.stderr)")
    }

    /// Round 59: a template without a `date:` line (or an empty one) passed `check`; once the
    /// index was lost, `rebuild-index` indexed none of its documents and every crawl refused the
    /// store, naming `rebuild-index` as the fix.
    @Test func aTemplateWhoseDocumentsHoldNoDateIsRefusedUpFront() throws {
        try folder.write("output: template\ntemplate: post.mustache\nfeeds: []\n", to: "feeds.yaml")
        for undated in ["---\ntitle: {{{title_yaml}}}\n---\n{{{body_inert}}}\n", "", "date: {{title}}\n"] {
            try folder.write(undated, to: "post.mustache")
            let check = try crawler(["check"])
            #expect(check.status == 2 && check.stderr.contains("the documents it writes have no date line"), "\(check.stderr)")
        }
        for dated in ["---\ndate: {{{date_rfc3339_yaml}}}\n---\n", "+++\ndate = {{date_rfc3339}}\n+++\n", "---\ndate: {{date_rfc1123}}\n---\n"] {
            try folder.write(dated, to: "post.mustache")
            let check = try crawler(["check"])
            #expect(check.status == 0, "\(dated): \(check.stderr)")
        }
    }

    @Test func aMissingLinkOrImageRendersEmptyAndIsFalseInSections() throws {
        let bare = GoldenDocument.rssFeed(items: ["""
            <item><guid>bare-1</guid><title>No link, no image</title>
            <pubDate>Wed, 16 Feb 2022 10:00:00 +0000</pubDate><description>just text</description></item>
            """], channelTitle: "Bare: a 'quoted' #channel")
        let full = GoldenDocument.rssFeed(items: ["""
            <item><guid>full-1</guid><title>With both</title><link>https://full.example/a?x=1&amp;y=2</link>
            <pubDate>Wed, 16 Feb 2022 11:00:00 +0000</pubDate>
            <description><![CDATA[<p>text <img src="https://full.example/a.png"></p>]]></description></item>
            """], channelTitle: "Full")
        let server = try LoopbackHTTPServer { request in ServedResponse(text: request.path == "/bare" ? bare : full) }
        try folder.write("""
            ---
            title: {{{title_yaml}}}
            date: {{date_rfc3339}}
            link: [{{link}}]
            image: [{{image}}]
            {{#link}}source: {{{link_yaml}}}{{/link}}{{^link}}source: none{{/link}}
            {{#image}}cover: {{{image_yaml}}}{{/image}}
            channel: {{{channel_yaml}}}
            feed: {{{feed_yaml}}}
            ---
            {{{body}}}

            """, to: "post.mustache")
        try folder.write("""
            output: template
            template: post.mustache
            feeds:
              - url: \(server.url("/bare"))
                name: bare
              - url: \(server.url("/full"))
                name: full
            """, to: "feeds.yaml")
        let run = try crawler(["once"])
        #expect(run.status == 0, "\(run.stderr)")
        let documents = folder.files(under: "store/posts").compactMap { folder.read("store/posts/" + $0) }
        let bareText = try #require(documents.first { $0.contains("No link, no image") })
        #expect(bareText.contains("link: []\nimage: []\nsource: none\n\nchannel: 'Bare: a ''quoted'' #channel'\nfeed: 'bare'\n"),
                "\(bareText)")
        #expect(!bareText.contains("nil"))
        let fullText = try #require(documents.first { $0.contains("With both") })
        #expect(fullText.contains("link: [https://full.example/a?x=1&amp;y=2]\nimage: [https://full.example/a.png]\n"
                                  + "source: 'https://full.example/a?x=1&y=2'\ncover: 'https://full.example/a.png'\n"),
                "\(fullText)")
    }

    @Test func aHugoOrJekyllDocumentPathEndingInMdIsRefused() throws {
        try folder.write("output: hugo\ndocument_path: posts/{year}/{hash}.md\nfeeds: []\n", to: "feeds.yaml")
        let run = try crawler(["check"])
        #expect(run.status == 2)
        #expect(run.stderr.contains("feeds.yaml:2: document_path: 'posts/{year}/{hash}.md' is a Markdown file: "
                                    + "Hugo would run Markdown over the feed's HTML and change the post; end it in .html"),
                "\(run.stderr)")
    }

    /// Round 23: only Markdown was refused; Hugo renders an `.org` document with Org mode, which
    /// made a feed's `[[javascript:alert(1)][click me]]` a working link in the site.
    @Test func aHugoOrJekyllDocumentPathMustEndInHTML() throws {
        for (output, path) in [("hugo", "posts/{hash}.org"), ("jekyll", "_posts/{year}-{month}-{day}-{hash}.adoc"),
                               ("hugo", "posts/{hash}")] {
            try folder.write("output: \(output)\ndocument_path: \(path)\nfeeds: []\n", to: "feeds.yaml")
            let run = try crawler(["check"])
            #expect(run.status == 2)
            #expect(run.stderr.contains("feeds.yaml:2: document_path: '\(path)' must end in .html"), "\(run.stderr)")
        }
        try folder.write("output: hugo\ndocument_path: posts/{hash}.htm\nfeeds: []\n", to: "feeds.yaml")
        #expect(try crawler(["check"]).status == 0)
    }

    /// `check` said "valid" and "writable" after `output:` changed on a store with documents, and
    /// the next `once` refused with exit 2; and as root it called `/proc/nostore` writable.
    @Test func checkSaysWhatWouldStopTheNextCrawl() throws {
        let server = try LoopbackHTTPServer { _ in ServedResponse(text: HostileBodiesTests.feed(title: "healthy", body: "<p>fine</p>")) }
        try folder.write("store: ./store\nfeeds:\n  - url: \(server.url("/healthy"))\n    name: healthy\n", to: "feeds.yaml")
        #expect(try crawler(["once"]).status == 0)
        #expect(try crawler(["check"]).status == 0)
        try folder.write("output: hugo\nstore: ./store\nfeeds:\n  - url: \(server.url("/healthy"))\n    name: healthy\n", to: "feeds.yaml")
        let check = try crawler(["check"])
        #expect(check.status == 1 && check.stdout.contains("holds 1 document written with output: hexo"), "\(check.stdout)")
        #expect(check.stdout.contains("crawler store rerender"))
        #expect(try crawler(["once"]).status == 2, "the crawl refuses, as check said")
        // Round 63: a template was named by a hash of its text alone.
        try folder.write("---\ntitle: {{{title_yaml}}}\ndate: {{date_rfc3339}}\n---\n{{{body_inert}}}\n", to: "post.mustache")
        try folder.write("output: template\ntemplate: post.mustache\ndocument_path: posts/{year}/{hash}.html\nstore: ./store\n"
                         + "feeds:\n  - url: \(server.url("/healthy"))\n    name: healthy\n", to: "feeds.yaml")
        let template = try crawler(["check"])
        #expect(template.stdout.contains("template: fnv1a-") && template.stdout.contains("(the text of \(folder.file("post.mustache")))"),
                "\(template.stdout)")
        try folder.write("store: /proc/nostore\nfeeds:\n  - url: \(server.url("/healthy"))\n    name: healthy\n", to: "other.yaml")
        let proc = try crawler(["check", "--config", "other.yaml"])
        #expect(proc.status == 1 && proc.stdout.contains("/proc is not writable"), "\(proc.stdout)")
    }
}
