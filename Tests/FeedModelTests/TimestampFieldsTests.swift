import FeedModel
import Testing

/// Calendar fields of any Int64 time: a database row (the fleet's `documents.date`) may hold one
/// no feed date parses to, and the floor division before the calendar trapped near Int64.min.
@Suite struct TimestampFieldsTests {
    @Test(arguments: [Int64.min, Int64.min + 1, Int64.min + 86_398, -1, 0, 86_399, Int64.max])
    func everyTimeHasFieldsInRange(seconds: Int64) {
        let fields = UTCDateFields(Timestamp(secondsSince1970: seconds))
        #expect((1...12).contains(fields.month) && (1...31).contains(fields.day))
        #expect((0...23).contains(fields.hour) && (0...59).contains(fields.minute) && (0...59).contains(fields.second))
        #expect((0...6).contains(fields.weekday))
        #expect(DailyCount.day(of: Timestamp(secondsSince1970: seconds)) <= 0 || seconds > 0)
    }

    @Test func theLastSecondBeforeTheEpochIsTheLastOf1969() {
        let fields = UTCDateFields(Timestamp(secondsSince1970: -1))
        #expect([fields.year, fields.month, fields.day, fields.hour, fields.minute, fields.second] == [1969, 12, 31, 23, 59, 59])
        #expect(fields.weekday == 3)
        #expect(DailyCount.day(of: Timestamp(secondsSince1970: -1)) == -1)
    }
}
