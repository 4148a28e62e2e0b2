public import Markup

/// Finds the main content of an article page: `content_selector:` when the feed names it, else
/// a readability-style scorer (paragraphs give points to their parents by length and clauses,
/// class and id hints add or take some, link-heavy blocks lose them; the best block wins, with
/// its siblings that score close to it). Navigation, asides, footers, forms, comment sections
/// and ads are dropped first, and `remove:` selectors with them. Pure: a tree in, HTML out.
public struct ArticleExtractor: Sendable {
    public var contentSelector: CSSSelector?
    public var remove: [CSSSelector]

    public init(contentSelector: CSSSelector? = nil, remove: [CSSSelector] = []) {
        self.contentSelector = contentSelector
        self.remove = remove
    }

    public struct Article: Sendable, Hashable {
        /// The content as HTML, its URLs absolute against the page's base.
        public var html: String
        /// What its relative URLs were resolved against: the page's `<base href>`, else its address.
        public var base: String
        /// Its text, white space folded (what the article says, for checks and previews).
        public var text: String
    }

    public enum Failure: Error, Sendable, Hashable, CustomStringConvertible {
        /// `content_selector:` matched nothing on the page.
        case selectorMatchedNothing(String)
        /// The page has no block of text that reads as an article.
        case noContent

        public var description: String {
            switch self {
            case .selectorMatchedNothing(let selector): return "content_selector '\(selector)' matched nothing on the page"
            case .noContent: return "no article text found on the page"
            }
        }
    }

    public func extract(_ root: HTMLElement, url: String) throws(Failure) -> Article {
        let page = PageNode(root, parent: nil)
        let base = Self.documentBase(page, url: url)
        let body = page.descendants().first { $0.name == "body" } ?? page
        PageCleaner(remove: remove).clean(body, usingHints: contentSelector == nil)
        let chosen: [PageNode]
        if let contentSelector {
            chosen = Self.select(contentSelector, in: body)
            guard !chosen.isEmpty else { throw .selectorMatchedNothing(contentSelector.text) }
        } else {
            body.measure()
            guard let best = ContentScorer().best(in: body) else { throw .noContent }
            chosen = best
        }
        for node in chosen { node.measure() }
        if contentSelector == nil {
            let headlines = chosen.flatMap { [$0] + $0.descendants() }.filter { $0.name == "h1" }.count
            for node in chosen { PageCleaner.tidy(node, dropsHeadline: headlines == 1) }
        }
        let text = chosen.map(\.text).joined(separator: " ")
        guard !text.isEmpty else { throw .noContent }
        let writer = HTMLWriter(base: base)
        let html = chosen.map { writer.html($0.value) }.joined(separator: "\n")
        return Article(html: html, base: base, text: text)
    }

    /// The base a browser resolves the page's relative URLs against: its first `<base>` with an
    /// href, itself resolved against the page's address, when that is a web URL; else the address.
    static func documentBase(_ page: PageNode, url: String) -> String {
        guard let href = page.descendants().first(where: { $0.name == "base" && $0.attribute("href") != nil })?
            .attribute("href") else { return url }
        let resolved = URLResolver.resolve(URLText.asRead(href), against: url)
        return URLResolver.webBase(resolved) ?? url
    }

    /// The outermost elements the selector matches, in page order.
    static func select(_ selector: CSSSelector, in root: PageNode) -> [PageNode] {
        var found: [PageNode] = []
        func walk(_ node: PageNode, _ ancestors: [HTMLElement]) {
            let shallow = HTMLElement(name: node.name, attributes: node.attributes)
            if selector.matches(shallow, ancestors: ancestors) {
                found.append(node)
                return
            }
            for child in node.elements { walk(child, ancestors + [shallow]) }
        }
        walk(root, root.ancestors.map { HTMLElement(name: $0.name, attributes: $0.attributes) })
        return found
    }
}
