import CrawlerTestKit
import Foundation
import Testing

/// `images: local` through the real binary: the images of stored posts kept byte for byte under
/// the store's `assets/`, one copy for every post, and the posts pointing at `assets_url:`;
/// hot-link protection passed with the article's Referer; oversized, fake and private-address
/// images refused with the remote URL kept; `verify` and `forget` keeping the assets honest.
/// Beside a healthy feed.
@Suite struct LocalImagesTests {
    let folder = TemporaryFolder()

    static let photo: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + Array("a small photo".utf8)
    static let guarded: [UInt8] = [0xFF, 0xD8, 0xFF, 0xE0] + Array("a guarded jpeg".utf8)
    static let privateGIF: [UInt8] = Array("GIF89a".utf8) + Array("from a private address".utf8)
    static let huge: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + [UInt8](repeating: 7, count: 2 << 20)

    static func item(_ title: String, link: String, body: String) -> String {
        "<item><title>\(title)</title><link>\(link)</link><guid>\(link)</guid>"
            + "<pubDate>Sun, 01 Nov 2026 10:00:00 +0000</pubDate>"
            + "<description><![CDATA[\(body)]]></description></item>\n"
    }

    static func feed(_ items: [String]) -> String {
        "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Gallery</title><link>http://x.example/</link>\n"
            + items.joined() + "</channel></rss>\n"
    }

    /// A second loopback server: another port, so not the feeds' own (trusted) address.
    static let imageHost: LoopbackHTTPServer? = try? LoopbackHTTPServer { request in
        guard request.path == "/img/private.gif" else { return ServedResponse(status: 404, body: []) }
        return ServedResponse(headers: [("Content-Type", "image/gif")], body: privateGIF)
    }

    /// The feeds and images; `/hot/` images need the article's URL as Referer.
    static func server(base: @escaping @Sendable () -> String) throws -> LoopbackHTTPServer {
        let privateBase = "http://127.0.0.1:\(try #require(imageHost).port)"
        return try LoopbackHTTPServer { request in
            let base = base()
            switch request.path {
            case "/healthy":
                return ServedResponse(text: feed([item("Healthy item", link: base + "/h", body: "<p>Plain healthy text.</p>")]))
            case "/gallery":
                return ServedResponse(text: feed([
                    item("First post", link: base + "/posts/a", body: "<p>One</p><img src=\"\(base)/img/photo.png\">"
                         + "<img src=\"\(base)/hot/guarded.jpg\">"),
                    item("Second post", link: base + "/posts/b", body: "<p>Two</p><img src=\"\(base)/img/photo.png\">"
                         + "<img src=\"\(base)/img/same-bytes.png?x=1&amp;y=2\">"),
                    item("Refusals", link: base + "/posts/c", body: "<p>Three</p><img src=\"\(base)/img/huge.png\">"
                         + "<img src=\"\(base)/img/fake.png\"><img src=\"\(privateBase)/img/private.gif\">"
                         + "<img src=\"\(base)/img/to-file.png\"><img src=\"\(base)/img/not-modified.png\">"),
                ]))
            case "/allowed":
                return ServedResponse(text: feed([
                    item("Private allowed", link: base + "/posts/d", body: "<p>Four</p><img src=\"\(privateBase)/img/private.gif\">"),
                ]))
            case "/img/photo.png", "/img/same-bytes.png?x=1&y=2":
                return ServedResponse(headers: [("Content-Type", "image/png")], body: photo)
            case "/img/to-file.png":
                return .redirect(302, to: "file:///etc/passwd")
            case "/img/not-modified.png":
                return ServedResponse(status: 304, body: [])
            case "/img/huge.png":
                return ServedResponse(headers: [("Content-Type", "image/png")], body: huge)
            case "/img/fake.png":
                return ServedResponse(headers: [("Content-Type", "image/png")], body: Array("<html><body>Not found</body></html>".utf8))
            case "/hot/guarded.jpg":
                guard request.headers["referer"]?.hasPrefix(base + "/posts/") == true else { return ServedResponse(status: 403, body: []) }
                return ServedResponse(headers: [("Content-Type", "image/jpeg")], body: guarded)
            default:
                return ServedResponse(status: 404, body: [])
            }
        }
    }

