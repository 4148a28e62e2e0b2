internal import FeedModel

/// Requests waiting to start, grouped by host budget and taken round-robin, so many feeds on
/// one host are spread over time while other hosts proceed. Decides only; never touches libcurl.
struct AdmissionQueue {
    /// What to do next, as seen at one instant.
    enum Next {
        case start(FetchRequest, host: String)
        /// Nothing may start now; try again after this many milliseconds (nil: when a transfer ends).
        case wait(Int64?)
    }

    private let settings: FetchSettings
    private var waiting: [String: HostLine] = [:]
    private var gates: [String: HostGate] = [:]
    /// Hosts with waiting requests, in the order they are offered a slot.
    private var rotation: [String] = []
    private var cursor = 0
    private(set) var count = 0

    init(settings: FetchSettings) {
        self.settings = settings
    }

    var isEmpty: Bool { count == 0 }

    mutating func enqueue(_ request: FetchRequest, now: Int64) {
        let (key, rule) = settings.politeness(forHost: HostName.of(request.url))
        if gates[key] == nil { gates[key] = HostGate(rule: rule, now: now) }
        if waiting[key] == nil {
            waiting[key] = HostLine()
            rotation.append(key)
        }
        waiting[key]?.append(request)
        count += 1
    }

    /// The next request allowed to start, visiting hosts round-robin from where the last one left off.
    mutating func next(now: Int64) -> Next {
        var soonest: Int64?
        var visited = 0
        while visited < rotation.count {
            if cursor >= rotation.count { cursor = 0 }
            let key = rotation[cursor]
            visited += 1
            guard let delay = gates[key]?.delayBeforeStart(now: now) else {
                cursor += 1
                continue
            }
            guard delay == 0, let request = waiting[key]?.popFirst() else {
                soonest = min(soonest ?? delay, delay)
                cursor += 1
                continue
            }
            count -= 1
            gates[key]?.started(now: now)
            if waiting[key]?.isEmpty == true { removeLine(at: cursor) } else { cursor += 1 }
            return .start(request, host: key)
        }
        return .wait(soonest)
    }

    mutating func finished(host: String) {
        gates[host]?.finished()
    }

    mutating func answered(host: String) {
        gates[host]?.answered()
    }

    /// Records a 429/503; when the host as a whole must now wait, hands back its waiting requests,
    /// which will not be attempted in this batch.
    mutating func throttled(host: String, feed: String, retryAfter: Int?, now: Int64) -> [FetchRequest] {
        guard gates[host]?.throttled(feed: feed, retryAfter: retryAfter, threshold: settings.hostBackoffFeeds,
                                     now: now) == true,
              let line = waiting.removeValue(forKey: host),
              let index = rotation.firstIndex(of: host) else { return [] }
        rotation.remove(at: index)
        if cursor > index { cursor -= 1 }
        let dropped = line.remaining
        count -= dropped.count
        return dropped
    }

    private mutating func removeLine(at index: Int) {
        waiting.removeValue(forKey: rotation[index])
        rotation.remove(at: index)
    }
}

/// One host's waiting requests; a head index instead of removeFirst keeps popping O(1).
private struct HostLine {
    private var requests: [FetchRequest] = []
    private var head = 0

    var isEmpty: Bool { head >= requests.count }
    var remaining: [FetchRequest] { Array(requests[head...]) }

    mutating func append(_ request: FetchRequest) {
        requests.append(request)
    }

    mutating func popFirst() -> FetchRequest? {
        guard head < requests.count else { return nil }
        head += 1
        return requests[head - 1]
    }
}
