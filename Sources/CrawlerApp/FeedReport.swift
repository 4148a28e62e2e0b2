public import FeedModel

/// What one pass did to one feed: the data behind its log line and its summary line.
public struct FeedReport: Sendable {
    public enum Status: Sendable, Hashable {
        /// HTTP response that was processed (200) or skipped as unchanged (304).
        case ok(Int)
        case failed(String)
        /// Not fetched: its host asked every client to wait. Neither a success nor a failure.
        case deferred(String)
    }

    public var feed: String
    public var url: String
    /// The URL asked instead, when it is not `url`: the one a permanent redirect led to.
    public var fetchedURL: String?
    public var httpStatus: Int?
    public var status: Status
    public var bytes: Int = 0
    public var milliseconds: Int = 0
    /// Time spent queued for a slot before the transfer started (not part of `milliseconds`).
    public var waitMilliseconds: Int = 0
    public var items: Int = 0
    public var new: Int = 0
    public var duplicates: Int = 0
    /// Documents rewritten in place because their item changed (`revisions: replace`), and later
    /// versions only recorded (`keep-first`).
    public var replaced: Int = 0
    public var versionsRecorded: Int = 0
    /// Duplicates of documents no configured feed owned (an index rebuilt, a feed moved and
    /// renamed), now this feed's.
    public var adopted: Int = 0
    /// Duplicates of posts another feed had adopted, no feed's now that this one carries them too.
    public var contested: Int = 0
    /// The posts edited by hand that held back a later version of their item (recorded, not written).
    public var heldByEdit: [String] = []
    /// Of `versionsRecorded`, the corrections of a post held until the other feeds carrying it answer.
    public var awaitingOthers = 0
    /// Why the feed's items were not all read (`max_items`, `time_limit`); nil when they were.
    public var cut: String?
    /// New documents left for a later day by `max_documents_per_day`.
    public var held = 0
    /// Items left out until the next fetch: their page (`full_content`) or images (`images:
    /// local`) are not back yet. Round 59: a feed whose pages all failed read "0 new, 0 dup".
    public var waiting = 0
    /// The daily budget, when this pass reached it (logged once per feed per day).
    public var dailyBudgetReached: Int?
    /// What the parse noticed about the document, as log keys and values (`ParseNotes.logMetadata`).
    public var parseNotes: [(key: String, value: String)] = []
    /// The response's Last-Modified, not kept as a validator: too far ahead of our clock.
    public var ignoredLastModified: String?
    /// The server's Retry-After, when it could not be read.
    public var ignoredRetryAfter: String?
    /// The content was known unchanged (a 304, or a body identical to the last one) and not parsed.
    public var unchanged = false
    /// New documents whose link and date a post of this feed has under another identity (a guid
    /// changed at every edit): the first one's identity, the earlier one's, and how many.
    public var churnedIdentity: (item: String, earlier: String, count: Int)?
    /// Its error is one of its documents the store would not name (a folder at its path): the feed
    /// failed, but the store works, and stored the rest of the batch.
    public var documentRefused = false
    /// When the feed is due next (nil: never, it is gone), and why.
    public var nextDue: Timestamp?
    public var nextReason: String?
    /// Failures in a row before this fetch, to tell "recovered" and "failing" transitions.
    public var previousErrors = 0
    /// When the feed was fetched before this fetch, to tell when a silence began.
    public var previousFetch: Timestamp?
    /// The feed's state after this fetch, as saved.
    public var state: FeedState? {
        get { savedState?.state }
        set { savedState = newValue.map(SavedState.init) }
    }
    /// Boxed: a report is copied several times on its way to the summary, and an inline state
    /// (ten strings, ~260 bytes) doubled its size and the retains of each copy.
    private var savedState: SavedState?

    init(feed: String, url: String, status: Status) {
        self.feed = feed
        self.url = url
        self.status = status
    }

    public var succeeded: Bool {
        if case .ok = status { return true }
        return false
    }

    public var error: String? {
        if case .failed(let reason) = status { return reason }
        return nil
    }

    /// Why the feed was not fetched, when its host held it back.
    public var deferral: String? {
        if case .deferred(let reason) = status { return reason }
        return nil
    }
}

/// The whole pass: every feed's report plus totals.
public struct PassSummary: Sendable {
    public var reports: [FeedReport]
    public var milliseconds: Int
    /// Documents `keep:` forgot in the pass.
    public var forgotten = 0

    public var failed: Int { reports.filter { $0.error != nil }.count }
    public var deferred: Int { reports.filter { $0.deferral != nil }.count }
    public var new: Int { reports.reduce(0) { $0 + $1.new } }
    public var duplicates: Int { reports.reduce(0) { $0 + $1.duplicates } }
    public var bytes: Int { reports.reduce(0) { $0 + $1.bytes } }
}

/// An immutable box, so that a report keeps value semantics: setting `state` replaces the box.
private final class SavedState: Sendable {
    let state: FeedState
    init(_ state: FeedState) { self.state = state }
}
