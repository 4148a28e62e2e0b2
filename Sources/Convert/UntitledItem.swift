internal import Markup

/// The title of a post whose item has none (a toot, a JSON Feed note, a description-only RSS
/// item): its text's first words, as feed readers show it, else its link. Written `title: ''`,
/// each was an invisible empty link in the site's list of posts.
enum UntitledItem {
    /// Characters of text kept; a longer text is cut after a word and marked `…`.
    static let length = 80

    static func title(body: String, link: String?) -> String {
        // The first few thousand characters are plenty for the first 80 once white space is folded.
        let words = HTMLText.html.text(of: body).prefix(4_000).split(whereSeparator: \.isWhitespace).joined(separator: " ")
        if !BlankItem.isInvisible(words) { return cut(words) }
        guard let link else { return "" }
        // Without its scheme: what a reader sees of where the post is.
        let shown = link.split(separator: "://", maxSplits: 1).last.map(String.init) ?? link
        return cut(shown)
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
