import CrawlerTestKit
import Foundation
import Testing

/// Failures as the operator reads them: what happened and which setting it met, not libcurl's words.
@Suite struct FetchMessagesTests {
    let folder = TemporaryFolder()

    /// "Maximum (5) redirects followed" said neither where the redirects led nor that they went
    /// round in a circle; "Operation timed out after 2001 milliseconds" did not name `timeout:`.
    @Test func aRedirectLoopATooLongChainAndATimeoutSayWhatTheyWere() throws {
        let server = try LoopbackHTTPServer { request in
            let path = String(request.path.prefix { $0 != "?" })
            switch path {
            case "/loop1": return ServedResponse(status: 302, headers: [("Location", "/loop2")])
            case "/loop2": return ServedResponse(status: 302, headers: [("Location", "/loop1")])
            case "/slow": return ServedResponse(text: AlertTests.rss(["s"]), delay: 4)
            default:
                if path.hasPrefix("/chain"), let number = Int(path.dropFirst(6)) {
                    return ServedResponse(status: 301, headers: [("Location", "/chain\(number + 1)")])
                }
                return ServedResponse(text: AlertTests.rss(["h"]))
            }
        }
        try folder.write("""
            store: ./store
            timeout: 2s
            max_redirects: 3
            feeds:
              - url: \(server.url("/loop1"))
                name: loop
              - url: \(server.url("/loop1?auth"))
                name: loop-with-auth
                basic_auth: {username: u, password: p}
              - url: \(server.url("/chain0"))
                name: chain
              - url: \(server.url("/slow"))
                name: slow
              - url: \(server.url("/healthy"))
                name: healthy
            """, to: "feeds.yaml")
        let run = try CrawlerProcess.run(["once"], in: folder.path)
        func failure(_ feed: String) -> String {
            run.stdout.split(separator: "\n").first { $0.hasPrefix("FAIL  \(feed) ") }.map(String.init) ?? ""
        }
        let loop = "redirect loop: \(server.url("/loop1")) → \(server.url("/loop2")) → \(server.url("/loop1"))"
        #expect(failure("loop").contains(loop), "\(run.stdout)")
        #expect(failure("loop-with-auth").contains("redirect loop: "), "\(run.stdout)")
        #expect(failure("chain").contains("more than 3 redirects (max_redirects: 3): \(server.url("/chain0")) → "), "\(run.stdout)")
        #expect(failure("slow").contains("(timeout: 2s)"), "\(run.stdout)")
        #expect(run.stdout.contains("ok    healthy"), "\(run.stdout)")
    }

    /// Round 19: a broken cache answered 304 to the first request a feed ever made (no validators
    /// sent): `once` said "ok, unchanged" and `status` ok, for a feed that never stored anything.
    @Test func a304ToARequestWithoutValidatorsIsAFailure() throws {
        let server = try LoopbackHTTPServer { request in
            request.path == "/stuck" ? ServedResponse(status: 304, body: []) : ServedResponse(text: AlertTests.rss(["h"]))
        }
        try folder.write("""
            store: ./store
            feeds:
              - url: \(server.url("/stuck"))
                name: stuck
              - url: \(server.url("/healthy"))
                name: healthy
            """, to: "feeds.yaml")
        let run = try CrawlerProcess.run(["once"], in: folder.path)
        #expect(run.status == 1, "\(run.stderr)")
        let line = run.stderr.split(separator: "\n").first { $0.contains("event=fetch ") && $0.contains("feed=stuck ") }
        #expect(line?.contains("304 Not Modified to a request that sent no validators") == true, "\(run.stderr)")
        #expect(folder.documents().values.contains { $0.contains("h") })
    }

