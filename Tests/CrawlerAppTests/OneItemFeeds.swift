import CrawlerTestKit

/// A server of many small feeds: each path is a feed of one item of its own (its title and guid
/// made from the path), so each feed stores a document and logs a line.
enum OneItemFeeds {
    static func server() throws -> LoopbackHTTPServer {
        try LoopbackHTTPServer { request in
            let name = request.path.split(separator: "/").last.map(String.init) ?? "x"
            return ServedResponse(text: "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>\(name)</title>"
                                  + "<item><title>Story of \(name)</title><guid>\(name)</guid>"
                                  + "<description>Text of \(name) with enough words to log.</description></item></channel></rss>")
        }
    }
}
