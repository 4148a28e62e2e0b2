import CrawlerTestKit
import Foundation
import Testing

/// Round 57: a proxy exported in the environment took every feed (loopback too), its answers
/// stored as the feeds', and nothing in the log said a proxy was in the way.
@Suite struct EnvironmentProxyTests {
    let folder = TemporaryFolder()

    @Test func aProxyFromTheEnvironmentIsSaidAtStart() throws {
        let feeds = try LoopbackHTTPServer { _ in ServedResponse(text: AlertTests.rss(["direct"])) }
        let proxy = try LoopbackHTTPServer { _ in ServedResponse(text: AlertTests.rss(["through the proxy"])) }
        try folder.write("store: ./store\nfeeds:\n  - url: \(feeds.url("/healthy"))\n    name: healthy\n", to: "feeds.yaml")
        let run = try CrawlerProcess.run(["once"], in: folder.path, shellPrefix:
            "export http_proxy=http://ops:s3cret@127.0.0.1:\(proxy.port) no_proxy=example.org HTTP_PROXY=ignored;")
        #expect(run.status == 0, "\(run.stderr.suffix(1500))")
        // libcurl's rule stands (the proxy was asked); the log says so.
        #expect(proxy.requests.count == 1 && feeds.requests.isEmpty)
        let said = run.stderr.split(separator: "\n").map { LogLine(String($0)) }.filter { $0["event"] == "proxy_from_environment" }
        #expect(said.count == 1, "\(run.stderr.prefix(2000))")
        let variables = said.first?["variables"] ?? ""
        #expect(variables.contains("http_proxy=http://ops:") && variables.contains("@127.0.0.1:\(proxy.port)")
                && variables.contains("no_proxy=example.org") && !variables.contains("HTTP_PROXY"), "\(variables)")
        #expect(!run.stderr.contains("s3cret"), "\(run.stderr.prefix(2000))")
        // Without one, nothing is said.
        let plain = try CrawlerProcess.run(["once"], in: folder.path, shellPrefix: "unset http_proxy https_proxy all_proxy;")
        #expect(!plain.stderr.contains("proxy_from_environment"))
    }
}