    /// A 206 answers a range nobody asked for (a broken cache serving part of the feed): its part
    /// was read as the feed, its whole items stored and the document "recovered". A 204 or 205 holds
    /// no feed at all, and said "no XML element found". Each is now a failure that says what came.
    @Test func aPartialOrEmptySuccessIsAFailureThatSaysSo() throws {
        let whole = AlertTests.rss(["first", "second", "third"])
        let server = try LoopbackHTTPServer { request in
            switch request.path {
            case "/partial":
                // The part a cache kept: the feed from its second item on.
                let bytes = Array(whole.utf8), start = Array(whole.utf8).count - Array(whole.split(separator: "<item>", maxSplits: 2)[2].utf8).count - 6
                return ServedResponse(status: 206, headers: [("Content-Type", "application/rss+xml"),
                                                             ("Content-Range", "bytes \(start)-\(bytes.count - 1)/\(bytes.count)")],
                                      body: Array(bytes[start...]))
            case "/empty": return ServedResponse(status: 204, body: [])
            case "/reset": return ServedResponse(status: 205, body: [])
            default: return ServedResponse(text: AlertTests.rss(["h"]))
            }
        }
        try folder.write("""
            store: ./store
            feeds:
              - url: \(server.url("/partial"))
                name: partial
              - url: \(server.url("/empty"))
                name: empty
              - url: \(server.url("/reset"))
                name: reset
              - url: \(server.url("/healthy"))
                name: healthy
            """, to: "feeds.yaml")
        let run = try CrawlerProcess.run(["once"], in: folder.path)
        #expect(run.status == 1, "\(run.stderr)")
        func failure(_ feed: String) -> String {
            run.stdout.split(separator: "\n").first { $0.hasPrefix("FAIL  \(feed) ") }.map(String.init) ?? ""
        }
        #expect(failure("partial").contains("HTTP 206 Partial Content to a request that asked for no range"), "\(run.stdout)")
        #expect(failure("empty").contains("HTTP 204 No Content: the server sent no feed"), "\(run.stdout)")
        #expect(failure("reset").contains("HTTP 205 Reset Content: the server sent no feed"), "\(run.stdout)")
        let documents = folder.documents().values
        #expect(documents.count == 1 && documents.allSatisfy { $0.contains("title: 'h'") }, "\(documents)")
    }

    /// Round 48: a redirect to file: failed with libcurl's "Protocol "file" not supported or
    /// disabled in libcurl", which read as a broken install. It says the redirect is refused.
    @Test func aRedirectToAFileURLIsSaidToBeRefused() throws {
        let server = try LoopbackHTTPServer { request in
            request.path == "/to-file" ? .redirect(302, to: "file:///etc/passwd") : ServedResponse(text: AlertTests.rss(["h"]))
        }
        try folder.write("""
            store: ./store
            feeds:
              - url: \(server.url("/to-file"))
                name: tofile
              - url: \(server.url("/healthy"))
                name: healthy
            """, to: "feeds.yaml")
        let run = try CrawlerProcess.run(["once"], in: folder.path)
        #expect(run.status == 1, "\(run.stderr)")
        #expect(run.stdout.contains("a redirect to a file: URL is refused: only http:// and https:// are followed"), "\(run.stdout)")
        #expect(!run.stderr.contains("/etc/passwd") || !run.stderr.contains("root:"))
        #expect(folder.documents().values.contains { $0.contains("h") })
    }

    /// Round 38: a body gzipped twice read "unreadable document: no XML element found", and a
    /// server that said gzip and sent plain text got libcurl's "Error while processing content
    /// unencoding: incorrect header check". Each now says what the server did.
    @Test func aBodyCompressedTwiceAndAContentEncodingLieSayWhatTheServerDid() throws {
        let feed = Array(AlertTests.rss(["x"]).utf8)
        let twice = try Gzip.compress(try Gzip.compress(feed))
        let server = try LoopbackHTTPServer { request in
            switch request.path {
            case "/twice": return ServedResponse(headers: [("Content-Encoding", "gzip"), ("Content-Type", "application/rss+xml")],
                                                 body: twice)
            case "/lie": return ServedResponse(headers: [("Content-Encoding", "gzip"), ("Content-Type", "application/rss+xml")],
                                               body: feed)
            // Round 43: brotli's lie read "Failed writing received data to disk/application", and an
            // encoding libcurl does not know was called a lie.
            case "/brlie": return ServedResponse(headers: [("Content-Encoding", "br"), ("Content-Type", "application/rss+xml")],
                                                 body: feed)
            case "/unknown": return ServedResponse(headers: [("Content-Encoding", "x-foo"), ("Content-Type", "application/rss+xml")],
                                                   body: feed)
            default: return ServedResponse(text: AlertTests.rss(["h"]))
            }
        }
        try folder.write("store: ./store\nfeeds:\n" + ["twice", "lie", "brlie", "unknown", "healthy"].map {
            "  - url: \(server.url("/" + $0))\n    name: \($0)\n" }.joined(), to: "feeds.yaml")
        let run = try CrawlerProcess.run(["once"], in: folder.path)
        func failure(_ feed: String) -> String {
            run.stdout.split(separator: "\n").first { $0.hasPrefix("FAIL  \(feed) ") }.map(String.init) ?? ""
        }
        #expect(failure("twice").contains("still gzip-compressed"), "\(run.stdout)")
        #expect(failure("lie").contains("Content-Encoding: gzip, but the body is not gzip"), "\(run.stdout)")
        #expect(failure("brlie").contains("Content-Encoding: br, but the body is not br"), "\(run.stdout)")
        #expect(failure("unknown").contains("Content-Encoding: x-foo, which this crawler cannot decode"), "\(run.stdout)")
        #expect(run.stdout.contains("ok    healthy"), "\(run.stdout)")
    }

}
