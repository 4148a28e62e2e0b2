internal import Markup

/// A page element while it is being scored: `HTMLElement` with a parent link, a score and its
/// text measured once. Lives for one extraction only.
final class PageNode {
    let name: String
    let attributes: [HTMLElement.Attribute]
    var children: [Child] = []
    weak var parent: PageNode?
    var score = 0.0
    var isCandidate = false
    /// Measured by `measure()`: text length (CJK characters weigh three: a Chinese sentence says
    /// as much as an English one three times as long) and the part of it inside links.
    private(set) var textWeight = 0
    private(set) var linkWeight = 0
    private(set) var commas = 0

    enum Child {
        case element(PageNode)
        case text(String)
    }

    init(_ element: HTMLElement, parent: PageNode?) {
        name = element.name
        attributes = element.attributes
        self.parent = parent
        children = element.children.map { child in
            switch child {
            case .text(let text): return .text(text)
            case .element(let element): return .element(PageNode(element, parent: self))
            }
        }
    }

    func attribute(_ name: String) -> String? { attributes.first { $0.name == name }?.value }

    var elements: [PageNode] {
        children.compactMap { if case .element(let node) = $0 { return node } else { return nil } }
    }

    /// Class and id words, lower-cased and split at `-` and `_` too: `post-comments` → post, comments.
    lazy var hintWords: [Substring] = {
        let text = ((attribute("class") ?? "") + " " + (attribute("id") ?? "")).lowercased()
        return text.split { !$0.isLetter && !$0.isNumber }
    }()

    var linkDensity: Double { textWeight == 0 ? 0 : Double(linkWeight) / Double(textWeight) }

    /// Measures this subtree, bottom up.
    func measure(insideLink: Bool = false) {
        textWeight = 0
        linkWeight = 0
        commas = 0
        let isLink = insideLink || name == "a"
        for child in children {
            switch child {
            case .text(let text):
                let (weight, count) = Self.weigh(text)
                textWeight += weight
                commas += count
                if isLink { linkWeight += weight }
            case .element(let node):
                node.measure(insideLink: isLink)
                textWeight += node.textWeight
                linkWeight += node.linkWeight
                commas += node.commas
            }
        }
    }

    /// Visible characters (white space not counted), CJK weighing three, and the commas and
    /// full stops that separate clauses (Latin and CJK).
    static func weigh(_ text: String) -> (weight: Int, commas: Int) {
        var weight = 0, commas = 0
        for scalar in text.unicodeScalars {
            if scalar.properties.isWhitespace { continue }
            switch scalar.value {
            case 0x2C, 0xFF0C, 0x3001, 0x3002: commas += 1; weight += 1
            case 0x3040...0x30FF, 0x3400...0x9FFF, 0xAC00...0xD7AF, 0xF900...0xFAFF: weight += 3
            default: weight += 1
            }
        }
        return (weight, commas)
    }

    /// The text below, white space folded.
    var text: String {
        var output = ""
        appendText(to: &output)
        return output.split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
    }

    private func appendText(to output: inout String) {
        for child in children {
            switch child {
            case .text(let text): output += text
            case .element(let node):
                if PageNode.blockElements.contains(node.name) { output += " " }
                node.appendText(to: &output)
                if PageNode.blockElements.contains(node.name) { output += " " }
            }
        }
    }

    static let blockElements: Set<String> = ["address", "article", "aside", "blockquote", "dd", "div", "dl", "dt",
                                             "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5",
                                             "h6", "header", "hr", "li", "main", "nav", "ol", "p", "pre", "section",
                                             "table", "td", "th", "tr", "ul", "br"]

    /// Keeps the text and the child elements `keep` says yes to, in one pass.
    func keepChildren(_ keep: (PageNode) -> Bool) {
        children = children.filter { child in
            if case .element(let node) = child { return keep(node) }
            return true
        }
    }

    /// Back to values, for writing out.
    var value: HTMLElement {
        HTMLElement(name: name, attributes: attributes, children: children.map { child in
            switch child {
            case .text(let text): return .text(text)
            case .element(let node): return .element(node.value)
            }
        })
    }

    /// Every element below, parents before children.
    func descendants() -> [PageNode] {
        var found: [PageNode] = []
        var stack = elements.reversed() as [PageNode]
        while let node = stack.popLast() {
            found.append(node)
            stack.append(contentsOf: node.elements.reversed())
        }
        return found
    }

    /// Outermost first, not counting the node itself.
    var ancestors: [PageNode] {
        var chain: [PageNode] = []
        var current = parent
        while let node = current {
            chain.append(node)
            current = node.parent
        }
        return chain.reversed()
    }
}
