internal import Foundation
internal import Markup

/// The title of a post whose item has none (a toot, a JSON Feed note, a description-only RSS
/// item): its text's first words, as feed readers show it, else its link. Written `title: ''`,
/// each was an invisible empty link in the site's list of posts.
enum UntitledItem {
    /// Characters of text kept; a longer text is cut after a word and marked `…`.
    static let length = 80

    static func title(body: String, link: String?, enclosure: String? = nil) -> String {
        // The first few thousand characters are plenty for the first 80 once white space is folded.
        let words = HTMLText.html.text(of: body).prefix(4_000).split(whereSeparator: \.isWhitespace).joined(separator: " ")
        if !BlankItem.isInvisible(words) { return cut(words) }
        if let link { return cut(shown(link)) }
        // A podcast episode of nothing but its audio: the file's name is what tells it apart.
        guard let enclosure else { return "" }
        if let name = fileName(of: enclosure) { return cut(name) }
        var place = shown(enclosure)
        while place.hasSuffix("/") { place.removeLast() }
        return cut(place)
    }

    /// Without its scheme: what a reader sees of where the post is.
    private static func shown(_ url: String) -> String {
        url.split(separator: "://", maxSplits: 1).last.map(String.init) ?? url
    }

    /// The last segment of a URL's path, percent-decoded; nil when the path ends in `/`.
    private static func fileName(of url: String) -> String? {
        let path = shown(url).prefix { $0 != "?" && $0 != "#" }
        guard let slash = path.firstIndex(of: "/") else { return nil }
        let name = path[slash...].split(separator: "/", omittingEmptySubsequences: false).last.map(String.init) ?? ""
        // As a feed's title is: `%0A` or `%1B` in a name must not reach the front matter raw.
        let decoded = TitleText.normalise(name.removingPercentEncoding ?? name)
        return BlankItem.isInvisible(decoded) ? nil : decoded
    }

    private static func cut(_ text: String) -> String {
        guard text.count > length else { return text }
        let head = text.prefix(length)
        // Text without spaces (Chinese, a URL) is cut where it stands; else after the last word.
        guard let space = head.lastIndex(of: " "), head.distance(from: head.startIndex, to: space) >= length / 2 else {
            return head + "…"
        }
        return head[..<space] + "…"
    }
}
