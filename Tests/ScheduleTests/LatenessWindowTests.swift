import Schedule
import Testing

@Suite struct LatenessWindowTests {
    @Test func percentilesByNearestRank() {
        var window = LatenessWindow()
        #expect(window.percentile(0.5) == 0)
        for value in 1...100 { window.add(milliseconds: Int64(value)) }
        #expect(window.percentile(0.5) == 50)
        #expect(window.percentile(0.99) == 99)
        #expect(window.percentile(1) == 100)
    }

    @Test func keepsOnlyTheMostRecentSamples() {
        var window = LatenessWindow(capacity: 4)
        for value in [9000, 9000, 9000, 9000, 1, 2, 3, 4] { window.add(milliseconds: Int64(value)) }
        #expect(window.count == 4)
        #expect(window.percentile(0.99) == 4)
        window.add(milliseconds: -5)
        #expect(window.percentile(0) == 0)
    }
}
