@testable import Fleet
import Store
import Testing

/// Which feeds `feeds sync` renames, from names and URLs alone.
@Suite struct FleetRenamePlanTests {
    private func plan(_ database: [(String, String)], _ file: [(String, String)]) -> [String] {
        FleetRenamePlan.renames(database: database.map { (name: $0.0, url: $0.1) }, file: file.map { (name: $0.0, url: $0.1) })
            .map { "\($0.from)→\($0.to)" }
    }

    @Test func renamesSwapsAndChainsFollowTheURL() {
        #expect(plan([("a", "u1")], [("b", "u1")]) == ["a→b"])
        #expect(plan([("a", "u1"), ("b", "u2")], [("a", "u2"), ("b", "u1")]) == ["a→b", "b→a"])
        #expect(plan([("c", "u3"), ("d", "u4")], [("d", "u3"), ("e", "u4")]) == ["c→d", "d→e"])
    }

    @Test func noFeedThatStaysIsRenamedOver() {
        // b moves on to b2 in the same sync: its name is free for a.
        #expect(plan([("a", "u1"), ("b", "u2")], [("b", "u1"), ("b2", "u2")]) == ["a→b", "b→b2"])
        #expect(plan([("a", "u1"), ("b", "u2")], [("a", "u1"), ("b", "u2")]).isEmpty)
        #expect(plan([("a", "u1"), ("b", "u2")], [("b", "u1")]).isEmpty, "b keeps its own history; a is removed")
    }
}
