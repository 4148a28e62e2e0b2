import FeedModel
@testable import Parse
import Testing

@Suite struct DateParserTests {
    static let reference = Timestamp(year: 2022, month: 2, day: 16, hour: 23, minute: 50, second: 43)!

    @Test(arguments: [
        "Wed, 16 Feb 2022 23:50:43 GMT",
        "Wednesday, 16-Feb-22 23:50:43 GMT",
        "16-Feb-2022 23:50:43 GMT",
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
        "16 Feb 2022 23:50:43",
        "Wed, 16 FEB 2022 23:50:43 Z",
        "Wed,16 Feb 2022 23:50:43 GMT",
        "Wed, 16 Feb 2022 17:50:43 CST",
        "Thu, 17 Feb 2022 08:50:43 JST",
        "Thu, 17 Feb 2022 00:50:43 CET",
        "Thu, 17 Feb 2022 07:50:43 GMT+8",
        "Thu, 17 Feb 2022 07:50:43 UTC+08:00",
        "Thu, 17 Feb 2022 07:50:43 +08",
        "Thu, 17 Feb 2022 07:50:43 +0800 (CST)",
        "Feb 16, 2022 11:50:43 PM",
        "Wed Feb 16 23:50:43 2022",
        "2022-02-17T07:50:43 +0800",
        "2022/02/16 23:50:43",
        "2022-02-16T23:50:43.123456789+00:00",
        "2022年2月17日 7:50:43 +0800",
    ])
    func readsCommonForms(text: String) {
        #expect(DateParser.parse(text) == Self.reference)
    }

    @Test func readsTwoDigitYearsIntoTheRightCentury() {
        #expect(DateParser.parse("Fri, 01 Jan 99 00:00:00 GMT") == Timestamp(year: 1999, month: 1, day: 1))
        #expect(DateParser.parse("1 jan 05 00:00 gmt") == Timestamp(year: 2005, month: 1, day: 1))
        #expect(DateParser.parse("1000-01-01") == Timestamp(year: 1000, month: 1, day: 1))
    }

    @Test func readsDateOnlyAndMinutePrecision() {
        #expect(DateParser.parse("2022-02-16") == Timestamp(year: 2022, month: 2, day: 16))
        #expect(DateParser.parse("2022年02月16日 23:50") == Timestamp(year: 2022, month: 2, day: 16, hour: 23, minute: 50))
    }

    @Test(arguments: ["", "yesterday", "32 Feb 2022 10:00:00 GMT", "2022-13-01", "Wed, 16 Foo 2022 10:00 GMT",
                      "2022-02-16T25:00:00Z", "16 Feb 2022 10:00:00 XYZ",
                      "29 Feb 2022 10:00:00 GMT", "16 Feb 202 10:00 GMT", "Feb 16 2022 13:00 PM", "2022-02-16T10:00:00+25:00",
                      "16/02/2022", "1645055443", "16 Feb 2022 10:00:00 +08:00:99",
                      // Before the year 1000: placeholders and typing mistakes, read by site generators as recent.
                      "0099-06-01T00:00:00Z", "0000-01-01", "Sat, 01 Jan 0001 00:00:00 GMT", "0999-12-31T23:59:59Z"])
    func refusesWhatItCannotReadWithCertainty(text: String) {
        #expect(DateParser.parse(text) == nil)
    }

    @Test(arguments: [
        "Wed, 16 Feb 2022 23:50:43 GMT", "wed, 16 feb 2022 23:50:43 UTC", "Thu, 17 Feb 2022 07:50:43 +0800",
        "Wed, 16 Feb 2022 18:50:43 -0500", "Wed, 30 Feb 2022 23:50:43 GMT", "Wed, 16 Feb 2022 24:00:00 GMT",
        "Wed, 16 Feb 2022 23:50:43 +1500", "Wed, 16 Feb 2022 23:50:43 +0860", "Mar, 16 Feb 2022 23:50:43 GMT",
        "Wed, 16 Xyz 2022 23:50:43 GMT", "Wed, 16 Feb 2022 23:50:43 EST", "Wed, 1a Feb 2022 23:50:43 GMT",
    ])
    func theRFC1123ShortcutAgreesWithTheGeneralReader(text: String) {
        if let shortcut = DateParser.parseRFC1123(text) {
            #expect(shortcut == DateParser.parseRFC822(text))
        }
    }

    @Test func theRFC1123ShortcutTakesTheCommonShapes() {
        #expect(DateParser.parseRFC1123("Wed, 16 Feb 2022 23:50:43 GMT") == .some(Self.reference))
        #expect(DateParser.parseRFC1123("Thu, 17 Feb 2022 07:50:43 +0800") == .some(Self.reference))
        #expect(DateParser.parseRFC1123("Wed, 16 Feb 2022 18:50:43 EST") == nil)  // left to the general reader
    }

    /// 8,000 characters of junk in every `<pubDate>` cost 5 ms an item, and a large feed was cut
    /// at its time limit with nothing stored (round 30): text this long is no date.
    @Test func textLongerThanAnyDateIsNoDate() {
        let padded = "Wed, 16 Feb 2022 23:50:43 GMT" + String(repeating: " ", count: 200)
        #expect(DateParser.parse(padded) == .some(Self.reference))
        #expect(DateParser.parse(padded + String(repeating: " ", count: 100)) == nil)
        #expect(DateParser.parse(String(repeating: "Wed, 16 Feb ", count: 700)) == nil)
    }
}
