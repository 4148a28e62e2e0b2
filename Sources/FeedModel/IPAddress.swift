/// An IPv4 or IPv6 address as its network bytes (4 or 16), read from a URL's host or from the
/// socket address libcurl is about to connect to. Pure: no resolver, no system calls.
public struct IPAddress: Sendable, Hashable, CustomStringConvertible {
    public let bytes: [UInt8]

    /// nil unless `bytes` holds 4 or 16 bytes.
    public init?(bytes: [UInt8]) {
        guard bytes.count == 4 || bytes.count == 16 else { return nil }
        self.bytes = bytes
    }

    public var isIPv4: Bool { bytes.count == 4 }

    /// A host as written in a URL or as libcurl reports a peer: dotted IPv4, and also every form
    /// `inet_aton` and libcurl accept (`2130706433`, `0177.0.0.1`, `0x7f.1`), or IPv6 with or
    /// without brackets (a zone such as `%eth0` is ignored). nil for a host name.
    public init?(literal host: some StringProtocol) {
        var text = Substring(host)
        if text.utf8.first == UInt8(ascii: "["), text.utf8.last == UInt8(ascii: "]") { text = text.dropFirst().dropLast() }
        if let zone = text.utf8.firstIndex(of: UInt8(ascii: "%")) { text = text[..<zone] }
        if let dotted = Self.dottedDecimal(text.utf8) {
            bytes = dotted
        } else if text.utf8.contains(UInt8(ascii: ":")) {
            guard let v6 = Self.parseIPv6(Array(text.utf8)) else { return nil }
            bytes = v6
        } else {
            // Every other IPv4 spelling starts with a digit; a host name mostly does not.
            guard let first = text.utf8.first, first >= UInt8(ascii: "0"), first <= UInt8(ascii: "9"),
                  let v4 = Self.parseIPv4(text) else { return nil }
            bytes = v4
        }
    }

    public var description: String {
        isIPv4 ? bytes.map(String.init).joined(separator: ".") : Self.ipv6Text(bytes)
    }

    /// The IPv4 address embedded at `offset` of an IPv6 address (mapped, NAT64, 6to4...).
    func embeddedIPv4(at offset: Int) -> IPAddress? {
        IPAddress(bytes: Array(bytes[offset..<(offset + 4)]))
    }

    /// One to four parts separated by dots, each decimal, octal (leading 0) or hex (0x); the last
    /// part fills the bytes that remain, so `127.1` is 127.0.0.1 and `2130706433` is too.
    static func parseIPv4(_ text: Substring) -> [UInt8]? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        // A trailing dot is allowed, as resolvers allow it ("127.0.0.1.").
        let numbers = parts.last == "" && parts.count > 1 ? parts.dropLast() : parts[...]
        guard (1...4).contains(numbers.count) else { return nil }
        var values: [UInt64] = []
        for part in numbers {
            guard let value = parseIPv4Part(part) else { return nil }
            values.append(value)
        }
        var result: [UInt8] = []
        for value in values.dropLast() {
            guard value <= 0xFF else { return nil }
            result.append(UInt8(value))
        }
        let remaining = 4 - result.count
        guard let last = values.last, last < (UInt64(1) << (8 * remaining)) else { return nil }
        for shift in (0..<remaining).reversed() { result.append(UInt8((last >> (8 * UInt64(shift))) & 0xFF)) }
        return result
    }

    /// The usual a.b.c.d, read from the bytes: libcurl reports every peer this way, once per
    /// request. nil sends anything else (a leading zero is octal) to the general reader.
    static func dottedDecimal(_ text: some Sequence<UInt8>) -> [UInt8]? {
        var result: [UInt8] = []
        result.reserveCapacity(4)
        var value = 0, digits = 0
        for byte in text {
            if byte == UInt8(ascii: ".") {
                guard digits > 0, result.count < 3 else { return nil }
                result.append(UInt8(value))
                value = 0
                digits = 0
            } else if byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") {
                guard !(digits == 1 && value == 0) else { return nil }
                value = value * 10 + Int(byte - UInt8(ascii: "0"))
                digits += 1
                guard value <= 255 else { return nil }
            } else {
                return nil
            }
        }
        guard digits > 0, result.count == 3 else { return nil }
        result.append(UInt8(value))
        return result
    }

    private static func parseIPv4Part(_ part: Substring) -> UInt64? {
        guard !part.isEmpty, part.count <= 34 else { return nil }
        let lower = part.lowercased()
        if lower.hasPrefix("0x") {
            return UInt64(lower.dropFirst(2), radix: 16)
        }
        if lower.count > 1, lower.hasPrefix("0") { return UInt64(lower.dropFirst(), radix: 8) }
        return UInt64(lower, radix: 10)
    }

    /// Eight groups of hex, `::` once for a run of zero groups, and an optional dotted IPv4 tail.
    static func parseIPv6(_ text: [UInt8]) -> [UInt8]? {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(16)
        var gap: Int?
        var index = 0
        if text.starts(with: "::".utf8) {
            gap = 0
            index = 2
        } else if text.first == UInt8(ascii: ":") {
            return nil
        }
        while index < text.count {
            let start = index
            var value = 0
            while index < text.count, let digit = hexValue(text[index]) {
                value = value * 16 + digit
                index += 1
                guard index - start <= 4 else { return nil }
            }
            if index < text.count, text[index] == UInt8(ascii: ".") {
                // The tail: only the dotted-quad form, as inet_pton accepts.
                guard let tail = dottedDecimal(text[start...]) else { return nil }
                bytes += tail
                break
            }
            guard index > start else { return nil }
            bytes += [UInt8(value >> 8), UInt8(value & 0xFF)]
            guard index < text.count else { break }
            guard text[index] == UInt8(ascii: ":"), index + 1 < text.count else { return nil }
            index += 1
            if text[index] == UInt8(ascii: ":") {
                guard gap == nil else { return nil }
                gap = bytes.count
                index += 1
            }
        }
        guard let gap else { return bytes.count == 16 ? bytes : nil }
        guard bytes.count <= 14 else { return nil }
        bytes.insert(contentsOf: [UInt8](repeating: 0, count: 16 - bytes.count), at: gap)
        return bytes
    }

    private static func hexValue(_ byte: UInt8) -> Int? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return Int(byte - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return Int(byte - UInt8(ascii: "a")) + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return Int(byte - UInt8(ascii: "A")) + 10
        default: return nil
        }
    }

    /// RFC 5952 text: lower-case, leading zeros dropped, the longest run of two or more zero
    /// groups written `::`.
    private static func ipv6Text(_ bytes: [UInt8]) -> String {
        let groups = (0..<8).map { Int(bytes[2 * $0]) << 8 | Int(bytes[2 * $0 + 1]) }
        var best: Range<Int> = 0..<0
        var start: Int?
        for index in 0...8 {
            if index < 8, groups[index] == 0 {
                if start == nil { start = index }
            } else if let from = start {
                if index - from > best.count { best = from..<index }
                start = nil
            }
        }
        func text(_ range: Range<Int>) -> String {
            groups[range].map { String($0, radix: 16) }.joined(separator: ":")
        }
        guard best.count >= 2 else { return text(0..<8) }
        return text(0..<best.lowerBound) + "::" + text(best.upperBound..<8)
    }
}
