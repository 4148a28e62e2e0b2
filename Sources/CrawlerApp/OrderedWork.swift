internal import Synchronization

/// Runs jobs on the concurrency pool, at most `limit` at a time, and hands their results back in
/// the order the jobs were added (`next`), or as they finish (`nextFinished`), each with the
/// context it was added with. The context stays
/// with the owner (it may hold non-Sendable things, such as the store); only the job crosses threads.
struct OrderedWork<Context, Output: Sendable> {
    let limit: Int
    private var queue: [(context: Context, slot: Slot)] = []

    private enum Slot {
        case running(Task<Output, Never>, Finished)
        case ready(Output)
    }

    /// Set by a job as it ends, so the owner can take finished work without waiting for any, or
    /// wait for it a while and do something else meanwhile.
    private final class Finished: Sendable {
        private let flag = Atomic<Bool>(false)
        private let waiter = Mutex<CheckedContinuation<Void, Never>?>(nil)

        func set() {
            flag.store(true, ordering: .releasing)
            waiter.withLock { $0.take() }?.resume()
        }

        var isSet: Bool { flag.load(ordering: .acquiring) }

        /// Returns once set, or once the waiting task is cancelled.
        func wait() async {
            await withTaskCancellationHandler {
                await withCheckedContinuation { continuation in
                    let resumeNow = waiter.withLock { waiting -> Bool in
                        if isSet || Task.isCancelled { return true }
                        waiting = continuation
                        return false
                    }
                    if resumeNow { continuation.resume() }
                }
            } onCancel: {
                waiter.withLock { $0.take() }?.resume()
            }
        }
    }

    init(limit: Int) {
        self.limit = max(1, limit)
    }

    /// True when as many jobs wait as may run at once: take one with `next()` before adding more.
    var isFull: Bool { queue.count >= limit }
    var isEmpty: Bool { queue.isEmpty }

    /// True when `next()` would return at once: the oldest entry's job has finished (or had none).
    var oldestIsFinished: Bool {
        switch queue.first?.slot {
        case .ready?: return true
        case .running(_, let finished)?: return finished.isSet
        case nil: return false
        }
    }

    /// Adds a job to run off the owner's thread. Jobs run at utility priority so the owner's own
    /// continuation never queues behind a row of them: the owner feeds the store, which must not wait.
    mutating func add(_ context: Context, job: @escaping @Sendable () -> Output) {
        let finished = Finished()
        let task = Task.detached(priority: .utility) {
            let output = job()
            finished.set()
            return output
        }
        queue.append((context, .running(task, finished)))
    }

    /// Adds a result that needs no work, to keep its place in the order.
    mutating func add(_ context: Context, ready: Output) {
        queue.append((context, .ready(ready)))
    }

    /// Waits at most `limit` for the oldest entry's job; true once it has finished (or nothing waits).
    func oldestFinishes(within limit: Duration) async -> Bool {
        guard case .running(_, let finished)? = queue.first?.slot, !finished.isSet else { return true }
        return await Self.anyOf([finished], within: limit)
    }

    /// True when `nextFinished()` would return at once: some entry's job has finished (or had none).
    var anyIsFinished: Bool { queue.contains { Self.isFinished($0.slot) } }

    private static func isFinished(_ slot: Slot) -> Bool {
        switch slot {
        case .ready: return true
        case .running(_, let finished): return finished.isSet
        }
    }

    /// Waits at most `limit` for any entry's job; true once one has finished (or nothing waits).
    func anyFinishes(within limit: Duration) async -> Bool {
        let running = queue.compactMap { entry -> Finished? in
            if case .running(_, let finished) = entry.slot { return finished }
            return nil
        }
        guard running.count == queue.count, !running.contains(where: \.isSet), !running.isEmpty else { return true }
        return await Self.anyOf(running, within: limit)
    }

    /// True once any of `jobs` has finished, false when `limit` passes first.
    private static func anyOf(_ jobs: [Finished], within limit: Duration) async -> Bool {
        await withTaskGroup(of: Bool.self) { group in
            for finished in jobs {
                group.addTask {
                    await finished.wait()
                    return true
                }
            }
            group.addTask {
                try? await Task.sleep(for: limit)
                return false
            }
            let first = await group.next() ?? true
            group.cancelAll()
            return first
        }
    }

    /// The oldest entry whose job has finished, out of turn: a long job holds back no entry added
    /// after it (round 55: every healthy feed's reading waited behind one feed that took seconds
    /// to read, and with the window full the daemon's loop waited too). Nil when none has finished.
    mutating func nextFinished() async -> (context: Context, output: Output)? {
        guard let index = queue.firstIndex(where: { Self.isFinished($0.slot) }) else { return nil }
        let (context, slot) = queue.remove(at: index)
        switch slot {
        case .ready(let output): return (context, output)
        case .running(let job, _): return (context, await job.value)
        }
    }

    /// The oldest entry, once its job has finished; nil when nothing waits.
    mutating func next() async -> (context: Context, output: Output)? {
        guard !queue.isEmpty else { return nil }
        let (context, slot) = queue.removeFirst()
        switch slot {
        case .ready(let output): return (context, output)
        case .running(let job, _): return (context, await job.value)
        }
    }
}
