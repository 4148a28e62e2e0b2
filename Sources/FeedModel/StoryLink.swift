/// A link as the story it points to: without the parameters that only say where a reader came
/// from (`utm_*`, click identifiers, mailing-list stamps), which some feeds stamp anew on every
/// fetch. The fragment stays: `/changelog#v1` and `#v2` are two releases.
public enum StoryLink {
    public static func key(_ link: String) -> String {
        guard let question = link.firstIndex(of: "?") else { return link }
        let end = link[question...].firstIndex(of: "#") ?? link.endIndex
        let parameters = link[link.index(after: question)..<end].split(separator: "&", omittingEmptySubsequences: false)
        let kept = parameters.filter { !isTracking($0) }
        guard kept.count < parameters.count else { return link }
        return String(link[..<question]) + (kept.isEmpty ? "" : "?" + kept.joined(separator: "&")) + link[end...]
    }

    /// Click and share stamps, and the signatures CDNs put on each fetch's media URLs (Facebook's
    /// and Instagram's `oh`/`oe`/`_nc_*`, CloudFront's `Expires`/`Signature`/`Key-Pair-Id`, S3's
    /// `X-Amz-*`): none names another story or another image.
    private static let trackingNames: Set<String> = [
        "fbclid", "gclid", "dclid", "gbraid", "wbraid", "msclkid", "yclid", "igshid", "igsh", "si", "spm",
        "mc_cid", "mc_eid", "_hsenc", "_hsmi", "mkt_tok", "ref_src", "ref_url", "_ga", "_gl", "s_cid", "ncid", "ocid",
        "oh", "oe", "expires", "signature", "key-pair-id",
    ]

    private static func isTracking(_ parameter: Substring) -> Bool {
        var name = (parameter.split(separator: "=", maxSplits: 1).first ?? parameter).lowercased()[...]
        // `&amp;utm_campaign=` escaped twice over in the feed reads as `amp;utm_campaign`.
        while name.hasPrefix("amp;") { name = name.dropFirst(4) }
        return name.hasPrefix("utm_") || name.hasPrefix("_nc_") || name.hasPrefix("x-amz-") || trackingNames.contains(String(name))
    }
}

/// Whether an item's new version under an identity already stored is the same story (a
/// correction) or another one told under a reused guid (stored beside it, never over it).
public enum SameStory {
    /// The same link (tracking parameters aside), or either unknown: the same story. Another
    /// link is another story (a short guid reused, `latest`, `7`), unless the guid names one post
    /// the world over (a URL, a `tag:` or `urn:` name) and the item's own date is the stored
    /// version's: WordPress keeps a corrected post's guid (`…/?p=123`) and date while its
    /// permalink follows the corrected title, and that correction was stored as a second post.
    public static func holds(storedLink: String?, storedDate: Int64?, _ document: Document) -> Bool {
        guard let stored = storedLink, !stored.isEmpty, let link = document.source?.item.link, !link.isEmpty else {
            return true
        }
        if stored == link || StoryLink.key(stored) == StoryLink.key(link) { return true }
        guard let storedDate, let item = document.source?.item, let guid = item.id, isUniversal(guid),
              let own = item.published ?? item.updated else { return false }
        return own.secondsSince1970 == storedDate && document.date == own
    }

    /// A guid made to name one post anywhere: an absolute URL or URI (`https://…/?p=123`,
    /// `tag:blogger.com,1999:blog-1.post-2`, `urn:uuid:…`).
    static func isUniversal(_ guid: String) -> Bool {
        let lowered = guid.lowercased()
        return lowered.contains("://") || lowered.hasPrefix("tag:") || lowered.hasPrefix("urn:")
    }

    /// Without a guid an item is known by its link, and a feed that gives its one item of the day
    /// the same link every day ("word of the day") had each day's post written over the day
    /// before's. Another title under another date of the feed's own is another day's story; a
    /// correction keeps its date and title. `storedTitle` is read only when the rest holds.
    public static func isAnotherDay(storedDate: Int64?, storedTitle: () -> String?, _ document: Document) -> Bool {
        guard let item = document.source?.item, item.id?.isEmpty ?? true, let own = item.published ?? item.updated,
              document.date == own, let storedDate, own.secondsSince1970 != storedDate,
              let title = storedTitle() else { return false }
        return title != item.title
    }

    /// The identity a story of another day takes beside the link's.
    public static func dayIdentity(_ document: Document) -> String {
        document.itemIdentity + "\n" + String(document.date.secondsSince1970)
    }
}
