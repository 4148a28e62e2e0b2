public import FeedModel

/// One thing an operator should hear about, as it goes into a digest: a feed started failing,
/// recovered, went (410) or fell silent, or the store failed.
public struct AlertEvent: Sendable, Hashable {
    public enum Kind: String, Sendable {
        case feedFailing = "feed_failing"
        case feedRecovered = "feed_recovered"
        case feedGone = "feed_gone"
        case feedSilent = "feed_silent"
        case storeError = "store_error"
    }

    public var kind: Kind
    public var feed: String?
    public var url: String?
    public var time: Timestamp
    public var error: String?
    /// feed_failing: failures in a row; store_error: feeds of the pass it failed.
    public var count: Int?
    /// feed_silent: how long, against what rhythm.
    public var silence: FeedSilence?

    /// The event's JSON object (see README, "Alerts"): numbers as numbers, times in RFC 3339.
    var fields: [String: Any] {
        var fields: [String: Any] = ["event": kind.rawValue, "time": time.rfc3339]
        if let feed { fields["feed"] = feed }
        if let url { fields["url"] = SecretRedaction.redact(url) }
        if let error { fields["error"] = SecretRedaction.redact(error) }
        switch kind {
        case .feedFailing: fields["errors"] = count ?? 0
        case .feedRecovered: fields["after"] = count ?? 0
        case .storeError: fields["feeds"] = count ?? 0
        case .feedGone: break
        case .feedSilent:
            if let silence {
                fields["last_new"] = silence.lastNew.rfc3339
                fields["quiet_seconds"] = Int(silence.quietSeconds)
                if let usual = silence.usualGapSeconds { fields["usual_gap_seconds"] = Int(usual) }
            }
        }
        return fields
    }
}
