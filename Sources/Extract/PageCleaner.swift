internal import Markup

/// Drops what is never article text before scoring, and tidies the chosen block after.
struct PageCleaner {
    let remove: [CSSSelector]

    /// Never content, whatever a selector or class says.
    static let inactiveElements: Set<String> = ["script", "style", "noscript", "template", "iframe", "form", "button",
                                                "input", "select", "textarea", "object", "embed", "link", "meta",
                                                "canvas", "dialog"]
    /// Not content unless a selector picks them.
    static let droppedElements: Set<String> = ["nav", "aside", "footer", "header", "svg", "math", "label", "menu"]
    /// Class or id words of comment sections: dropped even inside the article.
    static let commentWords: Set<Substring> = ["comment", "comments", "disqus", "respond", "replies", "reply", "pinglun"]
    /// Words of blocks that are usually not the article (dropped unless they hold a lot of prose).
    static let unlikelyWords: Set<Substring> = [
        "sidebar", "side", "footer", "foot", "nav", "navbar", "menu", "breadcrumb", "breadcrumbs", "ad", "ads", "advert",
        "advertisement", "adsbygoogle", "banner", "sponsor", "sponsored", "promo", "share", "sharing", "social",
        "related", "recommend", "recommended", "popup", "modal", "cookie", "newsletter", "subscribe", "login",
        "toolbar", "hot", "rank", "ranking", "widget", "tags", "pagination", "pager", "masthead", "topbar", "copyright",
    ]
    static let likelyWords: Set<Substring> = ["article", "content", "entry", "post", "story", "body", "text", "main",
                                              "artibody", "blog", "news", "detail"]

    func clean(_ root: PageNode, usingHints: Bool) {
        var ancestors: [HTMLElement] = []
        clean(children: root, ancestors: &ancestors, usingHints: usingHints)
    }

    private func clean(children node: PageNode, ancestors: inout [HTMLElement], usingHints: Bool) {
        ancestors.append(HTMLElement(name: node.name, attributes: node.attributes))
        defer { ancestors.removeLast() }
        // One pass that keeps what stays: removing children one by one from a page of 100,000
        // siblings would be quadratic.
        node.keepChildren { child in
            let shallow = HTMLElement(name: child.name, attributes: child.attributes)
            if Self.inactiveElements.contains(child.name) || remove.contains(where: { $0.matches(shallow, ancestors: ancestors) })
                || (usingHints && isUnwanted(child)) {
                return false
            }
            clean(children: child, ancestors: &ancestors, usingHints: usingHints)
            return true
        }
    }

    private func isUnwanted(_ node: PageNode) -> Bool {
        if Self.droppedElements.contains(node.name) { return true }
        if ["body", "html", "article", "main"].contains(node.name) { return false }
        let words = node.hintWords
        if words.contains(where: Self.commentWords.contains) { return true }
        guard words.contains(where: Self.unlikelyWords.contains) else { return false }
        if words.contains(where: Self.likelyWords.contains) { return false }
        // A wrapper named after its sidebar (`layout-with-sidebar`) may still hold the article.
        node.measure()
        return !Self.holdsProse(node)
    }

    /// Paragraphs of real text, not lists of links.
    static func holdsProse(_ node: PageNode) -> Bool {
        let paragraphs = node.descendants().filter { $0.name == "p" && $0.textWeight >= 80 }
        return paragraphs.count >= 3 && node.linkDensity < 0.3
    }

    /// Inside the chosen block: lists and blocks that are mostly links (share bars, "more
    /// stories"), empty blocks, and blocks whose hints say they are not the article.
    /// `dropsHeadline`: the block's one `<h1>` is the headline, which the document's title
    /// already says (several are the sections of a page that uses h1 for them, and stay).
    static func tidy(_ node: PageNode, dropsHeadline: Bool) {
        node.keepChildren { child in
            if shouldDrop(child) || (dropsHeadline && child.name == "h1") { return false }
            tidy(child, dropsHeadline: dropsHeadline)
            return true
        }
    }

    private static func shouldDrop(_ node: PageNode) -> Bool {
        switch node.name {
        case "img", "picture", "video", "audio", "source", "br", "hr", "figure":
            return false
        case "ul", "ol", "div", "section", "table", "p", "dl":
            let hasMedia = node.descendants().contains { ["img", "picture", "video"].contains($0.name) }
            if node.textWeight == 0 { return !hasMedia }
            if node.linkDensity > 0.5 && node.textWeight < 600 { return true }
            return node.hintWords.contains(where: unlikelyWords.contains)
                && !node.hintWords.contains(where: likelyWords.contains) && node.linkDensity > 0.2
        default:
            return false
        }
    }
}