    func crawler(_ arguments: [String], fault: String? = nil) throws -> CrawlerProcess.Run {
        try CrawlerProcess.run(arguments, in: folder.path, shellPrefix: fault.map { "export CRAWLER_FAULT='\($0)';" })
    }

    func documents() -> [String: String] {
        var byTitle: [String: String] = [:]
        for file in folder.files(under: "out/posts") {
            guard let text = folder.read("out/posts/" + file),
                  let line = text.split(separator: "\n").first(where: { $0.hasPrefix("title: ") }) else { continue }
            byTitle[line.dropFirst(7).trimmingCharacters(in: CharacterSet(charactersIn: "'\""))] = text
        }
        return byTitle
    }

    func asset(holding bytes: [UInt8]) -> String? {
        folder.files(under: "out/assets").first { FileManager.default.contents(atPath: folder.file("out/assets/" + $0)) == Data(bytes) }
    }

    static func sha256(_ bytes: [UInt8]) throws -> String {
        let file = NSTemporaryDirectory() + "asset-\(UUID().uuidString)"
        try Data(bytes).write(to: URL(fileURLWithPath: file))
        defer { try? FileManager.default.removeItem(atPath: file) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/sha256sum")
        process.arguments = [file]
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return String(text.prefix(64))
    }

    func writeConfig(_ server: LoopbackHTTPServer) throws {
        try folder.write("""
            store: ./out
            host_gap: 0s
            max_image_size: 1MB
            feeds:
              - url: \(server.url("/healthy"))
                name: healthy
              - url: \(server.url("/gallery"))
                name: gallery
                images: local
              - url: \(server.url("/allowed"))
                name: allowed
                images: local
                allow_private_networks: true
            """, to: "feeds.yaml")
    }

    @Test func imagesAreKeptOnceAndPostsPointAtThem() throws {
        let base = LockedText()
        let server = try Self.server(base: { base.value })
        base.value = "http://127.0.0.1:\(server.port)"
        try writeConfig(server)
        let run = try crawler(["once"])
        #expect(run.status == 0, "stderr: \(run.stderr.suffix(3000))")
        let stored = documents()
        #expect(stored["Healthy item"]?.contains("Plain healthy text.") == true)

        let photoName = try Self.sha256(Self.photo).prefix(16)
        let photo = try #require(asset(holding: Self.photo), "assets: \(folder.files(under: "out/assets"))")
        #expect(photo == "\(photoName.prefix(2))/\(photoName).png")
        // One copy for two posts and two URLs with the same bytes.
        #expect(folder.files(under: "out/assets").filter { $0.hasSuffix(".png") }.count == 1)
        let first = try #require(stored["First post"])
        let second = try #require(stored["Second post"])
        #expect(first.contains("src=\"/assets/\(photo)\""), "\(first)")
        #expect(first.contains("headimg: '/assets/\(photo)'"), "\(first)")
        #expect(second.components(separatedBy: "src=\"/assets/\(photo)\"").count == 3, "\(second)")
        #expect(!first.contains("/img/photo.png") && !second.contains("same-bytes"))

        // Hot-link protection: no Referer, then the image's origin, then the article's URL.
        let guarded = try #require(asset(holding: Self.guarded))
        #expect(guarded.hasSuffix(".jpg") && first.contains("src=\"/assets/\(guarded)\""))
        let referers = server.requests.filter { $0.path == "/hot/guarded.jpg" }.map { $0.headers["referer"] ?? "none" }
        #expect(referers == ["none", base.value + "/", base.value + "/posts/a"])

        // Refused images: the post keeps the remote URLs, each refusal logged with feed and URL.
        let refusals = try #require(stored["Refusals"])
        #expect(refusals.contains("\(base.value)/img/huge.png") && refusals.contains("\(base.value)/img/fake.png"))
        #expect(refusals.contains("/img/private.gif"))
        let refused = run.stderr.split(separator: "\n").map { LogLine(String($0)) }.filter { $0["event"] == "image_refused" }
        func refusal(_ suffix: String) -> LogLine? { refused.first { $0["url"]?.hasSuffix(suffix) == true } }
        #expect(refusal("/img/huge.png")?["error"]?.contains("max_image_size") == true, "\(run.stderr.suffix(3000))")
        #expect(refusal("/img/fake.png")?["error"]?.contains("not an image") == true)
        // Round 41: a redirect to file:// was "HTTP 302", a failure to retry: a fresh post waited a
        // day for it. No asking again makes it an image.
        #expect(refusal("/img/to-file.png")?["error"] == "HTTP 302 to a file: URL, not the web", "\(run.stderr.suffix(3000))")
        // Round 43: a 304 to a request without validators was retried at every fetch.
        #expect(refusal("/img/not-modified.png")?["error"] == "HTTP 304", "\(run.stderr.suffix(3000))")
        #expect(refusal("/img/private.gif")?["feed"] == "gallery")
        #expect(refusal("/img/private.gif")?["error"]?.contains("allow_private_networks") == true)
        // ...unless the feed allows private addresses.
        let privateAsset = try #require(asset(holding: Self.privateGIF))
        #expect(stored["Private allowed"]?.contains("src=\"/assets/\(privateAsset)\"") == true)

        // The hash stays the feed item's: a second pass stores no duplicate.
        let again = try crawler(["once"])
        #expect(again.status == 0)
        #expect(documents().count == stored.count)
        #expect(folder.files(under: "out/posts").count == stored.count)
        #expect(try crawler(["store", "verify"]).status == 0)
    }

    @Test func verifyFindsMissingAndCorruptAssetsAndForgetRemovesAnOrphan() throws {
        let base = LockedText()
        let server = try Self.server(base: { base.value })
        base.value = "http://127.0.0.1:\(server.port)"
        try writeConfig(server)
        #expect(try crawler(["once"]).status == 0)
        let clean = try crawler(["store", "verify"])
        #expect(clean.status == 0, "\(clean.stdout)")
        #expect(clean.stdout.contains("and 3 assets"), "\(clean.stdout)")

        // Forgetting the only post that uses an asset removes it; a shared one stays.
        let privateAsset = try #require(asset(holding: Self.privateGIF))
        let allowed = try #require(folder.files(under: "out/posts").first { folder.read("out/posts/" + $0)?.contains("Private allowed") == true })
        let forget = try crawler(["store", "forget", "out/posts/" + allowed])
        #expect(forget.status == 0, "\(forget.stderr)")
        #expect(forget.stdout.contains("removed assets/\(privateAsset)"), "\(forget.stdout)")
        #expect(asset(holding: Self.privateGIF) == nil)
        let photo = try #require(asset(holding: Self.photo))
        #expect(try crawler(["store", "verify"]).status == 0)

        try Data("edited".utf8).write(to: URL(fileURLWithPath: folder.file("out/assets/" + photo)))
        let corrupt = try crawler(["store", "verify"])
        #expect(corrupt.status != 0)
        #expect(corrupt.stdout.contains("assets/\(photo): corrupt"), "\(corrupt.stdout)")
        try FileManager.default.removeItem(atPath: folder.file("out/assets/" + photo))
        let missing = try crawler(["store", "verify"])
        #expect(missing.status != 0)
        #expect(missing.stdout.contains("assets/\(photo): missing"), "\(missing.stdout)")
    }

    /// Source values keep the remote URLs; rerender maps them to the kept assets again, from the
    /// store, without fetching an image.
    @Test func rerenderPointsAtTheKeptAssetsWithoutFetchingThemAgain() throws {
        let base = LockedText()
        let server = try Self.server(base: { base.value })
        base.value = "http://127.0.0.1:\(server.port)"
        try writeConfig(server)
        #expect(try crawler(["once"]).status == 0)
        let photo = try #require(asset(holding: Self.photo))
        let imageRequests = server.requests.filter { $0.path.hasPrefix("/img/") || $0.path.hasPrefix("/hot/") }.count
        let config = try #require(folder.read("feeds.yaml"))
        try folder.write(config.replacingOccurrences(of: "max_image_size: 1MB", with: "max_image_size: 1MB\nassets_url: https://cdn.example/media/"),
                         to: "feeds.yaml")
        let rerender = try crawler(["store", "rerender"])
        #expect(rerender.status == 0, "\(rerender.stderr)")
        let first = try #require(documents()["First post"])
        #expect(first.contains("src=\"https://cdn.example/media/\(photo)\""), "\(first)")
        #expect(first.contains("headimg: 'https://cdn.example/media/\(photo)'"))
        #expect(!first.contains("/img/photo.png"))
        #expect(documents()["Refusals"]?.contains("\(base.value)/img/huge.png") == true)
        #expect(server.requests.filter { $0.path.hasPrefix("/img/") || $0.path.hasPrefix("/hot/") }.count == imageRequests)
        #expect(try crawler(["store", "verify"]).status == 0)
    }

    /// Killed at each rename that puts an image in place: no document ever points at a missing
    /// asset, and the next pass stores every post with its images.
    @Test func killedWhileStoringImagesNoDocumentPointsAtAMissingAsset() throws {
        let base = LockedText()
        let server = try Self.server(base: { base.value })
        base.value = "http://127.0.0.1:\(server.port)"
        try writeConfig(server)
        var killed = 0
        for round in 1...4 {
            try? FileManager.default.removeItem(atPath: folder.file("out"))
            let crashed = try crawler(["once"], fault: "rename:KILL:\(round)")
            if crashed.status == SIGKILL { killed += 1 }
            expectEveryAssetPresent(round: round)
            let verify = try crawler(["store", "verify"])
            #expect(verify.status == 0, "round \(round): \(verify.stdout)")
            #expect(try crawler(["once"]).status == 0)
            expectEveryAssetPresent(round: round)
            let stored = documents()
            #expect(stored["Healthy item"] != nil, "round \(round)")
            #expect(stored["First post"]?.contains("src=\"/assets/") == true, "round \(round)")
            #expect(try crawler(["store", "verify"]).status == 0, "round \(round)")
        }
        #expect(killed >= 3)
    }

    private func expectEveryAssetPresent(round: Int) {
        for (title, text) in documents() {
            for part in text.components(separatedBy: "/assets/").dropFirst() {
                let name = String(part.prefix { $0 != "\"" && $0 != "'" })
                #expect(FileManager.default.fileExists(atPath: folder.file("out/assets/" + name)), "round \(round): \(title) → \(name)")
            }
        }
    }

    /// Images wait in memory until their feed's last one is back: beyond `max_backlog_bytes` of
    /// them, the rest fail for now and their posts wait for the feed's next fetch, which finds
    /// the images kept so far and fetches the next ones. A hostile feed of a hundred 10 MB images
    /// held a gigabyte.
    @Test func imagesHeldForStoringAreBoundedByTheBacklog() throws {
        let now = FullContentTests.rfc1123(Date())
        let site = FullContentTests.Site()
        let server = try LoopbackHTTPServer { request in
            if request.path == "/many" {
                let base = site.base.withLock { $0 }
                let items = (0..<6).map { number in
                    "<item><title>Big \(number)</title><guid>big-\(number)</guid><pubDate>\(now)</pubDate>"
                        + "<description><![CDATA[<p>\(number)</p><img src=\"\(base)/img/\(number).png\">]]></description></item>"
                }
                return ServedResponse(text: Self.feed(items))
            }
            if request.path.hasPrefix("/img/") {
                let number = UInt8(request.path.dropFirst(5).prefix { $0.isNumber }) ?? 0
                return ServedResponse(headers: [("Content-Type", "image/png")],
                                      body: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, number] + [UInt8](repeating: 7, count: 2 << 20))
            }
            return ServedResponse(text: Self.feed([Self.item("Healthy item", link: "http://x.example/h", body: "<p>fine</p>")]))
        }
        site.base.withLock { $0 = String(server.url("/").dropLast()) }
        try folder.write("store: ./out\nhost_gap: 0s\nmax_backlog_bytes: 5MB\nfeeds:\n  - url: \(server.url("/healthy"))\n"
                         + "    name: healthy\n  - url: \(server.url("/many"))\n    name: many\n    images: local\n",
                         to: "feeds.yaml")
        let first = try crawler(["once"])
        #expect(first.stderr.contains("event=image_failed") && first.stderr.contains("max_backlog_bytes"),
                "\(first.stderr.suffix(1500))")
        #expect(documents()["Healthy item"] != nil)
        let storedFirst = documents().keys.filter { $0.hasPrefix("Big") }.count
        #expect(storedFirst >= 1 && storedFirst < 6, "\(documents().keys.sorted())")
        for _ in 0..<4 where documents().keys.filter({ $0.hasPrefix("Big") }).count < 6 { _ = try crawler(["once"]) }
        let posts = documents().filter { $0.key.hasPrefix("Big") }
        #expect(posts.count == 6, "\(documents().keys.sorted())")
        #expect(posts.values.allSatisfy { !$0.contains("/img/") }, "a post kept its remote image URL")
    }
}

