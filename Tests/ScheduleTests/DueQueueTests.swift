import FeedModel
import Schedule
import Testing

@Suite struct DueQueueTests {
    private func at(_ seconds: Int64) -> Timestamp { Timestamp(secondsSince1970: seconds) }

    @Test func popsWhatIsDueEarliestFirstAndLeavesTheRest() {
        var queue = DueQueue()
        for (feed, due) in [("c", 30), ("a", 10), ("d", 40), ("b", 20)] { queue.schedule(feed, at: at(Int64(due))) }
        #expect(queue.nextDue() == at(10))
        #expect(queue.popDue(at: at(25)).map(\.feed) == ["a", "b"])
        #expect(queue.count == 2)
        #expect(queue.nextDue() == at(30))
        #expect(queue.popDue(at: at(25)).isEmpty)
        #expect(queue.popDue(at: at(100)).map(\.feed) == ["c", "d"])
        #expect(queue.isEmpty && queue.nextDue() == nil)
    }

    @Test func aRescheduledFeedIsDueOnlyAtItsNewTime() {
        var queue = DueQueue()
        queue.schedule("a", at: at(10))
        queue.schedule("b", at: at(20))
        queue.schedule("a", at: at(50))
        #expect(queue.count == 2)
        #expect(queue.due("a") == at(50))
        #expect(queue.popDue(at: at(30)).map(\.feed) == ["b"])
        #expect(queue.popDue(at: at(60)).map { "\($0.feed)@\($0.due.secondsSince1970)" } == ["a@50"])
    }

    @Test func aRemovedFeedNeverComesDue() {
        var queue = DueQueue()
        queue.schedule("a", at: at(10))
        queue.schedule("b", at: at(10))
        queue.remove("a")
        #expect(queue.count == 1)
        #expect(queue.popDue(at: at(10)).map(\.feed) == ["b"])
        #expect(queue.nextDue() == nil)
    }

    @Test func feedsDueInTheSameSecondKeepTheirOrderAndTheLimitHolds() {
        var queue = DueQueue()
        for feed in ["x", "y", "z"] { queue.schedule(feed, at: at(5)) }
        #expect(queue.dueCount(at: at(5)) == 3)
        #expect(queue.popDue(at: at(5), limit: 2).map(\.feed) == ["x", "y"])
        #expect(queue.popDue(at: at(5)).map(\.feed) == ["z"])
    }

    /// Against a plain sort: many reschedules and removals (which leave stale entries and force
    /// rebuilds) still pop exactly the live feeds, in due order.
    @Test func agreesWithASortUnderManyReschedules() {
        var queue = DueQueue()
        var expected: [String: Int64] = [:]
        var generator = SystemRandomNumberGenerator()
        for step in 0..<5000 {
            let feed = "f\(Int.random(in: 0..<300, using: &generator))"
            if step % 7 == 0 {
                queue.remove(feed)
                expected[feed] = nil
            } else {
                let due = Int64.random(in: 0..<1000, using: &generator)
                queue.schedule(feed, at: at(due))
                expected[feed] = due
            }
        }
        #expect(queue.count == expected.count)
        #expect(queue.schedule.mapValues(\.secondsSince1970) == expected)
        let popped = queue.popDue(at: at(499))
        let dues = popped.map(\.due.secondsSince1970)
        #expect(dues == dues.sorted())
        #expect(Set(popped.map(\.feed)) == Set(expected.filter { $0.value <= 499 }.keys))
        #expect(queue.count == expected.filter { $0.value > 499 }.count)
    }
}
