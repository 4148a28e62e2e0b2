/// What `--node` may be: the name heads the fleet's node list in `status`, is held by one running
/// process at a time and names every log line of its node, so, as with a feed's name, two that
/// look alike (`web1` and `web1 `) or one that is blank would be nodes no one can tell apart
/// (round 61: blanks, tabs, zero-width spaces and 5,000 bytes were all taken).
public enum NodeNames {
    static let maximumBytes = 200

    public static func problem(with name: String) -> String? {
        let scalars = name.unicodeScalars
        if scalars.allSatisfy(FeedNames.isInvisible) { return "is empty; give the node a name, or leave --node out for the host's" }
        if name.utf8.count > maximumBytes { return "is \(name.utf8.count) bytes long; a node's name may be \(maximumBytes) at most" }
        if scalars.contains(where: FeedNames.breaksLines) {
            return "must be one line of text, without line breaks, tabs or other control characters"
        }
        if let first = scalars.first, let last = scalars.last, first.properties.isWhitespace || last.properties.isWhitespace {
            return "'\(FeedNames.shown(name))' begins or ends with white space, which no one sees; give it without"
        }
        if let hidden = scalars.first(where: FeedNames.isFormat) {
            return "'\(FeedNames.shown(name))' holds an invisible character (U+\(FeedNames.hex(hidden))); give it without"
        }
        return nil
    }
}
