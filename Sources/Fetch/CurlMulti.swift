internal import CCurl
internal import FeedModel
internal import Glibc

/// A libcurl multi handle driven by one curl_multi_poll loop. Requests wait in an `AdmissionQueue`
/// until their host's politeness budget and the global cap let them start.
/// Not Sendable: created, used and freed on one thread; only `waker` crosses threads.
final class CurlMulti {
    private let handle: UnsafeMutableRawPointer
    private let settings: FetchSettings
    private var running: [UnsafeMutableRawPointer: CurlTransfer] = [:]
    private let handles: CurlHandlePool
    private let waker: CurlWaker
    private let proxies: [Endpoint]
    /// Transfers making the first connection to an https origin, which the queue waits on.
    private var opening: [UnsafeMutableRawPointer: String] = [:]
    private var stall = StallWatch()
    /// Every connection's socket (`SocketTable`); alive through `deinit`'s cleanup, which closes
    /// the kept connections through it.
    private let sockets = SocketTable()

    init?(settings: FetchSettings, waker: CurlWaker) {
        curlGlobalInit()
        guard let handle = curl_multi_init() else { return nil }
        self.handle = handle
        self.settings = settings
        handles = CurlHandlePool(capacity: settings.concurrency)
        self.waker = waker
        proxies = ProxyEndpoints.of(settings)
        waker.attach(handle)
        // The admission queue enforces the global and per-host limits itself, and a transfer needs
        // one connection at most, so no connection cap is set here: libcurl would hold transfers
        // over it in a pending list of its own, their timeout running (see AdmissionQueue).
        // This bounds the connections libcurl keeps, in use or idle: at `concurrency`, transfers
        // stalled on one server left too few for the other hosts, whose idle connections were
        // closed to make room and opened again (with a TLS handshake) at their next poll. Four
        // times, as libcurl's own default is four per transfer added; at most a quarter of the
        // open-file limit, half of which the store may hold while a batch is made durable.
        crawler_multi_set_long(handle, CURLMOPT_MAXCONNECTS, Self.connectionsKept(concurrency: settings.concurrency))
        crawler_multi_set_long(handle, CURLMOPT_PIPELINING, Int(CURLPIPE_MULTIPLEX))
    }

    static func connectionsKept(concurrency: Int) -> Int {
        max(concurrency, min(concurrency * 4, DescriptorBudget.openFileLimit() / 4))
    }

    deinit {
        waker.invalidate()
        for (easy, _) in running {
            curl_multi_remove_handle(handle, easy)
            curl_easy_cleanup(easy)
        }
        running.removeAll()
        curl_multi_cleanup(handle)
    }

    /// Runs every request the inbox hands over, calling `deliver` with those that finished (or
    /// were deferred) in each turn of the loop, until the inbox is closed and nothing is left.
    /// One call per turn, not per result: each call wakes the consumer's thread, and a pass of a
    /// thousand quick 304s woke it about a thousand times. Returns early, reporting what ran as
    /// cancelled, once `isCancelled` turns true.
    /// While `backlogIsFull` (asked with the bytes the transfers in flight hold), nothing new
    /// starts, and transfers in flight pause rather than grow, all but one: the consumer has
    /// enough bodies to work on, and the one goes on so that something finishes.
    /// `publish` hears the engine's load every half second or so while it runs.
    func run(_ inbox: RequestInbox, isCancelled: () -> Bool, backlogIsFull: (Int) -> Bool,
             publish: (EngineLoad) -> Void, deliver: ([FetchResult]) -> Void) {
        var queue = AdmissionQueue(settings: settings)
        withoutActuallyEscaping(deliver) { deliver in
            let ready = ResultTurn(deliver: deliver)
            withoutActuallyEscaping(backlogIsFull) { backlogIsFull in
                memoryIsFull = backlogIsFull
                defer { memoryIsFull = nil }
                loop(&queue, inbox: inbox, isCancelled: isCancelled, publish: publish, ready: ready)
            }
            for transfer in running.values {
                let elapsed = Int(MonotonicClock.milliseconds() - transfer.startedAt)
                var result = FetchResult.failed(transfer.request, .cancelled, "cancelled by shutdown",
                                                milliseconds: elapsed)
                result.waitMilliseconds = transfer.waited
                ready.add(result)
            }
            ready.hand()
        }
        publish(EngineLoad())
    }

