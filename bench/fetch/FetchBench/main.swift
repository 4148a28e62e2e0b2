// fetch-bench: the fetch engine alone, no parse and no store, to split a pass's time between
// fetching and the stages after it. Usage: fetch-bench URL-LIST [--if-modified-since DATE]
import FeedModel
import Fetch
import Foundation

let arguments = CommandLine.arguments
guard arguments.count >= 2, let listing = try? String(contentsOfFile: arguments[1], encoding: .utf8) else {
    FileHandle.standardError.write(Data("usage: fetch-bench URL-LIST [--if-modified-since DATE]\n".utf8))
    exit(2)
}
var conditional = ConditionalHeaders()
if let flag = arguments.firstIndex(of: "--if-modified-since"), flag + 1 < arguments.count {
    conditional.lastModified = arguments[flag + 1]
}
let urls = listing.split(separator: "\n").map(String.init)
let requests = urls.enumerated().map { FetchRequest(feed: "f\($0.offset)", url: $0.element, conditional: conditional) }
// The same politeness the benchmark gives `crawler once`: 32 in flight, no gap, on the one loopback host.
let settings = FetchSettings(timeout: 15, connectTimeout: 5, concurrency: 32, perHostConcurrency: 32, hostGap: 0)
/// What came back. Counted in a function of its own, off the main actor: a loop in top-level code
/// runs on the main actor, and hopping there and back for every result cost the engine a third
/// of its 304 pass (two thread switches per feed) that `crawler once` does not pay.
struct Tally {
    var statuses: [Int: Int] = [:]
    var failures = 0, wire = 0, decoded = 0
}

func tally(_ results: FetchResults) async -> Tally {
    var tally = Tally()
    for await result in results {
        // Nothing is kept: give the body's bytes back to the backlog bound at once, or the engine
        // stops starting transfers once the bodies seen reach it (a large farm's cold pass hung so).
        results.release(result.heldBytes)
        switch result.outcome {
        case .response(let response):
            tally.statuses[response.status, default: 0] += 1
            tally.wire += response.wireBytes
            tally.decoded += response.decodedBytes
        case .failure:
            tally.failures += 1
        }
    }
    return tally
}

let started = ContinuousClock.now
let counted = await tally(FetchEngine(settings: settings).fetch(requests))
let seconds = (ContinuousClock.now - started) / .seconds(1)
let codes = counted.statuses.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
print("feeds=\(requests.count) \(codes) failed=\(counted.failures) wire=\(counted.wire) decoded=\(counted.decoded) seconds=\(seconds)")
