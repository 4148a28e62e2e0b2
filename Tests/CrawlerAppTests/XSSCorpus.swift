import Foundation

/// The vectors of Tests/BrowserVectors/xss-vectors.txt, each served as one item of a JSON Feed.
struct XSSCorpus {
    struct Vector {
        var number: Int
        /// The item body, with PING standing for the URL that tells the vector ran (RELPING for its path).
        var body: String
        /// The item's link, when the vector needs one of its own (a base that is not http).
        var link: String?
    }

    let vectors: [Vector]

    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../BrowserVectors").standardizedFileURL.path
    static let file = URL(fileURLWithPath: folder + "/xss-vectors.txt")

    init() throws {
        let text = try String(contentsOf: Self.file, encoding: .utf8)
        var vectors: [Vector] = []
        for line in text.split(separator: "\n") where !line.hasPrefix("#") && !line.allSatisfy(\.isWhitespace) {
            var body = line.replacingOccurrences(of: "\\n", with: "\n")
            var link: String?
            if body.hasPrefix("link="), let tab = body.firstIndex(of: "\t") {
                link = String(body[body.index(body.startIndex, offsetBy: 5)..<tab])
                body = String(body[body.index(after: tab)...])
            }
            vectors.append(Vector(number: vectors.count + 1, body: body, link: link))
        }
        self.vectors = vectors
    }

    /// A JSON Feed with one item per vector, titled `vector-N`; `ping(N)` is the URL a vector
    /// requests when its script runs, `itemLink(N)` the link of an item without one of its own.
    func jsonFeed(ping: (Int) -> String, itemLink: (Int) -> String) throws -> Data {
        let items: [[String: String]] = vectors.map { vector in
            let url = ping(vector.number)
            // RELPING: the same URL without scheme and host, where a Markdown renderer would turn
            // an http:// URL into a link and so break the tag the vector smuggles.
            let body = vector.body.replacingOccurrences(of: "RELPING", with: "/ran/\(vector.number)")
            return ["id": "vector-\(vector.number)", "title": "vector-\(vector.number)",
                    "url": vector.link.map { $0.replacingOccurrences(of: "PING", with: url) } ?? itemLink(vector.number),
                    "content_html": body.replacingOccurrences(of: "PING", with: url)]
        }
        let feed: [String: Any] = ["version": "https://jsonfeed.org/version/1.1", "title": "vectors", "items": items]
        return try JSONSerialization.data(withJSONObject: feed)
    }

    /// The vector a stored document was made from, read from its `title:` line.
    static func number(ofDocument text: String) -> Int? {
        guard let range = text.range(of: "title: 'vector-") ?? text.range(of: "title: vector-") else { return nil }
        return Int(text[range.upperBound...].prefix { $0.isNumber })
    }
}
