internal import FeedModel

/// Hugo and Jekyll run Markdown over a `.md` (or `.markdown`) content file, and Markdown changes a
/// feed's HTML: a blank line ends an HTML block, `*stars*` become <em>, an indented line becomes
/// code, `# text` a heading. Their documents are HTML, so such a path is refused.
enum MarkdownDocumentPath {
    static func problem(_ pattern: String, output: OutputProfile) -> String? {
        let site: String
        switch output {
        case .hugo: site = "Hugo"
        case .jekyll: site = "Jekyll"
        default: return nil
        }
        let lower = pattern.lowercased()
        guard [".md", ".markdown", ".mdown", ".mkd", ".mkdn"].contains(where: { lower.hasSuffix($0) }) else { return nil }
        return "is a Markdown file: \(site) would run Markdown over the feed's HTML and change the post; end it in .html"
    }
}
