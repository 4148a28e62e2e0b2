/// The host part of a URL, lower-cased, without user info or port: what politeness budgets are keyed by.
enum HostName {
    /// Read from the URL's bytes: it runs for every request, and the Character-based version
    /// (`firstRange(of:)`, `lowercased()`) was 2.5% of a 304 pass. Non-ASCII authorities take the
    /// Unicode-aware path.
    static func of(_ url: String) -> String {
        var url = url
        return url.withUTF8 { bytes in
            guard let authority = authorityRange(in: bytes) else { return "" }
            let host = hostRange(in: bytes, authority: authority)
            guard bytes[host].allSatisfy({ $0 < 0x80 }) else {
                return String(decoding: bytes[host], as: UTF8.self).lowercased()
            }
            return String(unsafeUninitializedCapacity: host.count) { buffer in
                for (offset, byte) in bytes[host].enumerated() {
                    buffer[offset] = byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") ? byte + 32 : byte
                }
                return host.count
            }
        }
    }

    /// `https://host:port` (lower-cased, the port always written) for an https URL, nil for any
    /// other: the origin libcurl keeps one HTTP/2 connection to. Plain http never multiplexes
    /// here (HTTP/2 is asked for over TLS only), so it has no origin to wait for.
    static func httpsOrigin(of url: String) -> String? {
        guard url.utf8.count > 8, url.utf8.prefix(8).map({ $0 | 0x20 }) == Array("https://".utf8) else { return nil }
        var url = url
        return url.withUTF8 { bytes in
            guard let authority = authorityRange(in: bytes) else { return nil }
            var from = authority.lowerBound
            if let at = bytes[authority].lastIndex(of: UInt8(ascii: "@")) { from = at + 1 }
            let hostAndPort = String(decoding: bytes[from..<authority.upperBound], as: UTF8.self).lowercased()
            let host = hostRange(in: bytes, authority: authority)
            let hasPort = host.upperBound < authority.upperBound
            return "https://" + hostAndPort + (hasPort ? "" : ":443")
        }
    }

    /// After `://`, up to the first `/`, `?` or `#`.
    private static func authorityRange(in bytes: UnsafeBufferPointer<UInt8>) -> Range<Int>? {
        guard bytes.count >= 3, let start = (0...(bytes.count - 3)).first(where: {
            bytes[$0] == UInt8(ascii: ":") && bytes[$0 + 1] == UInt8(ascii: "/") && bytes[$0 + 2] == UInt8(ascii: "/")
        }) else { return nil }
        let from = start + 3
        let end = bytes[from...].firstIndex { $0 == UInt8(ascii: "/") || $0 == UInt8(ascii: "?") || $0 == UInt8(ascii: "#") }
        return from..<(end ?? bytes.count)
    }

    /// The authority without user info and port; an IPv6 literal keeps its brackets.
    private static func hostRange(in bytes: UnsafeBufferPointer<UInt8>, authority: Range<Int>) -> Range<Int> {
        var from = authority.lowerBound
        if let at = bytes[authority].lastIndex(of: UInt8(ascii: "@")) { from = at + 1 }
        let host = from..<authority.upperBound
        if bytes[host].first == UInt8(ascii: "["), let close = bytes[host].firstIndex(of: UInt8(ascii: "]")) {
            return from..<(close + 1)
        }
        let colon = bytes[host].firstIndex(of: UInt8(ascii: ":"))
        return from..<(colon ?? authority.upperBound)
    }
}
