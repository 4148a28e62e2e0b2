import FeedModel
import Foundation
import Parse
import Testing

/// The corpus (Fixtures/corpus, written by make-corpus.py): 480 real-world-shaped documents
/// across dialects, namespaces, fallbacks and encodings (labelled truthfully or not), each with
/// the title, link, date and id a reader must get from every item. Scored field by field.
@Suite struct CorpusScoreTests {
    struct Expected: Decodable {
        var file: String
        var content_type: String
        var items: [ExpectedItem]
    }

    struct ExpectedItem: Decodable {
        var title: String
        var link: String?
        var date: String?
        var id: String?
    }

    static func load() throws -> [Expected] {
        let url = try #require(Bundle.module.url(forResource: "Fixtures/corpus/expected", withExtension: "json"))
        return try JSONDecoder().decode([Expected].self, from: Data(contentsOf: url))
    }

    static func charset(of contentType: String) -> String? {
        contentType.split(separator: ";").dropFirst().lazy.compactMap { parameter -> String? in
            let pair = parameter.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            return pair.count == 2 && pair[0].lowercased() == "charset" ? pair[1] : nil
        }.first
    }

    /// Per field: items that matched, of all items; and a line per miss, for the failure message.
    struct Score {
        var total = 0
        var matched: [String: Int] = ["title": 0, "link": 0, "date": 0, "id": 0]
        var misses: [String] = []

        mutating func compare(_ field: String, _ got: String?, _ want: String?, in file: String) {
            if got == want { matched[field, default: 0] += 1 } else { misses.append("\(file) \(field): got \(got ?? "nil"), want \(want ?? "nil")") }
        }

        func percent(_ field: String) -> Double { total == 0 ? 0 : Double(matched[field] ?? 0) * 100 / Double(total) }
    }

    @Test func theCorpusIsReadRightOnEveryField() throws {
        let corpus = try Self.load()
        #expect(corpus.count >= 400)
        var score = Score()
        for document in corpus {
            let bytes = try Fixture.bytes("corpus/docs/" + document.file)
            let feed: Feed
            do {
                feed = try FeedParser.parse(bytes, url: "https://example.org/feed.xml",
                                            httpCharset: Self.charset(of: document.content_type))
            } catch {
                score.total += document.items.count
                score.misses.append("\(document.file): \(error)")
                continue
            }
            for (index, want) in document.items.enumerated() {
                score.total += 1
                let got = index < feed.items.count ? feed.items[index] : nil
                score.compare("title", got?.title, want.title, in: document.file)
                score.compare("link", got?.link, want.link, in: document.file)
                score.compare("date", (got?.published ?? got?.updated)?.rfc3339, want.date, in: document.file)
                score.compare("id", got?.id, want.id, in: document.file)
            }
        }
        let summary = ["title", "link", "date", "id"].map { "\($0) \(String(format: "%.1f", score.percent($0)))%" }
        print("corpus: \(corpus.count) documents, \(score.total) items: " + summary.joined(separator: ", "))
        for field in ["title", "link", "date", "id"] {
            #expect(score.percent(field) == 100, "\(field): \(score.misses.filter { $0.contains(" \(field):") }.prefix(15).joined(separator: "\n"))")
        }
    }
}
