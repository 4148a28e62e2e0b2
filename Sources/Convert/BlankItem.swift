public import FeedModel
internal import Markup

/// Items with nothing a post could show: no title, no text, no image, video, audio or enclosure,
/// nothing but white space or invisible characters (`<p>&nbsp;</p>`, `<br/>`, a lone `<script>`,
/// a title of U+200B), and no page to come (`full_content` with a link). Stored, each was an empty
/// post, and the first of them, all hashing alike, made every later one a duplicate of it.
public enum BlankItem {
    public static func isBlank(_ item: Item, pageWillFill: Bool) -> Bool {
        guard isInvisible(item.title), item.enclosures.isEmpty, item.mediaImage == nil, item.bodyImage == nil else {
            return false
        }
        if pageWillFill, let link = item.link, !link.isEmpty { return false }
        return isInvisible(String(decoding: HTMLText.html.textUTF8(of: item.contentHTML), as: UTF8.self))
            && !showsMedia(item.contentHTML)
    }

    /// Nothing to show in its title and body text (see `isBlank`): such an item is told from
    /// another by its link or media alone (`ContentHash`).
    public static func isInvisible(_ text: String) -> Bool {
        text.unicodeScalars.allSatisfy(InvisibleText.isInvisible)
    }

    /// The same over UTF-8, stopping at the first visible character (every item's folded text
    /// is asked, and most start with one).
    static func isInvisible(_ utf8: [UInt8]) -> Bool {
        var parser = Unicode.UTF8.ForwardParser()
        var bytes = utf8.makeIterator()
        while true {
            switch parser.parseScalar(from: &bytes) {
            case .valid(let encoded):
                let scalar = Unicode.UTF8.decode(encoded)
                if !InvisibleText.isInvisible(scalar) { return false }
            case .emptyInput: return true
            case .error: return false
            }
        }
    }

    /// A player or a picture the sanitizer keeps (`<video>`, `<audio>`, `<picture>`; `<img>` is the
    /// item's body image already): something to show without a word.
    private static func showsMedia(_ html: String) -> Bool {
        guard html.utf8.contains(UInt8(ascii: "<")) else { return false }
        let lowered = html.lowercased()
        return ["<video", "<audio", "<picture", "<source"].contains { lowered.contains($0) }
    }
}
