/// An attribute's URL as a browser reads it (the WHATWG URL parser's first steps), once its
/// character references are decoded. A browser drops C0 controls and spaces at either end and
/// every tab and newline inside (`jav&#9;ascript:` is `javascript:`, `/tab&#9;x.jpg` is
/// `/tabx.jpg`), and sends the other controls percent-encoded; a stored document holding them raw
/// breaks the XML feed a site builds from it.
public enum URLText {
    public static func asRead(_ value: String) -> String {
        // Nearly every URL has nothing to drop: one pass over its bytes.
        guard value.utf8.contains(where: { $0 <= 0x20 || $0 == 0x7F }) else { return value }
        var bytes = Array(value.utf8)[...]
        while let first = bytes.first, first <= 0x20 { bytes.removeFirst() }
        while let last = bytes.last, last <= 0x20 { bytes.removeLast() }
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count + 8)
        for byte in bytes where byte != 0x09 && byte != 0x0A && byte != 0x0D {
            if byte < 0x20 || byte == 0x7F {
                output += [UInt8(ascii: "%"), hexDigit(byte >> 4), hexDigit(byte & 0x0F)]
            } else {
                output.append(byte)
            }
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// The first candidate's URL of a `srcset` (HTML's rule): separators skipped, then every byte up
    /// to white space, less the commas ending it. Commas inside the URL stay (`w_300,h_200/a.jpg`).
    public static func firstSourceSetURL(_ srcset: String) -> String? {
        let bytes = srcset.utf8
        guard let start = bytes.firstIndex(where: { !isSpace($0) && $0 != UInt8(ascii: ",") }) else { return nil }
        let end = bytes[start...].firstIndex(where: isSpace) ?? bytes.endIndex
        var candidate = bytes[start..<end]
        while candidate.last == UInt8(ascii: ",") { candidate = candidate.dropLast() }
        return candidate.isEmpty ? nil : String(decoding: candidate, as: UTF8.self)
    }

    static func isSpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0C || byte == 0x0D
    }

    private static func hexDigit(_ value: UInt8) -> UInt8 {
        value < 10 ? UInt8(ascii: "0") + value : UInt8(ascii: "A") + value - 10
    }
}
