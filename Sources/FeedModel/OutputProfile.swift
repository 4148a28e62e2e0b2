/// Which front-matter dialect documents are written in (`output:` in feeds.yaml).
public enum OutputProfile: Sendable, Hashable {
    /// The golden format of ../shared/format (Hexo, theme volantis). The default.
    case hexo
    /// Hugo: YAML front matter with RFC 3339 dates, `images`, `draft: false`.
    case hugo
    /// Jekyll: `layout: post`, Jekyll's date form, `image`.
    case jekyll
    /// A Mustache template (its text), for anything else.
    case template(String)

    public var name: String {
        switch self {
        case .hexo: return "hexo"
        case .hugo: return "hugo"
        case .jekyll: return "jekyll"
        case .template: return "template"
        }
    }

    /// Where documents go in the store when feeds.yaml names no `document_path`: Jekyll only
    /// reads posts named `YYYY-MM-DD-title.ext`. Hugo and Jekyll get `.html`, which both take as
    /// it is: in a `.md` file they would run Markdown over the feed's HTML and change the post.
    public var defaultDocumentPath: String {
        switch self {
        case .jekyll: return "_posts/{year}-{month}-{day}-{hash}.html"
        case .hugo: return "posts/{year}/{month}/{hash}.html"
        default: return "posts/{year}/{month}/{hash}.md"
        }
    }
}
