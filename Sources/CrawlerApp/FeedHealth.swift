public import FeedModel

/// How a configured feed is doing, in one word for `crawler status` and monitoring checks. Pure.
public enum FeedHealth: Sendable, Hashable {
    case ok
    /// Failed lately, fewer times in a row than makes it failing: being retried.
    case retrying(errors: Int)
    /// Failed `failingAfter` times in a row or more (what `feed_failing` announces).
    case failing(errors: Int)
    /// Answered 410 Gone: not polled until its URL changes.
    case gone
    case silent(FeedSilence)
    case neverFetched
    /// In the store, no longer in the configuration.
    case removed
    /// In the configuration with `enabled: false`.
    case disabled
    /// Its server answered, but the store failed to keep what it brought (a full or failing
    /// disk): not the feed's failure, so not counted as one, yet nothing of it is being stored.
    case storeFailed

    public static func of(_ state: FeedState?, now: Timestamp) -> FeedHealth {
        guard let state else { return .neverFetched }
        if state.gone { return .gone }
        if state.consecutiveErrors >= PollBoundsDefaults.failingAfter { return .failing(errors: state.consecutiveErrors) }
        if state.consecutiveErrors > 0 { return .retrying(errors: state.consecutiveErrors) }
        // Round 59: such a feed read `ok`, and `status --failing` exited 0, while nothing was stored.
        if state.lastError?.hasPrefix("store: ") == true { return .storeFailed }
        // A state without a fetch: planned, and held back by its host so far.
        if state.lastFetch == nil { return .neverFetched }
        if let silence = FeedSilence.of(state, now: now) { return .silent(silence) }
        return .ok
    }

    /// What a monitoring check should page for: failing and gone feeds.
    public var needsAttention: Bool {
        switch self {
        case .failing, .gone, .storeFailed: return true
        default: return false
        }
    }

    /// The state's name alone, for JSON (`quiet_seconds` says how long a silence is).
    public var name: String {
        if case .silent = self { return "silent" }
        return word { _ in "" }
    }

    /// One word (two for a silence: how long), for the table.
    public func word(_ duration: (Int64) -> String) -> String {
        switch self {
        case .ok: return "ok"
        case .retrying: return "retrying"
        case .failing: return "failing"
        case .gone: return "gone"
        case .silent(let silence): return "silent \(duration(silence.quietSeconds))"
        case .neverFetched: return "never fetched"
        case .removed: return "removed"
        case .disabled: return "disabled"
        case .storeFailed: return "store failing"
        }
    }
}
