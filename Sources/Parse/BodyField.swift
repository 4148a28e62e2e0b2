/// A body field with nothing to show: white space, or markup without a word, a picture or a
/// player (`<p> </p><br/>`, a CMS's empty `content:encoded`). The item's other body field is its
/// post then (SPEC: `content:encoded` if non-empty): the empty one won, and the post was empty.
enum BodyField {
    static func showsNothing(_ html: String) -> Bool {
        // Most bodies show a word within their first bytes: the scan stops there.
        var inTag = false
        for byte in html.utf8 {
            if inTag {
                if byte == UInt8(ascii: ">") { inTag = false }
            } else if byte == UInt8(ascii: "<") {
                inTag = true
            } else if !(byte == 0x20 || (0x09...0x0D).contains(byte)) {
                return false
            }
        }
        let lowered = html.lowercased()
        return !["<img", "<video", "<audio", "<picture", "<source", "<iframe", "<object", "<embed", "<svg", "<math"]
            .contains { lowered.contains($0) }
    }
}
