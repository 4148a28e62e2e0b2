/// What a parse found worth telling the operator beside the feed itself: the document is stored
/// as read, but someone should know it was not what it said it was.
public struct ParseNotes: Sendable, Hashable {
    /// The encoding read, when the evidence overrode a label (HTTP charset or declaration).
    public var charset: String?
    /// Why: the evidence, then the labels (`the bytes are valid UTF-8 (http WINDOWS-1252)`).
    public var charsetReason: String?
    /// How a broken document was read anyway (libxml2's first error, with its line); nil when it
    /// was well-formed.
    public var recovered: String?
    /// The document ended inside an item: what came was not all of it, whatever its validators say.
    public var cutShort = false
    /// The first date no format could read, and how many there were (each item then has no date).
    public var unreadableDate: String?
    public var unreadableDates = 0
    /// Items with nothing to show (`BlankItem`), left out by the crawl (not by the parse).
    public var blankItems = 0
    /// Bodies too costly to parse as HTML, stored as their text alone (by the crawl, as
    /// `blankItems`), and the first such item's title (else its link or identity).
    public var bodiesReducedToText = 0
    public var reducedItem: String?

    public init() {}

    mutating func note(_ plan: CharsetDetector.Plan) {
        guard let reason = plan.reason else { return }
        charset = plan.encoding ?? "UTF-8"
        charsetReason = reason
    }

    mutating func noteUnreadable(date: String) {
        if unreadableDate == nil { unreadableDate = date }
        unreadableDates += 1
    }
}
