internal import FeedModel

/// Requests waiting to start, grouped by host budget and taken round-robin, so many feeds on
/// one host are spread over time while other hosts proceed. Decides only; never touches libcurl.
///
/// This is the only queue a request waits in: what it hands out is added to libcurl at once and
/// may connect at once (libcurl's timeout counts from then), so time spent here is reported apart
/// (`waited`) and never eats into a transfer's `timeout`. Waiting for an HTTP/2 connection to
/// share is done here too, not by libcurl's PIPEWAIT: the first transfer to an https origin
/// opens its connection alone, and the origin's other transfers start once it is open (sharing
/// it when the server speaks HTTP/2) or failed.
struct AdmissionQueue {
    /// What to do next, as seen at one instant.
    enum Next {
        /// `waited`: milliseconds since it was queued. `opens`: the https origin whose first
        /// connection this transfer makes; tell `firstConnectionSettled(origin:)` once it is up or failed.
        case start(FetchRequest, host: String, waited: Int64, opens: String?)
        /// Nothing may start now; try again after this many milliseconds (nil: when a transfer
        /// ends or a connection opens).
        case wait(Int64?)
    }

    private let settings: FetchSettings
    private var waiting: [String: HostLine] = [:]
    private var gates: [String: HostGate] = [:]
    /// Hosts with waiting requests, in the order they are offered a slot.
    private var rotation: [String] = []
    private var cursor = 0
    private(set) var count = 0
    /// https origins whose first connection is being made: their other transfers wait for it.
    private var opening: Set<String> = []
    /// https origins with a connection made in this session: their transfers start freely.
    private var opened: Set<String> = []

    init(settings: FetchSettings) {
        self.settings = settings
    }

    var isEmpty: Bool { count == 0 }

    /// Queues `request`; when its host asked every client to wait and that wait is not over,
    /// queues nothing and returns the host and the milliseconds left.
    @discardableResult
    mutating func enqueue(_ request: FetchRequest, now: Int64) -> (host: String, pause: Int64)? {
        let (key, rule) = settings.politeness(forURL: request.url)
        if gates[key] == nil { gates[key] = HostGate(rule: rule, now: now) }
        if let until = gates[key]?.pausedUntil, until > now { return (key, until - now) }
        if waiting[key] == nil {
            waiting[key] = HostLine()
            rotation.append(key)
        }
        waiting[key]?.append(.init(request: request, since: now, origin: HostName.httpsOrigin(of: request.url)))
        count += 1
        if request.priority == .feed { feedsWaiting += 1 }
        return nil
    }

    /// Hosts with requests waiting, most waiting first, then hosts held back because they
    /// throttled several feeds (their feeds were deferred, so none waits here), at most `limit`.
    func hostWaits(now: Int64, limit: Int) -> [HostWait] {
        var all = waiting.compactMap { key, line in
            // Asked of a copy: whether the host itself would let one start now.
            var gate = gates[key]
            let hostAllows = gate?.delayBeforeStart(now: now) == 0
            return line.first.map { HostWait(host: key, waiting: line.count, oldestMilliseconds: max(0, now - $0.since),
                                             heldMilliseconds: gates[key]?.pausedUntil.map { max(0, $0 - now) } ?? 0,
                                             forSlot: hostAllows) }
        }
        all.sort { ($0.waiting, $0.oldestMilliseconds, $1.host) > ($1.waiting, $1.oldestMilliseconds, $0.host) }
        let held = gates.compactMap { key, gate -> HostWait? in
            guard waiting[key] == nil, let until = gate.pausedUntil, until > now else { return nil }
            return HostWait(host: key, waiting: 0, oldestMilliseconds: 0, heldMilliseconds: until - now)
        }
        return Array((all + held.sorted { ($0.heldMilliseconds, $1.host) > ($1.heldMilliseconds, $0.host) }).prefix(limit))
    }

    /// The next request allowed to start, visiting hosts round-robin from where the last one left
    /// off: first only the hosts with a feed waiting, so a slot goes to a feed before any page or
    /// image (`FetchPriority`), then every host.
    mutating func next(now: Int64) -> Next {
        if feedsWaiting > 0, case .start(let request, let host, let waited, let opens) = next(now: now, feedsOnly: true) {
            return .start(request, host: host, waited: waited, opens: opens)
        }
        return next(now: now, feedsOnly: false)
    }

    /// Requests of `FetchPriority.feed` waiting.
    private var feedsWaiting = 0

