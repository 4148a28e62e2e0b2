@testable import Convert
import FeedModel
import Testing

@Suite struct ItemRuleSetTests {
    let item = Item(id: "1", title: "Sponsored: a great offer", link: "https://example.org/promo/1",
                    author: "PR Desk", categories: ["Promo", "Deals"], contentHTML: "<p>Buy now</p>")

    private func rule(_ conditions: [(String, String)]) -> ItemRule {
        ItemRule(conditions: conditions.map { ItemRule.Condition(field: $0.0, pattern: $0.1) }, place: "feeds.yaml:3")
    }

    @Test func aBlockRuleDropsOnlyWhenEveryFieldMatches() {
        let both = ItemRuleSet(ItemRules(block: [rule([("title", "(?i)sponsored"), ("author", "^PR Desk$")])]))
        #expect(both.drop(item) == .blocked(rule([("title", "(?i)sponsored"), ("author", "^PR Desk$")])))
        let oneMisses = ItemRuleSet(ItemRules(block: [rule([("title", "(?i)sponsored"), ("author", "^Editor$")])]))
        #expect(oneMisses.drop(item) == nil)
    }

    @Test func categoriesMatchWhenAnyOneDoes() {
        #expect(ItemRuleSet(ItemRules(block: [rule([("categories", "^Deals$")])])).drop(item) != nil)
        #expect(ItemRuleSet(ItemRules(block: [rule([("categories", "^Promo Deals$")])])).drop(item) == nil)
    }

    @Test func withKeepRulesOnlyMatchingItemsStay() {
        let keep = ItemRuleSet(ItemRules(keep: [rule([("link", "/news/")]), rule([("content", "Buy")])]))
        #expect(keep.drop(item) == nil)
        let strict = ItemRuleSet(ItemRules(keep: [rule([("link", "/news/")])]))
        #expect(strict.drop(item) == .notKept)
        #expect(strict.drop(item)?.reason == "matches no keep rule")
    }

    @Test func aBlockRuleWinsOverAKeepRule() {
        let rules = ItemRuleSet(ItemRules(block: [rule([("title", "offer")])], keep: [rule([("title", "great")])]))
        #expect(rules.drop(item)?.reason == "block rule title=~/offer/ (feeds.yaml:3)")
    }

    @Test func rewritesReplaceEveryMatchWithGroups() {
        let rewrites = BodyRewrites([BodyRewriteRule(pattern: "http://(img[0-9])\\.example", replacement: "https://$1.example"),
                                     BodyRewriteRule(pattern: "<p class=\"ad\">.*?</p>", replacement: "")])
        let body = "<p class=\"ad\">x</p><img src=\"http://img1.example/a.png\"><p class=\"ad\">y</p><img src=\"http://img2.example/b\">"
        #expect(rewrites.apply(body) == "<img src=\"https://img1.example/a.png\"><img src=\"https://img2.example/b\">")
        #expect(BodyRewrites([BodyRewriteRule(pattern: "a", replacement: "$$5 $9")]).apply("a") == "$5 ")
    }
}

@Suite struct LazyImageTests {
    let rewriter = BodyRewriter(base: "https://example.org/news/item.html", escapesUnclosedTag: true)

    @Test func dataSrcReplacesAPlaceholderSource() {
        #expect(rewriter.rewrite("<img src=\"/blank.gif\" data-src=\"/pics/a.jpg\">")
            == "<img src=\"https://example.org/pics/a.jpg\" data-src=\"/pics/a.jpg\" referrerpolicy=\"no-referrer\">")
    }

    @Test func dataOriginalWithoutSourceGainsOne() {
        #expect(rewriter.rewrite("<img data-original='b.jpg' alt=x>")
            == "<img data-original='b.jpg' alt=x src=\"https://example.org/news/b.jpg\" referrerpolicy=\"no-referrer\">")
    }

    @Test func srcsetWithoutSourceGivesItsFirstCandidate() {
        #expect(rewriter.rewrite("<img srcset=\"c-1x.jpg 1x, c-2x.jpg 2x\">")
            == "<img srcset=\"https://example.org/news/c-1x.jpg 1x, https://example.org/news/c-2x.jpg 2x\" "
                + "src=\"https://example.org/news/c-1x.jpg\" referrerpolicy=\"no-referrer\">")
        let real = "<img src=\"https://a/b.png\" srcset=\"https://a/x.jpg 2x\" referrerpolicy=\"no-referrer\">"
        #expect(rewriter.rewrite(real) == real)
    }

    @Test func fixingIsIdempotent() {
        let once = rewriter.rewrite("<img data-src=\"/a.jpg\"><img srcset=\"b.jpg\">")
        #expect(rewriter.rewrite(once) == once)
    }
}
