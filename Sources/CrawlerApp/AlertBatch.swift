/// Where a digest goes: `notify: command:` and `notify: webhook:`. Each is sent to and retried on
/// its own: a webhook that was down gets the events again, a command that took them does not.
public enum AlertTarget: String, Sendable, CaseIterable {
    case command
    case webhook
}

/// The events of one digest as one target gets them, and how many did not fit (`dropped`).
public struct AlertBatch: Sendable, Equatable {
    public var events: [AlertEvent] = []
    public var dropped = 0

    public var isEmpty: Bool { events.isEmpty && dropped == 0 }

    /// `earlier` first, then `later`, at most `limit` events: the rest are counted as dropped,
    /// as the digest counts events past its cap (the oldest are the ones an operator has not heard).
    static func merging(_ earlier: AlertBatch, _ later: AlertBatch, limit: Int) -> AlertBatch {
        var all = earlier.events
        for event in later.events {
            // Still one store_error a digest: a later one adds its feeds to the one kept.
            if event.kind == .storeError, let index = all.firstIndex(where: { $0.kind == .storeError }) {
                all[index].count = (all[index].count ?? 0) + (event.count ?? 0)
            } else {
                all.append(event)
            }
        }
        let kept = Array(all.prefix(limit))
        return AlertBatch(events: kept, dropped: earlier.dropped + later.dropped + (all.count - kept.count))
    }
}
