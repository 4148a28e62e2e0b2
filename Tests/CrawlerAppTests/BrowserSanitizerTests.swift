import CrawlerTestKit
import Foundation
import Testing

/// Every vector of Tests/BrowserVectors/xss-vectors.txt, crawled by the real binary from a loopback
/// server beside a healthy feed, then opened in headless Chromium: no stored document may run script.
@Suite struct BrowserSanitizerTests {
    let folder = TemporaryFolder()

    @Test func noStoredVectorRunsScriptInChromium() throws {
        let chromium: HeadlessChromium
        do { chromium = try HeadlessChromium() } catch {
            Issue.record("\(error)")
            return
        }
        let corpus = try XSSCorpus()
        #expect(corpus.vectors.count >= 200)
        let www = folder.file("www")
        try FileManager.default.createDirectory(atPath: www + "/doc", withIntermediateDirectories: true)
        let server = try LoopbackHTTPServer { request in Self.serve(request.path, from: www) }
        try corpus.jsonFeed(ping: { server.url("/ran/\($0)") }, itemLink: { server.url("/item/\($0)") })
            .write(to: URL(fileURLWithPath: www + "/vectors.json"))
        try folder.write(HostileBodiesTests.feed(title: "healthy", body: "<p>fine</p>"), to: "www/healthy.xml")
        try folder.write("store: ./out\nfeeds:\n  - url: \(server.url("/vectors.json"))\n    name: vectors\n"
                         + "  - url: \(server.url("/healthy.xml"))\n    name: healthy\n", to: "feeds.yaml")

        let run = try CrawlerProcess.run(["once"], in: folder.path)
        #expect(run.status == 0, "stderr: \(run.stderr.suffix(1000))")
        let stored = folder.files(under: "out/posts").compactMap { folder.read("out/posts/" + $0) }
        #expect(stored.contains { $0.contains("<p>fine</p>") }, "the healthy feed was not stored")
        let documents = stored.compactMap { text in XSSCorpus.number(ofDocument: text).map { ($0, text) } }
        #expect(documents.count == corpus.vectors.count, "not every vector was stored as a document")

        let controls = try writeControls(in: www, ping: server.url)
        var frames = controls.map { "/doc/\($0).html" }
        for (number, text) in documents {
            try (HeadlessChromium.interactionScript + text).write(toFile: www + "/doc/\(number).html", atomically: false,
                                                                   encoding: .utf8)
            frames.append("/doc/\(number).html")
        }
        // And as Hexo shows a post: its body rendered as Markdown.
        frames += try renderedAsMarkdown(documents, in: www).map { "/doc/\($0).html" }
        // The controls again, last: a page cut short before its last frames ran would hide vectors.
        let lastControls = try writeControls(in: www, ping: server.url, suffix: "-last")
        frames += lastControls.map { "/doc/\($0).html" }
        let page = frames.map { "<iframe src=\"\($0)\"></iframe>" }.joined(separator: "\n")
        try page.write(toFile: www + "/frames.html", atomically: false, encoding: .utf8)
        try chromium.load(server.url("/frames.html"), profile: folder.file("chromium"))

        // Anywhere in the path: a javascript: URL with an authority loses the colon of the URL in its
        // script, which then fetches /http//127.0.0.1:port/ran/N relative to the page.
        let pinged = Set(server.requests.compactMap { request in
            request.path.range(of: "/ran/").map { String(request.path[$0.upperBound...].prefix { $0 != "/" && $0 != "?" }) }
        })
        // The harness can see a script run: plain, on a handler, on a javascript: link.
        for control in controls + lastControls {
            #expect(pinged.contains(control), "control \(control) did not run: the harness cannot see script run")
        }
        let ran = corpus.vectors.filter { pinged.contains(String($0.number)) }
        let list = ran.map { "  \($0.number): \($0.link.map { "link=" + $0 + " " } ?? "")\($0.body)" }
        #expect(ran.count == 0, "\(ran.count) of \(corpus.vectors.count) vectors ran script:\n\(list.joined(separator: "\n"))")
    }

    /// Each document's body as Hexo's Markdown renderer turns it into HTML (Tests/BrowserVectors/
    /// hexo-markdown.js, Debian's marked), written as pages for the harness; their names.
    private func renderedAsMarkdown(_ documents: [(Int, String)], in www: String) throws -> [String] {
        var arguments = [XSSCorpus.folder + "/hexo-markdown.js"]
        for (number, text) in documents {
            try text.write(toFile: www + "/doc/\(number).md", atomically: false, encoding: .utf8)
            arguments += [www + "/doc/\(number).md", www + "/doc/\(number)-md.html"]
        }
        let node = Process()
        node.executableURL = URL(fileURLWithPath: "/usr/bin/node")
        node.arguments = arguments
        try node.run()
        node.waitUntilExit()
        #expect(node.terminationStatus == 0, "node could not render the documents as Markdown")
        return try documents.map { number, _ in
            let rendered = try String(contentsOfFile: www + "/doc/\(number)-md.html", encoding: .utf8)
            try (HeadlessChromium.interactionScript + rendered).write(toFile: www + "/doc/\(number)-md.html",
                                                                       atomically: false, encoding: .utf8)
            return "\(number)-md"
        }
    }

    /// Pages not made by the crawler that must ping: one per way the harness makes script run.
    private func writeControls(in www: String, ping: (String) -> String, suffix: String = "") throws -> [String] {
        let controls = [
            "control-script\(suffix)": "<script>fetch('\(ping("/ran/control-script\(suffix)"))')</script>",
            "control-handler\(suffix)": "<div onmouseover=\"fetch('\(ping("/ran/control-handler\(suffix)"))')\">x</div>",
            "control-link\(suffix)": "<a href=\"javascript:fetch('\(ping("/ran/control-link\(suffix)"))')\">x</a>",
        ]
        for (name, body) in controls {
            try (HeadlessChromium.interactionScript + body).write(toFile: www + "/doc/\(name).html", atomically: false,
                                                                  encoding: .utf8)
        }
        return controls.keys.sorted()
    }

    private static func serve(_ path: String, from www: String) -> ServedResponse {
        let types = ["json": "application/feed+json", "xml": "application/rss+xml; charset=utf-8",
                     "html": "text/html; charset=utf-8"]
        let file = String(path.prefix { $0 != "?" })
        guard !file.contains(".."), let type = types[String(file.split(separator: ".").last ?? "")],
              let body = FileManager.default.contents(atPath: www + file) else {
            return ServedResponse(status: 404, contentType: "text/plain", text: "not here")
        }
        return ServedResponse(headers: [("Content-Type", type)], body: [UInt8](body))
    }
}
