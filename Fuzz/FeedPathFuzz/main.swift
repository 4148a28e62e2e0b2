// libFuzzer entry over one feed's whole path after the network: response headers and body →
// decide → parse → convert → render in every output profile → schedule. Built only with
// CRAWLER_FUZZ=1 (see Package.swift and scripts/fuzz-feed-path.sh); an ordinary build makes a
// binary that does nothing.
//
// Input: byte 0 picks the status, byte 1 the profile options; then header lines up to the first
// empty line ("Name: value"), then the body.
@testable import CrawlerApp
@testable import Fetch
import Convert
import FeedModel
import Schedule

private let statuses = [200, 200, 200, 200, 304, 301, 410, 429, 503, 500, 404, 203]
private let formats: [OutputFormat] = [
    .hexo,
    (try? OutputFormat(.hugo)) ?? .hexo,
    (try? OutputFormat(.jekyll)) ?? .hexo,
    (try? OutputFormat(.template("---\ntitle: {{title_yaml}}\n---\n{{{body}}}{{#image}}![]({{image}}){{/image}}"))) ?? .hexo,
]
private let now = Timestamp(secondsSince1970: 1_764_000_000)
private let url = "https://fuzz.example/feed/"

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzFeedPath(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let input = Array(UnsafeBufferPointer(start: data, count: size))
    guard input.count >= 2 else { return 0 }
    let (headers, body) = split(input.dropFirst(2))
    var response = FetchResponse(status: statuses[Int(input[0]) % statuses.count], finalURL: url,
                                 headers: headers, body: body, wireBytes: body.count)
    response.cache = CacheHintParser.hints(from: headers, now: now.secondsSince1970)
    let result = FetchResult(request: FetchRequest(feed: "fuzz", url: url), outcome: .response(response),
                             milliseconds: 1)
    let config = CrawlerConfig(storePath: "/nonexistent")
    let decision = FetchDecision.decide(result, state: FeedState(feed: "fuzz", url: url), config: config, now: now)
    let hints = ServerHintsReader.hints(from: response, feed: nil, now: now)
    var feed = FeedConfig(name: "fuzz", url: url, itemCategories: input[1] & 1 == 1, sanitize: input[1] & 2 == 0)
    feed.author = input[1] & 4 == 0 ? nil : "configured"
    var readHints = hints
    if decision.action == .ingest {
        for format in formats {
            let reader = FeedReader(feed: feed, defaultImage: nil, format: format, now: now,
                                    bounds: config.bounds(for: feed), clock: { 0 }, isCancelled: { false })
            let reading = reader.read(response, hints: hints)
            readHints = reading.hints
            for document in reading.documents { precondition(!document.text.isEmpty) }
        }
    }
    let bounds = PollBounds(interval: feed.interval)
    _ = SchedulePolicy.next(after: .updated(newItems: 1), at: now, bounds: bounds, hints: readHints,
                            consecutiveErrors: Int(input[1]), previousAdaptive: nil, jitter: 0.5)
    _ = SchedulePolicy.next(after: .failed, at: now, bounds: bounds, hints: readHints,
                            consecutiveErrors: Int(input[1]) * 1000, previousAdaptive: nil, jitter: 0.99)
    return 0
}

/// Header lines up to the first empty line, names lower-cased as the engine keeps them.
private func split(_ bytes: ArraySlice<UInt8>) -> ([String: String], [UInt8]) {
    var headers: [String: String] = [:]
    var start = bytes.startIndex
    while start < bytes.endIndex {
        let end = bytes[start...].firstIndex(of: 0x0A) ?? bytes.endIndex
        let line = String(decoding: bytes[start..<end], as: UTF8.self)
        start = min(end + 1, bytes.endIndex)
        if line.isEmpty || line == "\r" { return (headers, Array(bytes[start...])) }
        guard let colon = line.firstIndex(of: ":") else { continue }
        let value = line[line.index(after: colon)...].drop { $0 == " " || $0 == "\t" }
        headers[line[..<colon].lowercased()] = String(value.reversed().drop { $0 == " " || $0 == "\r" }.reversed())
    }
    return (headers, [])
}