extension LocalImagesTests {
    /// An item of 3,000 distinct `<img src>` made 3,000 requests (to whatever host the item names,
    /// slowed only by politeness): a post keeps at most `ImageWork.perDocument` images locally,
    /// the rest stay remote, and the log says so.
    @Test func aDocumentKeepsAtMostSixtyFourImagesLocally() throws {
        let site = FullContentTests.Site()
        let server = try LoopbackHTTPServer { request in
            if request.path == "/swarm" {
                let base = site.base.withLock { $0 }
                let images = (0..<199).map { "<img src=\"\(base)/img/\($0).png\">" }.joined()
                // The header image is the body's first, in a table: the sanitizer puts the images
                // after it in front of the table (foster parenting). It is kept all the same, first.
                let body = "<table><tr><td><img src=\"\(base)/img/head.png\"></td></tr>" + images + "</table>"
                return ServedResponse(text: Self.feed([Self.item("Swarm", link: "http://x.example/s", body: body)]))
            }
            if request.path.hasPrefix("/img/") { return ServedResponse(headers: [("Content-Type", "image/png")], body: Self.photo) }
            return ServedResponse(text: Self.feed([Self.item("Healthy item", link: "http://x.example/h", body: "<p>fine</p>")]))
        }
        site.base.withLock { $0 = String(server.url("/").dropLast()) }
        try folder.write("store: ./out\nhost_gap: 0s\nfeeds:\n  - url: \(server.url("/healthy"))\n"
                         + "    name: healthy\n  - url: \(server.url("/swarm"))\n    name: swarm\n    images: local\n",
                         to: "feeds.yaml")
        let run = try crawler(["once"])
        #expect(run.status == 0, "\(run.stderr.suffix(1000))")
        #expect(server.requests.filter { $0.path.hasPrefix("/img/") }.count == 64)
        #expect(run.stderr.contains("event=images_capped"), "\(run.stderr.suffix(1500))")
        let post = try #require(documents()["Swarm"])
        #expect(post.contains("/img/198.png") && !post.contains("/img/0.png") && !post.contains("/img/head.png"),
                "\(post.components(separatedBy: "\n").filter { $0.contains("head.png") })")
        #expect(documents()["Healthy item"] != nil)
    }
}

/// Text set once the server knows its port, read by its handler.
final class LockedText: @unchecked Sendable {
    private let lock = NSLock()
    private var text = ""

    var value: String {
        get { lock.withLock { text } }
        set { lock.withLock { text = newValue } }
    }
}