    private mutating func next(now: Int64, feedsOnly: Bool) -> Next {
        var soonest: Int64?
        var visited = 0
        while visited < rotation.count {
            if cursor >= rotation.count { cursor = 0 }
            let key = rotation[cursor]
            visited += 1
            if feedsOnly, waiting[key]?.first?.request.priority != .feed {
                cursor += 1
                continue
            }
            guard let delay = gates[key]?.delayBeforeStart(now: now) else {
                cursor += 1
                continue
            }
            guard delay == 0, let head = waiting[key]?.first else {
                soonest = min(soonest ?? delay, delay)
                cursor += 1
                continue
            }
            let origin = head.origin
            if let origin, opening.contains(origin) {
                cursor += 1
                continue
            }
            _ = waiting[key]?.popFirst()
            count -= 1
            if head.request.priority == .feed { feedsWaiting -= 1 }
            gates[key]?.started(now: now)
            if waiting[key]?.isEmpty == true { removeLine(at: cursor) } else { cursor += 1 }
            let opens = origin.flatMap { opened.contains($0) ? nil : $0 }
            if let opens { opening.insert(opens) }
            return .start(head.request, host: key, waited: max(0, now - head.since), opens: opens)
        }
        return .wait(soonest)
    }

    /// The first connection to `origin` is up (TLS and protocol agreed), or its transfer ended
    /// without one: the origin's other transfers may start. On an HTTP/2 connection libcurl
    /// multiplexes them; after a failure each tries on its own, at once rather than one by one
    /// (a server whose handshake stalls would otherwise cost its feeds a connect timeout each).
    mutating func firstConnectionSettled(origin: String) {
        opening.remove(origin)
        opened.insert(origin)
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
        feedsWaiting -= dropped.filter { $0.request.priority == .feed }.count
        return dropped.map(\.request)
    }

    /// Takes the waiting requests `withdrawal` covers out of the queue and returns them.
    mutating func withdraw(_ withdrawal: Withdrawal) -> [FetchRequest] {
        guard !withdrawal.isEmpty else { return [] }
        var taken: [FetchRequest] = []
        for index in rotation.indices.reversed() {
            let key = rotation[index]
            guard let removed = waiting[key]?.removeAll(where: { withdrawal.covers($0.request) }), !removed.isEmpty else {
                continue
            }
            taken += removed.map(\.request)
            count -= removed.count
            feedsWaiting -= removed.filter { $0.request.priority == .feed }.count
            if waiting[key]?.isEmpty == true {
                removeLine(at: index)
                if cursor > index { cursor -= 1 }
            }
        }
        return taken
    }

    private mutating func removeLine(at index: Int) {
        waiting.removeValue(forKey: rotation[index])
        rotation.remove(at: index)
    }
}

/// One host's waiting requests, feeds ahead of pages and images, each kind in the order queued.
private struct HostLine {
    struct Waiting {
        var request: FetchRequest
        /// When it was queued (milliseconds on the queue's clock).
        var since: Int64
        /// Its https origin, if it has one (see `HostName.httpsOrigin`).
        var origin: String?
    }

    private var feeds = FIFO()
    private var pages = FIFO()

    var isEmpty: Bool { feeds.isEmpty && pages.isEmpty }
    var count: Int { feeds.count + pages.count }
    var remaining: [Waiting] { feeds.remaining + pages.remaining }
    var first: Waiting? { feeds.first ?? pages.first }

    mutating func append(_ waiting: Waiting) {
        if waiting.request.priority == .feed { feeds.append(waiting) } else { pages.append(waiting) }
    }

    mutating func popFirst() -> Waiting? {
        feeds.popFirst() ?? pages.popFirst()
    }

    mutating func removeAll(where shouldGo: (Waiting) -> Bool) -> [Waiting] {
        feeds.removeAll(where: shouldGo) + pages.removeAll(where: shouldGo)
    }

    /// A head index instead of removeFirst keeps popping O(1).
    private struct FIFO {
        private var requests: [Waiting] = []
        private var head = 0

        var isEmpty: Bool { head >= requests.count }
        var count: Int { requests.count - head }
        var remaining: [Waiting] { Array(requests[head...]) }
        var first: Waiting? { head < requests.count ? requests[head] : nil }

        mutating func append(_ waiting: Waiting) {
            requests.append(waiting)
        }

        mutating func popFirst() -> Waiting? {
            guard head < requests.count else { return nil }
            head += 1
            return requests[head - 1]
        }

        mutating func removeAll(where shouldGo: (Waiting) -> Bool) -> [Waiting] {
            let waiting = requests[head...]
            let gone = waiting.filter(shouldGo)
            guard !gone.isEmpty else { return [] }
            requests = waiting.filter { !shouldGo($0) }
            head = 0
            return gone
        }
    }
}
