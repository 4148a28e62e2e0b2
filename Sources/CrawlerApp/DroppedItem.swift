internal import FeedModel
internal import Logging

/// An item a feed's `block:` or `keep:` rules kept out of the store: not stored, not marked seen
/// (a later change of the rules lets it in), logged at debug on every pass that reads it.
struct DroppedItem: Sendable, Hashable {
    var title: String
    var identity: String
    var link: String?
    var reason: String

    init(item: Item, reason: String) {
        title = item.title
        identity = item.identity
        link = item.link
        self.reason = reason
    }

    func log(feed: String, to logger: Logger) {
        var metadata: Logger.Metadata = ["feed": "\(feed)", "item": "\(identity)", "title": "\(title)", "reason": "\(reason)"]
        if let link { metadata["link"] = "\(link)" }
        logger.debug("item_dropped", metadata: metadata)
    }
}
