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
        if text.hasPrefix("["), text.hasSuffix("]") { text = text.dropFirst().dropLast() }
        if let zone = text.firstIndex(of: "%") { text = text[..<zone] }
        if let v4 = Self.parseIPv4(text) {
            bytes = v4
        } else if text.contains(":"), let v6 = Self.parseIPv6(text) {
            bytes = v6
        } else {
            return nil
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

    private static func parseIPv4Part(_ part: Substring) -> UInt64? {
        guard !part.isEmpty, part.count <= 34 else { return nil }
        let lower = part.lowercased()
        if lower.hasPrefix("0x") {
            return UInt64(lower.dropFirst(2), radix: 16)
        }
        if lower.count > 1, lower.hasPrefix("0") { return UInt64(lower.dropFirst(), radix: 8) }
        return UInt64(lower, radix: 10)
    }

    /// Eight groups of hex, `::` for a run of zero groups, and an optional dotted IPv4 tail.
    static func parseIPv6(_ text: Substring) -> [UInt8]? {
        let halves = splitOnDoubleColon(text)
        guard halves.count <= 2 else { return nil }
        guard let head = groups(halves[0], allowsIPv4Tail: halves.count == 1) else { return nil }
        guard halves.count == 2 else { return head.count == 16 ? head : nil }
        guard let tail = groups(halves[1], allowsIPv4Tail: true), head.count + tail.count <= 14 else { return nil }
        return head + [UInt8](repeating: 0, count: 16 - head.count - tail.count) + tail
    }

    /// The text between `::` separators (more than two pieces: not an address).
    private static func splitOnDoubleColon(_ text: Substring) -> [Substring] {
        var halves: [Substring] = []
        var start = text.startIndex, index = text.startIndex
        while index < text.endIndex {
            let next = text.index(after: index)
            if text[index] == ":", next < text.endIndex, text[next] == ":" {
                halves.append(text[start..<index])
                start = text.index(after: next)
                index = start
            } else {
                index = next
            }
        }
        return halves + [text[start...]]
    }

    private static func groups(_ text: Substring, allowsIPv4Tail: Bool) -> [UInt8]? {
        guard !text.isEmpty else { return [] }
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        var bytes: [UInt8] = []
        for (index, part) in parts.enumerated() {
            if index == parts.count - 1, allowsIPv4Tail, part.contains(".") {
                // Only the dotted-quad form here: inet_pton accepts no other.
                guard part.split(separator: ".", omittingEmptySubsequences: false).count == 4,
                      part.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == ".") }),
                      let v4 = parseIPv4(part) else { return nil }
                bytes += v4
                continue
            }
            guard (1...4).contains(part.count), let value = UInt16(part, radix: 16) else { return nil }
            bytes += [UInt8(value >> 8), UInt8(value & 0xFF)]
        }
        return bytes.count <= 16 ? bytes : nil
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
