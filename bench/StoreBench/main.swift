// Store benchmark: durable vs unsynced documents/s, index insert rate and lookup latency at
// scale, recovery and rebuild time. Prints one line per measure; bench/store.sh runs it.
@_spi(Benchmark) import Store
import FeedModel
import Foundation

let arguments = CommandLine.arguments
let folder = arguments.count > 1 ? arguments[1] : NSTemporaryDirectory() + "store-bench"
let documentCount = arguments.count > 2 ? Int(arguments[2]) ?? 20_000 : 20_000
let indexCount = arguments.count > 3 ? Int(arguments[3]) ?? 1_000_000 : 1_000_000
// 45 is one feed's worth (the first pass over 5,000 feeds writes ~225,000 documents).
let batchSize = arguments.count > 4 ? Int(arguments[4]) ?? 45 : 45
// The fetch farm's documents: about 1.2 KB each, all dated in one month (one folder).
let documentSize = arguments.count > 5 ? Int(arguments[5]) ?? 4_000 : 4_000
let spreadDays = arguments.count > 6 ? Int64(arguments[6]) ?? 700 : 700

func document(_ number: Int, size: Int = documentSize) -> Document {
    let hash = String(format: "%016llx%048llx", UInt64(number) &* 0x9E37_79B9_7F4A_7C15, UInt64(number))
    let body = String(repeating: "x", count: size)
    return Document(feed: "feed-\(number / 45)", itemIdentity: "item-\(number)", contentHash: hash,
                    date: Timestamp(secondsSince1970: 1_640_995_200 + Int64(number) % max(spreadDays, 1) * 86_400),
                    text: "\n---\ntitle: 'Item \(number)'\ncategories: \n - Bench\nauthor: Bench\ncomments: false\n"
                        + "date: Sat, 01 Jan 2022 00:00:00 GMT\n---\n\n<div>   \n\(body)  \n</div>\n            ")
}

func seconds(_ body: () throws -> Void) rethrows -> Double {
    let start = Date()
    try body()
    return Date().timeIntervalSince(start)
}

func storeDocuments(durable: Bool) throws -> Double {
    let path = folder + (durable ? "/durable" : "/unsynced")
    try? FileManager.default.removeItem(atPath: path)
    let store = try DocumentStore(path: path, durable: durable)
    let now = Timestamp(secondsSince1970: 1_700_000_000)
    let elapsed = try seconds {
        for start in stride(from: 0, to: documentCount, by: batchSize) {
            _ = try store.store((start..<min(start + batchSize, documentCount)).map { document($0) }, storedAt: now)
        }
    }
    return Double(documentCount) / elapsed
}

let durableRate = try storeDocuments(durable: true)
let unsyncedRate = try storeDocuments(durable: false)
print(String(format: "documents/s durable=%.0f unsynced=%.0f ratio=%.2f (batches of %d, %d documents of 4 KB)",
             durableRate, unsyncedRate, durableRate / unsyncedRate, batchSize, documentCount))

// Index alone at scale (skipped with an index size of 0).
if indexCount > 0 {
let indexPath = folder + "/index-only"
try? FileManager.default.removeItem(atPath: indexPath)
let indexStore = try DocumentStore(path: indexPath)
let insertSeconds = try seconds {
    for start in stride(from: 0, to: indexCount, by: 1_000) {
        try indexStore.recordInIndexOnly((start..<min(start + 1_000, indexCount)).map { document($0, size: 10) },
                                         storedAt: Timestamp(secondsSince1970: 0))
    }
}
var lookups: [Double] = []
for probe in 0..<20_000 {
    let number = probe % 2 == 0 ? Int.random(in: 0..<indexCount) : indexCount + probe
    let hash = document(number, size: 0).contentHash
    let start = DispatchTime.now().uptimeNanoseconds
    _ = try indexStore.contains(hash: hash)
    lookups.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1_000)
}
lookups.sort()
print(String(format: "index inserts/s=%.0f at %d documents; lookup µs p50=%.1f p99=%.1f (half hits, half misses)",
             Double(indexCount) / insertSeconds, indexCount, lookups[lookups.count / 2], lookups[lookups.count * 99 / 100]))
}

// Recovery: reopening the durable store (what a restart after kill -9 costs), and rebuild-index.
let reopen = try seconds { _ = try DocumentStore(path: folder + "/durable") }
let rebuild = try seconds { _ = try DocumentStore(path: folder + "/durable").rebuildIndex(at: Timestamp(secondsSince1970: 1_700_000_000)) }
print(String(format: "open after crash=%.3fs; rebuild-index of %d documents=%.2fs", reopen, documentCount, rebuild))