    /// Set for the length of `run`: the caller's bound on bodies held plus bodies in flight.
    private var memoryIsFull: ((Int) -> Bool)?
    private var publishedAt: Int64 = 0

    private func loop(_ queue: inout AdmissionQueue, inbox: RequestInbox, isCancelled: () -> Bool,
                      publish: (EngineLoad) -> Void, ready: ResultTurn) {
        let deliver = ready.add
        while !isCancelled() {
            defer { ready.hand() }  // after a turn that goes on without waiting, and at the end
            let (incoming, closed) = inbox.takeWaiting()
            admit(incoming, to: &queue, deliver: deliver)
            // After the admission: a request submitted just before its feed was withdrawn goes too.
            let withdrawal = inbox.takeWithdrawn()
            for request in queue.withdraw(withdrawal) {
                deliver(.failed(request, .cancelled, Self.withdrawn))
            }
            stopRunning(withdrawal, queue: &queue, deliver: deliver)
            resumePausedIfRoom()
            let wait = memoryIsFull?(inFlightBytes) == true ? nil
                : startAllowed(&queue, isCancelled: isCancelled, deliver: deliver)
            publishIfDue(queue, publish: publish)
            if running.isEmpty && queue.isEmpty {
                if closed { return }
                // Idle: a submit wakes this poll at once.
                pause(upTo: wait, handing: ready)
                continue
            }
            var stillRunning: Int32 = 0
            curl_multi_perform(handle, &stillRunning)
            stall.mark()
            let finished = collectFinished(&queue, deliver: deliver) + noteConnected(&queue)
            // Something ended or a first connection opened: more may start, so admit before sleeping.
            if finished > 0 { continue }
            // Paused transfers wait for the consumer, who wakes this poll when it releases memory.
            pause(upTo: wait, handing: ready)
        }
    }

    private static let withdrawn = "withdrawn: its feed was removed from the configuration"

    /// Stops the transfers `withdrawal` covers: a stalled feed that a reload removed held its slot,
    /// and its host's budget, until its timeout, while the host's other feeds waited.
    private func stopRunning(_ withdrawal: Withdrawal, queue: inout AdmissionQueue, deliver: (FetchResult) -> Void) {
        guard !withdrawal.isEmpty else { return }
        for (easy, transfer) in running where withdrawal.covers(transfer.submitted) {
            running.removeValue(forKey: easy)
            curl_multi_remove_handle(handle, easy)
            handles.give(easy)
            if let origin = opening.removeValue(forKey: easy) { queue.firstConnectionSettled(origin: origin) }
            queue.finished(host: transfer.host)
            var result = FetchResult.failed(transfer.submitted, .cancelled, Self.withdrawn,
                                            milliseconds: Int(MonotonicClock.milliseconds() - transfer.startedAt))
            result.waitMilliseconds = transfer.waited
            deliver(result)
        }
    }

    /// Hands over the turn's results first (none may wait out the poll), then waits up to `wait`
    /// milliseconds (a second at most) for a socket, a timer of libcurl's, or a wake-up.
    private func pause(upTo wait: Int64?, handing ready: ResultTurn) {
        ready.hand()
        let timeout = min(wait ?? 1000, 1000)
        stall.mark(thenAllow: timeout)
        curl_multi_poll(handle, nil, 0, Int32(timeout), nil)
        stall.mark()
    }

    /// Queues new requests; one for a host that asked every client to wait is deferred at once.
    private func admit(_ requests: [FetchRequest], to queue: inout AdmissionQueue, deliver: (FetchResult) -> Void) {
        guard !requests.isEmpty else { return }
        let now = MonotonicClock.milliseconds()
        for request in requests {
            guard let (host, pause) = queue.enqueue(request, now: now) else { continue }
            let seconds = Int((pause + 999) / 1000)
            deliver(.failed(request, .deferred, "not fetched; \(host) asked every client to wait \(seconds) s more",
                            retryAfter: seconds))
        }
    }

