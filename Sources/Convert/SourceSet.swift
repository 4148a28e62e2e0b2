/// A `srcset` value (`a.jpg 1x, b.jpg 2x`) with each candidate's URL passed through `resolve`,
/// every other byte as it was. Browsers take the picture from `srcset` when there is one, so a
/// relative candidate left relative broke the picture on the site, its `src` made absolute or not.
enum SourceSet {
    static func resolving(_ value: String, with resolve: (String) -> String) -> String {
        let bytes = Array(value.utf8)
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count + 64)
        var index = 0
        while index < bytes.count {
            // Separators before a candidate: white space and commas.
            while index < bytes.count, isSpace(bytes[index]) || bytes[index] == UInt8(ascii: ",") {
                output.append(bytes[index])
                index += 1
            }
            guard index < bytes.count else { break }
            var end = index
            while end < bytes.count, !isSpace(bytes[end]) { end += 1 }
            // Commas ending the URL end the candidate (it has no descriptors); they are not the URL's.
            var urlEnd = end
            while urlEnd > index, bytes[urlEnd - 1] == UInt8(ascii: ",") { urlEnd -= 1 }
            output += Array(resolve(String(decoding: bytes[index..<urlEnd], as: UTF8.self)).utf8)
            output += bytes[urlEnd..<end]
            index = end
            if urlEnd < end { continue }
            // Descriptors (`2x`, `640w`) up to the comma that ends the candidate.
            var depth = 0
            while index < bytes.count, depth > 0 || bytes[index] != UInt8(ascii: ",") {
                if bytes[index] == UInt8(ascii: "(") { depth += 1 } else if bytes[index] == UInt8(ascii: ")") { depth = max(0, depth - 1) }
                output.append(bytes[index])
                index += 1
            }
        }
        return String(decoding: output, as: UTF8.self)
    }

    private static func isSpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0C || byte == 0x0D
    }
}
