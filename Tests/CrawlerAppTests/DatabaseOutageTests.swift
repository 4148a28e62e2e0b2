@testable import CrawlerApp
import Testing

/// Round 61: a fleet node whose database was away asked it again, and logged an error, every
/// second: 3,600 lines an hour per node through an outage.
@Suite struct DatabaseOutageTests {
    @Test func retriesBackOffToHalfAMinuteAndAreLoggedAtMostOnceAMinute() {
        var outage = DatabaseOutage()
        var logged: [Int64] = [], waits: [Int64] = []
        var now: Int64 = 0
        while now < 300_000 {
            if outage.failed(now: now) { logged.append(now) }
            waits.append(outage.retryAt - now)
            now = outage.retryAt
        }
        #expect(Array(waits.prefix(7)) == [1000, 2000, 4000, 8000, 16_000, 30_000, 30_000])
        #expect(logged.first == 0 && logged.count <= 6, "\(logged)")
        #expect(zip(logged, logged.dropFirst()).allSatisfy { $1 - $0 >= 60_000 })
        #expect(outage.ended(now: now) == now)
        #expect(outage.ended(now: now) == nil)
        #expect(outage.failed(now: now) && outage.retryAt == now + 1000)
    }
}
