import CrawlerTestKit
import Foundation
import Testing

/// A feeds.yaml that must not load: `once` and `check` each exit 2 printing `message` as their one
/// `crawler:` line, and nothing is fetched from it, the healthy feed beside the mistake included
/// (`SERVER/` in the text is a loopback server's root).
enum ConfigRefusal {
    static func expect(_ yaml: String, with message: String, in folder: TemporaryFolder) throws {
        let server = try LoopbackHTTPServer { _ in ServedResponse(text: GoldenDocument.rssFeed(items: [])) }
        try folder.write(yaml.replacingOccurrences(of: "SERVER/", with: server.url("/")), to: "feeds.yaml")
        for command in [["once"], ["check"]] {
            let run = try CrawlerProcess.run(command, in: folder.path)
            #expect(run.status == 2, "\(yaml)")
            let printed = run.stderr.split(separator: "\n").filter { $0.hasPrefix("crawler: ") }
            #expect(printed == ["crawler: " + message[...]], "\(run.stderr)")
        }
        #expect(server.requests.isEmpty)
        #expect(folder.files(under: "store").isEmpty)
    }
}
