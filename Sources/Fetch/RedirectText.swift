internal import FeedModel

/// What a chain of redirects cut at `max_redirects` was: libcurl's "Maximum (5) redirects
/// followed" said neither where they led nor that they went round in a circle.
enum RedirectText {
    static func tooMany(_ hops: [Redirect], limit: Int) -> String {
        let urls = (hops.first.map { [$0.from] } ?? []) + hops.map(\.to)
        var seen = Set<String>()
        if let again = urls.firstIndex(where: { !seen.insert($0).inserted }), let first = urls.firstIndex(of: urls[again]) {
            return "redirect loop: " + urls[first...again].joined(separator: " → ")
        }
        let shown = urls.count <= 6 ? urls : Array(urls.prefix(3)) + ["…"] + Array(urls.suffix(2))
        return "more than \(limit) redirects (max_redirects: \(limit)): " + shown.joined(separator: " → ")
    }
}
