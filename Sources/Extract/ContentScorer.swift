/// Readability's scoring, on a cleaned and measured page: each paragraph gives its parent
/// points (one, plus one per clause, plus one per 100 characters up to three), half as many to
/// its grandparent and a third to the one above; the points are then discounted by the block's
/// link density. The best block is the article; siblings that score close to it, or read as
/// prose, join it (a story split across several blocks).
struct ContentScorer {
    static let paragraphElements: Set<String> = ["p", "pre", "td", "blockquote", "li", "h2", "h3", "h4"]
    static let blockChildren: Set<String> = ["div", "section", "article", "p", "table", "ul", "ol", "pre",
                                             "blockquote", "figure", "dl", "h1", "h2", "h3", "h4", "h5", "h6"]

    func best(in body: PageNode) -> [PageNode]? {
        var candidates: [PageNode] = []
        func award(_ weight: Int, commas: Int, from first: PageNode?) {
            let points = 1 + Double(commas) + min(Double(weight / 100), 3)
            var divider = 1.0
            var ancestor = first
            while let current = ancestor, divider <= 3 {
                if !current.isCandidate {
                    current.isCandidate = true
                    current.score = initialScore(current)
                    candidates.append(current)
                }
                current.score += points / divider
                divider += 1
                ancestor = current.parent
            }
        }
        for node in body.descendants() where isParagraph(node) {
            let runs = brSeparatedRuns(node)
            if runs.count >= 2 {
                // Text written as `line<br><br>line`: each run is a paragraph of this block.
                for run in runs where run.weight >= 25 { award(run.weight, commas: run.commas, from: node) }
            } else if node.textWeight >= 25 {
                award(node.textWeight, commas: node.commas, from: node.parent)
            }
        }
        for candidate in candidates { candidate.score *= 1 - candidate.linkDensity }
        guard var top = candidates.max(by: { $0.score < $1.score }) else { return nil }
        // A block that holds nearly all its parent's points is the parent's only child of note:
        // take the parent, which keeps headings and figures between the paragraphs.
        while let parent = top.parent, parent.isCandidate, parent.name != "body",
              parent.score >= top.score * 0.9, parent.linkDensity < 0.25 {
            top = parent
        }
        return withSiblings(top)
    }

    /// A `p`-like element, or a `div` holding only text and inline elements (many sites write
    /// paragraphs as divs, Chinese portals often as `<div>` + `<br>`).
    private func isParagraph(_ node: PageNode) -> Bool {
        if Self.paragraphElements.contains(node.name) { return true }
        guard node.name == "div" || node.name == "section" else { return false }
        return !node.elements.contains { Self.blockChildren.contains($0.name) }
    }

    /// The text between `<br>`s of a block of inline content, measured.
    private func brSeparatedRuns(_ node: PageNode) -> [(weight: Int, commas: Int)] {
        guard node.elements.contains(where: { $0.name == "br" }) else { return [] }
        var runs: [(weight: Int, commas: Int)] = [(0, 0)]
        for child in node.children {
            switch child {
            case .text(let text):
                let measured = PageNode.weigh(text)
                runs[runs.count - 1].weight += measured.weight
                runs[runs.count - 1].commas += measured.commas
            case .element(let element) where element.name == "br":
                if runs[runs.count - 1].weight > 0 { runs.append((0, 0)) }
            case .element(let element):
                runs[runs.count - 1].weight += element.textWeight
                runs[runs.count - 1].commas += element.commas
            }
        }
        return runs.filter { $0.weight > 0 }
    }

    private func initialScore(_ node: PageNode) -> Double {
        var score: Double
        switch node.name {
        case "div", "article", "main", "section": score = 5
        case "pre", "td", "blockquote": score = 3
        case "ol", "ul", "dl", "dd", "dt", "li", "form", "address": score = -3
        case "h1", "h2", "h3", "h4", "h5", "h6", "th": score = -5
        default: score = 0
        }
        let words = node.hintWords
        if words.contains(where: PageCleaner.likelyWords.contains) { score += 25 }
        if words.contains(where: PageCleaner.unlikelyWords.contains) { score -= 25 }
        if words.contains(where: PageCleaner.commentWords.contains) { score -= 25 }
        return score
    }

    private func withSiblings(_ top: PageNode) -> [PageNode] {
        guard let parent = top.parent else { return [top] }
        let threshold = max(10, top.score * 0.2)
        var chosen: [PageNode] = []
        for sibling in parent.elements {
            if sibling === top {
                chosen.append(sibling)
            } else if sibling.isCandidate, sibling.score >= threshold {
                chosen.append(sibling)
            } else if sibling.name == "p", sibling.linkDensity < 0.25, sibling.textWeight >= 80 {
                chosen.append(sibling)
            }
        }
        return chosen
    }
}
