/// Which URLs a kept attribute may hold, judged as a browser reads them: after the parser decoded
/// character references, with the white space and controls the URL parser strips taken out.
enum URLPolicy {
    static let schemes: Set<String> = ["http", "https", "mailto"]
    static let imageTypes: Set<String> = ["png", "gif", "jpeg", "jpg", "webp", "avif", "bmp"]

    /// A reference without a scheme is allowed: it is resolved against an http(s) base or left
    /// relative (never against any other base), so it ends up on the page's own http(s) origin.
    static func allows(_ value: String, dataImage: Bool) -> Bool {
        guard let scheme = scheme(of: value) else { return true }
        if schemes.contains(scheme.name) { return true }
        return dataImage && scheme.name == "data" && isRasterImage(scheme.rest)
    }

    /// `srcset`: every piece between white space and commas is a URL or a descriptor; a piece a
    /// browser reads as the start of a URL is then the start of one of these pieces.
    static func allowsSourceSet(_ value: String) -> Bool {
        value.split(whereSeparator: { $0 == "," || $0.isWhitespace })
            .allSatisfy { scheme(of: String($0)).map { ["http", "https"].contains($0.name) } ?? true }
    }

    /// The scheme, lower-cased, and what follows its colon; nil for a relative reference.
    static func scheme(of value: String) -> (name: String, rest: String)? {
        // The URL parser drops tabs and newlines anywhere and trims C0 controls and spaces.
        let bytes = value.utf8.filter { $0 != 0x09 && $0 != 0x0A && $0 != 0x0D }
        let start = bytes.firstIndex { $0 > 0x20 } ?? bytes.count
        for index in start..<bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: ":") {
                guard index > start else { return nil }
                return (String(decoding: bytes[start..<index], as: UTF8.self).lowercased(),
                        String(decoding: bytes[(index + 1)...], as: UTF8.self))
            }
            let lower = byte | 0x20
            let isLetter = lower >= UInt8(ascii: "a") && lower <= UInt8(ascii: "z")
            let isOther = (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")) || byte == UInt8(ascii: "+")
                || byte == UInt8(ascii: "-") || byte == UInt8(ascii: ".")
            guard isLetter || (index > start && isOther) else { return nil }
        }
        return nil
    }

    private static func isRasterImage(_ rest: String) -> Bool {
        let lower = rest.lowercased()
        guard lower.hasPrefix("image/") else { return false }
        let type = lower.dropFirst(6).prefix { $0 != ";" && $0 != "," }
        return imageTypes.contains(String(type))
    }
}