    private func publishIfDue(_ queue: AdmissionQueue, publish: (EngineLoad) -> Void) {
        let now = MonotonicClock.milliseconds()
        guard now - publishedAt >= 500 else { return }
        publishedAt = now
        let ages = running.values.map { ($0.request.feed, now - $0.startedAt) }
        publish(EngineLoad(inFlight: running.count, waiting: queue.count,
                           hosts: queue.hostWaits(now: now, limit: HostWait.shown),
                           running: Dictionary(ages, uniquingKeysWith: max)))
    }

    /// A transfer may keep a chunk while memory allows, or when every other transfer is paused.
    private func admits(_ transfer: CurlTransfer, chunk: Int) -> Bool {
        guard let memoryIsFull, memoryIsFull(inFlightBytes + chunk) else { return true }
        return !running.values.contains { $0 !== transfer && !$0.isPaused }
    }

    /// Resumes the paused transfers once there is room, or one of them when none runs.
    private func resumePausedIfRoom() {
        let paused = running.values.filter(\.isPaused)
        guard !paused.isEmpty else { return }
        if memoryIsFull?(inFlightBytes) != true {
            for transfer in paused { transfer.resume() }
        } else if !running.values.contains(where: { !$0.isPaused }) {
            paused.max { $0.body.count < $1.body.count }?.resume()
        }
    }

    /// Body bytes received so far by the transfers in flight.
    private var inFlightBytes: Int {
        running.values.reduce(0) { $0 + $1.body.count }
    }

    /// Starts what the queue allows; returns how long until more may start (nil: when one ends).
    /// Asks `isCancelled` before each start, not only once a turn: a process stopped between the
    /// two (a fleet node past its lease) must start nothing when it runs again.
    private func startAllowed(_ queue: inout AdmissionQueue, isCancelled: () -> Bool,
                              deliver: (FetchResult) -> Void) -> Int64? {
        while running.count < settings.concurrency, !isCancelled() {
            switch queue.next(now: MonotonicClock.milliseconds()) {
            case .wait(let delay):
                return delay
            case .start(let request, let host, let waited, let opens):
                start(request, host: host, waited: Int(waited), opens: opens, queue: &queue, deliver: deliver)
            }
        }
        return nil
    }

    private func start(_ request: FetchRequest, host: String, waited: Int, opens origin: String?,
                       queue: inout AdmissionQueue, deliver: (FetchResult) -> Void) {
        let problem = Credentials.problem(with: request)
        guard problem == nil, let easy = handles.take() else {
            queue.finished(host: host)
            if let origin { queue.firstConnectionSettled(origin: origin) }
            deliver(.failed(request, .other, problem ?? "libcurl could not create a handle"))
            return
        }
        launch(CurlTransfer(request: request, host: host, waited: waited, handle: easy, settings: settings,
                            proxies: proxies(for: request)), opens: origin)
    }

    /// A redirect the engine follows itself (`CurlTransfer.onward`), or a request asked again on a
    /// fresh connection (`CurlTransfer.readLeftovers`), on a handle of its own. It holds the
    /// request's slot and its host's budget until it ends.
    private func startAgain(_ request: FetchRequest, chain: RedirectChain?, after transfer: CurlTransfer,
                            fresh: Bool = false, queue: inout AdmissionQueue, deliver: (FetchResult) -> Void) {
        guard let easy = handles.take() else {
            queue.finished(host: transfer.host)
            return deliver(.failed(transfer.submitted, .other, "libcurl could not create a handle"))
        }
        launch(CurlTransfer(request: request, host: transfer.host, waited: transfer.waited, handle: easy,
                            settings: settings, proxies: proxies(for: request), chain: chain, onFreshConnection: fresh),
               opens: nil)
    }

    private func proxies(for request: FetchRequest) -> [Endpoint] {
        request.settings.proxy.map(ProxyEndpoints.of(proxy:)) ?? proxies
    }

    private func launch(_ transfer: CurlTransfer, opens origin: String?) {
        transfer.admitsChunk = { [unowned self] transfer, chunk in self.admits(transfer, chunk: chunk) }
        transfer.watch(sockets)
        running[transfer.handle] = transfer
        if let origin { opening[transfer.handle] = origin }
        curl_multi_add_handle(handle, transfer.handle)
    }

