public import FeedModel
internal import Markup

/// Items with nothing a post could show: no title, no text, no image, no enclosure, nothing but
/// white space or invisible characters (`<p>&nbsp;</p>`, `<br/>`, a lone `<script>`, a title of
/// U+200B), and no page to come (`full_content` with a link). Stored, each was an empty post, and
/// the first of them, all hashing alike, made every later one a duplicate of it.
public enum BlankItem {
    public static func isBlank(_ item: Item, pageWillFill: Bool) -> Bool {
        guard isInvisible(item.title), item.enclosures.isEmpty, item.mediaImage == nil, item.bodyImage == nil else {
            return false
        }
        if pageWillFill, let link = item.link, !link.isEmpty { return false }
        return isInvisible(String(decoding: HTMLText.html.textUTF8(of: item.contentHTML), as: UTF8.self))
    }

    static func isInvisible(_ text: String) -> Bool {
        text.unicodeScalars.allSatisfy { $0.properties.isWhitespace || invisible.contains($0.value) }
    }

    /// Zero-width spaces and joiners, the word joiner, the byte order mark, the soft hyphen, the
    /// Mongolian vowel separator: none of them is white space to Unicode, and none shows.
    private static let invisible: Set<UInt32> = [0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF, 0x00AD, 0x180E]
}
