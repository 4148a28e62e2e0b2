/// Numeric character references as browsers read them, for the ones XML would reject or read
/// differently: `&#146;` means the Windows-1252 character `’` (pages were written on Windows),
/// a control character (`&#7;`) is dropped like a raw one, and anything else XML forbids
/// (`&#0;`, a surrogate, `&#xFFFE;`) becomes U+FFFD.
enum CharacterReference {
    /// The bytes to write instead of `&` + `name` + `;` whose code point is `value` (`value(of:)`,
    /// nil when its digits do not read), or nil to keep it.
    static func replacement(for value: UInt32?) -> [UInt8]? {
        guard let value else { return Array("&#xFFFD;".utf8) }
        switch value {
        case 0x9, 0xA, 0xD, 0x20...0x7F, 0xA0...0xD7FF, 0xE000...0xFFFD, 0x10000...0x10FFFF: return nil
        case 0x80...0x9F: return Array("&#\(windows1252[Int(value - 0x80)]);".utf8)
        case 0x0...0x1F: return []
        default: return Array("&#xFFFD;".utf8)
        }
    }

    /// The code point `name` (`#123` or `#x1F`) refers to, if its digits read.
    static func value(of name: UnsafeBufferPointer<UInt8>) -> UInt32? {
        let isHex = name.count > 1 && (name[1] == UInt8(ascii: "x") || name[1] == UInt8(ascii: "X"))
        return UInt32(String(decoding: name.dropFirst(isHex ? 2 : 1), as: UTF8.self), radix: isHex ? 16 : 10)
    }

    /// The character a UTF-16 pair written as two references stands for (`&#55357;&#56832;`, as
    /// Java and JavaScript serializers write an emoji), when `high` and `low` are such a pair.
    static func pair(_ high: UInt32, _ low: UInt32) -> UInt32? {
        guard (0xD800...0xDBFF).contains(high), (0xDC00...0xDFFF).contains(low) else { return nil }
        return 0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00)
    }

    /// Windows-1252's 0x80…0x9F; the five bytes it leaves undefined keep their C1 value, as in browsers.
    static let windows1252: [UInt32] = [
        0x20AC, 0x81, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x8D, 0x017D, 0x8F,
        0x90, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x9D, 0x017E, 0x0178,
    ]
}