    /// Tells the queue which first connections to an https origin are now up; returns how many.
    private func noteConnected(_ queue: inout AdmissionQueue) -> Int {
        let ready = opening.filter { running[$0.key]?.connected == true }
        for (easy, origin) in ready {
            opening.removeValue(forKey: easy)
            queue.firstConnectionSettled(origin: origin)
        }
        return ready.count
    }

    private func collectFinished(_ queue: inout AdmissionQueue, deliver: (FetchResult) -> Void) -> Int {
        var queued: Int32 = 0
        var finished = 0
        while let message = curl_multi_info_read(handle, &queued) {
            guard message.pointee.msg == CURLMSG_DONE, let easy = message.pointee.easy_handle,
                  let transfer = running.removeValue(forKey: easy) else { continue }
            let code = message.pointee.data.result
            curl_multi_remove_handle(handle, easy)
            let onward = code == CURLE_OK ? transfer.onward(status: transfer.status, maxRedirects: settings.maxRedirects) : .done
            let leftovers = transfer.readLeftovers(code: code)
            var result = transfer.finish(code: code)
            handles.give(easy)
            if let origin = opening.removeValue(forKey: easy) { queue.firstConnectionSettled(origin: origin) }
            if leftovers {
                startAgain(transfer.request, chain: transfer.chain, after: transfer, fresh: true, queue: &queue, deliver: deliver)
                finished += 1
                continue
            }
            // Timed out while the crawler itself was not running: asked again, from the start.
            if (code == CURLE_OPERATION_TIMEDOUT || transfer.tooSlow != nil) && stall.stalled(since: transfer.startedAt) {
                startAgain(transfer.submitted, chain: nil, after: transfer, queue: &queue, deliver: deliver)
                finished += 1
                continue
            }
            switch onward {
            case .hop(let request, let chain):
                startAgain(request, chain: chain, after: transfer, queue: &queue, deliver: deliver)
                finished += 1
                continue
            case .tooMany(let limit, let hops):
                result = .failed(transfer.submitted, .other, RedirectText.tooMany(hops, limit: limit),
                                 milliseconds: result.milliseconds)
                result.waitMilliseconds = transfer.waited
            case .done:
                break
            }
            queue.finished(host: transfer.host)
            deliver(result)
            deferHostIfThrottled(result, host: transfer.host, queue: &queue, deliver: deliver)
            finished += 1
        }
        return finished
    }

    /// Feeds the host's answer into its politeness state; a host that asked every client to wait
    /// gets none of its remaining feeds in this batch.
    private func deferHostIfThrottled(_ result: FetchResult, host: String, queue: inout AdmissionQueue,
                                      deliver: (FetchResult) -> Void) {
        guard case .response(let response) = result.outcome else { return }
        let throttled = response.status == 429 || response.status == 503
            || (response.status == 403 && result.request.settings.throttleOn403)
        guard throttled else {
            queue.answered(host: host)
            return
        }
        let now = MonotonicClock.milliseconds()
        let wait = response.cache.retryAfter.map { min($0, settings.maxHostPauseSeconds) }
        for request in queue.throttled(host: host, feed: result.request.feed, retryAfter: wait, now: now) {
            let reason = "not fetched; \(host) throttled several feeds in a row"
                + (wait.map { " and asked to wait \($0) s (Retry-After)" } ?? "")
            deliver(.failed(request, .deferred, reason, retryAfter: wait))
        }
    }
}

/// curl_global_init is not thread-safe; run it once, before the first handle.
private let curlGlobalInitialised: Bool = {
    curl_global_init(Int(CURL_GLOBAL_DEFAULT))
    return true
}()

private func curlGlobalInit() {
    _ = curlGlobalInitialised
}

/// The results of one turn of the engine's loop, handed to the consumer together.
private final class ResultTurn {
    private var results: [FetchResult] = []
    private let deliver: ([FetchResult]) -> Void

    init(deliver: @escaping ([FetchResult]) -> Void) {
        self.deliver = deliver
    }

    func add(_ result: FetchResult) {
        results.append(result)
    }

    func hand() {
        guard !results.isEmpty else { return }
        deliver(results)
        results.removeAll(keepingCapacity: true)
    }
}
