/// The host part of a URL, lower-cased, without user info or port: what host rules match.
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

    /// The server a URL names, as politeness budgets are keyed: its host, and its port when one
    /// other than the scheme's default is written (`127.0.0.1:8080`). Two ports of one address
    /// are two services, as browsers count connections: one's 429s must not hold the other back.
    static func server(of url: String) -> String {
        let host = of(url)
        guard let port = explicitPort(of: url) else { return host }
        let lowered = url.utf8.prefix(6).map { $0 | 0x20 }
        let defaultPort = lowered.starts(with: Array("https:".utf8)) ? 443 : lowered.starts(with: Array("http:".utf8)) ? 80 : nil
        return port == defaultPort ? host : host + ":" + String(port)
    }

    /// The port written in a URL's authority, if any (digits only).
    private static func explicitPort(of url: String) -> Int? {
        var url = url
        return url.withUTF8 { bytes -> Int? in
            guard let authority = authorityRange(in: bytes) else { return nil }
            let host = hostRange(in: bytes, authority: authority)
            guard host.upperBound < authority.upperBound, bytes[host.upperBound] == UInt8(ascii: ":") else { return nil }
            let digits = bytes[(host.upperBound + 1)..<authority.upperBound]
            guard !digits.isEmpty, digits.count <= 5, digits.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return nil }
            return digits.reduce(0) { $0 * 10 + Int($1 - 0x30) }
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
