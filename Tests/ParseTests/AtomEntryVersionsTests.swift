import FeedModel
import Parse
import Testing

/// Which entries of one Atom document are versions of one entry (`AtomEntryVersions`).
@Suite struct AtomEntryVersionsTests {
    private func entry(_ id: String?, _ link: String?, updated day: Int?, _ title: String) -> Item {
        Item(id: id, title: title, link: link, updated: day.flatMap { Timestamp(year: 2025, month: 12, day: $0) })
    }

    private func titles(_ items: [Item], kind: Feed.Kind = .atom10) -> [String] {
        AtomEntryVersions.newest(in: Feed(kind: kind, items: items)).items.map(\.title)
    }

    @Test func theNewestVersionStaysWhereTheEntryFirstAppears() {
        let items = [entry("a", "https://x.org/a", updated: 1, "a1"), entry("b", "https://x.org/b", updated: 1, "b"),
                     entry("a", "https://x.org/a", updated: 3, "a3"), entry("a", "https://x.org/a", updated: 2, "a2")]
        #expect(titles(items) == ["a3", "b"])
        #expect(titles(items, kind: .atom03) == ["a3", "b"])
    }

    @Test func anythingElseIsLeftForTheIdentityRules() {
        // One id at two links: a feed reusing ids, two stories.
        #expect(titles([entry("a", "https://x.org/1", updated: 1, "one"), entry("a", "https://x.org/2", updated: 2, "two")])
                == ["one", "two"])
        // No told-apart versions: the same `updated`, or none.
        #expect(titles([entry("a", nil, updated: 1, "x"), entry("a", nil, updated: 1, "y")]) == ["x", "y"])
        #expect(titles([entry("a", nil, updated: nil, "x"), entry("a", nil, updated: 2, "y")]) == ["x", "y"])
        #expect(titles([entry(nil, "https://x.org/a", updated: 1, "x"), entry(nil, "https://x.org/a", updated: 2, "y")])
                == ["x", "y"])
        // RSS has no such rule: its guids are the feed's own business.
        #expect(titles([entry("a", nil, updated: 1, "x"), entry("a", nil, updated: 2, "y")], kind: .rss2) == ["x", "y"])
    }
}
