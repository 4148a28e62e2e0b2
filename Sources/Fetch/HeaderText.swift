internal import FeedModel

/// Byte-level helpers for header lines: header names and framing are ASCII, and these run for
/// every line of every response, where String and Foundation character sets cost more than the
/// transfer itself on a 304.
enum HeaderText {
    /// Whether `value` may be sent as a header value: visible ASCII and above, spaces and tabs,
    /// never CR, LF, NUL or another control (C1 and its NEL, the line and paragraph separators
    /// included, which some readers take for line breaks).
    static func isSafeValue(_ value: String) -> Bool {
        value.utf8.allSatisfy { $0 == 0x09 || ($0 >= 0x20 && $0 != 0x7F) }
            && !value.unicodeScalars.contains { $0.value >= 0x80 && TerminalText.isUnsafe($0) }
    }

    /// Whether `name` may be sent as a header name: an HTTP token (no space, colon or control).
    static func isSafeName(_ name: String) -> Bool {
        !name.isEmpty && name.utf8.allSatisfy { $0 > 0x20 && $0 < 0x7F && $0 != UInt8(ascii: ":") }
    }

    /// The bytes without leading and trailing spaces, tabs, CR and LF, as text.
    static func trimmed<Bytes: BidirectionalCollection>(_ bytes: Bytes) -> String where Bytes.Element == UInt8 {
        guard let first = bytes.firstIndex(where: { !isFraming($0) }),
              let last = bytes.lastIndex(where: { !isFraming($0) }) else { return "" }
        return String(decoding: bytes[first...last], as: UTF8.self)
    }

    /// A validator's bytes, each one scalar (ISO-8859-1), framing trimmed: an ETag may hold any
    /// byte above 0x7F (RFC 9110's obs-text), and one read as UTF-8 was kept with U+FFFD in it,
    /// sent back so and never answered 304. `validatorBytes` gives the bytes back.
    static func validator<Bytes: BidirectionalCollection>(_ bytes: Bytes) -> String where Bytes.Element == UInt8 {
        guard let first = bytes.firstIndex(where: { !isFraming($0) }),
              let last = bytes.lastIndex(where: { !isFraming($0) }) else { return "" }
        // ASCII (nearly every one) reads the same either way, and String takes it whole.
        if bytes[first...last].allSatisfy({ $0 < 0x80 }) { return String(decoding: bytes[first...last], as: UTF8.self) }
        var text = ""
        text.unicodeScalars.append(contentsOf: bytes[first...last].map { Unicode.Scalar($0) })
        return text
    }

    /// The bytes of a validator `validator` read. One kept by an older build, read as UTF-8 (a
    /// scalar above U+00FF in it), goes as UTF-8.
    static func validatorBytes(_ value: String) -> [UInt8] {
        // ASCII is its own bytes in both readings.
        if value.utf8.withContiguousStorageIfAvailable({ $0.allSatisfy { $0 < 0x80 } }) ?? false { return Array(value.utf8) }
        guard value.unicodeScalars.allSatisfy({ $0.value <= 0xFF }) else { return Array(value.utf8) }
        return value.unicodeScalars.map { UInt8($0.value) }
    }

    static func trimmed(_ text: Substring) -> String {
        trimmed(text.utf8)
    }

    /// A header name in lower case, written straight into the string's storage.
    static func lowercasedName(_ name: Slice<UnsafeRawBufferPointer>) -> String {
        String(unsafeUninitializedCapacity: name.count) { storage in
            for (offset, byte) in name.enumerated() { storage[offset] = lowercased(byte) }
            return name.count
        }
    }

    /// The status code of a status line ("HTTP/1.1 304 Not Modified", "HTTP/2 200"): the three
    /// digits after the first space; 0 when there are none.
    static func statusCode(ofStatusLine line: UnsafeRawBufferPointer) -> Int {
        guard let space = line.firstIndex(of: UInt8(ascii: " ")) else { return 0 }
        let digits = line[(space + 1)...].prefix { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }
        guard digits.count == 3 else { return 0 }
        return digits.reduce(0) { $0 * 10 + Int($1 - UInt8(ascii: "0")) }
    }

    static func lowercased(_ byte: UInt8) -> UInt8 {
        (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) ? byte + 32 : byte
    }

    private static func isFraming(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") || byte == UInt8(ascii: "\r") || byte == UInt8(ascii: "\n")
    }
}
