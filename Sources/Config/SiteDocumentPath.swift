internal import FeedModel

/// Hugo and Jekyll publish a content file by its extension: `.html` as it is, but a `.md` through
/// Markdown (a blank line ends an HTML block, `*stars*` become <em>, an indented line code), an
/// `.org` through Org mode (a feed's `[[javascript:…][click]]` became a working link), `.adoc`,
/// `.rst` or `.pandoc` through tools most machines lack (the build failed), and others not as a
/// post at all. Their documents are HTML, so the path must end in `.html` (or `.htm`).
enum SiteDocumentPath {
    static func problem(_ pattern: String, output: OutputProfile) -> String? {
        let site: String
        switch output {
        case .hugo: site = "Hugo"
        case .jekyll: site = "Jekyll"
        default: return nil
        }
        let lower = pattern.lowercased()
        guard !lower.hasSuffix(".html"), !lower.hasSuffix(".htm") else { return nil }
        if [".md", ".markdown", ".mdown", ".mkd", ".mkdn"].contains(where: { lower.hasSuffix($0) }) {
            return "is a Markdown file: \(site) would run Markdown over the feed's HTML and change the post; end it in .html"
        }
        return "must end in .html: \(site) renders other files with their own markup (Org, AsciiDoc...), "
            + "which turns a feed's text into links and markup, or does not publish them as posts"
    }
}
