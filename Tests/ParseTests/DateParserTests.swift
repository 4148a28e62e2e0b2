import FeedModel
import Parse
import Testing

@Suite struct DateParserTests {
    static let reference = Timestamp(year: 2022, month: 2, day: 16, hour: 23, minute: 50, second: 43)!

    @Test(arguments: [
        "Wed, 16 Feb 2022 23:50:43 GMT",
        "16 Feb 2022 23:50:43 GMT",
        "wed, 16 feb 2022 23:50:43 +0000",
        "Thu, 17 Feb 2022 07:50:43 +0800",
        "Wed, 16 Feb 22 23:50:43 GMT",
        "Wed, 16 Feb 2022 18:50:43 EST",
        "Wed, 16 Feb 2022 15:50:43 PST",
        "Wednesday, 16 February 2022 23:50:43 UT",
        "2022-02-16T23:50:43Z",
        "2022-02-16T23:50:43.123Z",
        "2022-02-17T07:50:43+08:00",
        "2022-02-17T07:50:43+0800",
        "2022-02-16 23:50:43",
        "2022年02月16日 23:50:43",
    ])
    func readsCommonForms(text: String) {
        #expect(DateParser.parse(text) == Self.reference)
    }

    @Test func readsDateOnlyAndMinutePrecision() {
        #expect(DateParser.parse("2022-02-16") == Timestamp(year: 2022, month: 2, day: 16))
        #expect(DateParser.parse("2022年02月16日 23:50") == Timestamp(year: 2022, month: 2, day: 16, hour: 23, minute: 50))
    }

    @Test(arguments: ["", "yesterday", "32 Feb 2022 10:00:00 GMT", "2022-13-01", "Wed, 16 Foo 2022 10:00 GMT",
                      "2022-02-16T25:00:00Z", "16 Feb 2022 10:00:00 XYZ"])
    func refusesWhatItCannotReadWithCertainty(text: String) {
        #expect(DateParser.parse(text) == nil)
    }
}
