@testable import Parse
import Testing

/// The mending of JSON that JSONSerialization refuses: exactly the three mistakes, nothing else.
@Suite struct JSONRepairTests {
    static func mended(_ text: String) -> String? {
        JSONRepair.repair(Array(text.utf8)).map { String(decoding: $0, as: UTF8.self) }
    }

    @Test func loneSurrogatesBecomeReplacementCharacters() {
        #expect(Self.mended(#"{"a":"x\ud83d y"}"#) == #"{"a":"x\ufffd y"}"#)
        #expect(Self.mended(#"{"a":"\udc00"}"#) == #"{"a":"\ufffd"}"#)
        #expect(Self.mended(#"{"a":"\ud83d\u0041"}"#) == #"{"a":"\ufffd\u0041"}"#)
        #expect(Self.mended(#"{"a":"cut\ud83d"}"#) == #"{"a":"cut\ufffd"}"#)
    }

    @Test func wellFormedTextIsLeftAlone() {
        #expect(Self.mended(#"{"a":"\ud83d\ude00","b":[1,-2.5e3,1e308],"c":"\\ud83d","d":"1e400 \" x"}"#) == nil)
    }

    @Test func numbersBeyondADoubleBecomeNull() {
        #expect(Self.mended(#"{"n":1e400,"m":[-1E+999, 2]}"#) == #"{"n":null,"m":[null, 2]}"#)
    }

    @Test func bytesThatAreNotUTF8BecomeReplacementCharacters() {
        let bytes: [UInt8] = Array(#"{"a":"caf"#.utf8) + [0xE9] + Array(#""}"#.utf8)
        #expect(JSONRepair.repair(bytes).map { String(decoding: $0, as: UTF8.self) } == "{\"a\":\"caf\u{FFFD}\"}")
    }
}
