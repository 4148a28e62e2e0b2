/// The user info of a URL (`user:password@`), which only the operator's own feeds.yaml may hold:
/// a fetched URL keeps it (libcurl reports the URL it fetched, credentials and all), and what is
/// derived from one (a redirect kept in the state, the base of an item's relative links, which
/// end up in published documents and in Referer headers) must not.
/// Read as libcurl reads it: up to the last `@` before the first `/`, `?` or `#` after `://`.
public enum URLUserInfo {
    /// `url` without its user info; itself when it has none.
    public static func removed(from url: String) -> String {
        guard let range = range(in: url) else { return url }
        var bytes = Array(url.utf8)
        bytes.removeSubrange(range)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// `url` with the user info of `source` in place of its own (none if `source` has none).
    public static func carried(from source: String, to url: String) -> String {
        let bare = removed(from: url)
        guard let range = range(in: source), let start = authorityStart(Array(bare.utf8)) else { return bare }
        var bytes = Array(bare.utf8)
        bytes.insert(contentsOf: Array(source.utf8)[range], at: start)
        return String(decoding: bytes, as: UTF8.self)
    }

    public static func has(_ url: String) -> Bool {
        range(in: url) != nil
    }

    /// The bytes of `user:password@`, the `@` included.
    static func range(in url: String) -> Range<Int>? {
        let bytes = Array(url.utf8)
        guard let start = authorityStart(bytes) else { return nil }
        let end = bytes[start...].firstIndex { $0 == UInt8(ascii: "/") || $0 == UInt8(ascii: "?") || $0 == UInt8(ascii: "#") }
            ?? bytes.endIndex
        guard let at = bytes[start..<end].lastIndex(of: UInt8(ascii: "@")) else { return nil }
        return start..<(at + 1)
    }

    /// Just after the first `://`.
    private static func authorityStart(_ bytes: [UInt8]) -> Int? {
        guard bytes.count >= 3 else { return nil }
        for index in 0...(bytes.count - 3)
        where bytes[index] == UInt8(ascii: ":") && bytes[index + 1] == UInt8(ascii: "/") && bytes[index + 2] == UInt8(ascii: "/") {
            return index + 3
        }
        return nil
    }
}
