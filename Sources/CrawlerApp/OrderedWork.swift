/// Runs jobs on the concurrency pool, at most `limit` at a time, and hands their results back in
/// the order the jobs were added, each with the context it was added with. The context stays
/// with the owner (it may hold non-Sendable things, such as the store); only the job crosses threads.
struct OrderedWork<Context, Output: Sendable> {
    let limit: Int
    private var queue: [(context: Context, slot: Slot)] = []

    private enum Slot {
        case running(Task<Output, Never>)
        case ready(Output)
    }

    init(limit: Int) {
        self.limit = max(1, limit)
    }

    /// True when as many jobs wait as may run at once: take one with `next()` before adding more.
    var isFull: Bool { queue.count >= limit }
    var isEmpty: Bool { queue.isEmpty }

    /// Adds a job to run off the owner's thread. Jobs run at utility priority so the owner's own
    /// continuation never queues behind a row of them: the owner feeds the store, which must not wait.
    mutating func add(_ context: Context, job: @escaping @Sendable () -> Output) {
        queue.append((context, .running(Task.detached(priority: .utility) { job() })))
    }

    /// Adds a result that needs no work, to keep its place in the order.
    mutating func add(_ context: Context, ready: Output) {
        queue.append((context, .ready(ready)))
    }

    /// The oldest entry, once its job has finished; nil when nothing waits.
    mutating func next() async -> (context: Context, output: Output)? {
        guard !queue.isEmpty else { return nil }
        let (context, slot) = queue.removeFirst()
        switch slot {
        case .ready(let output): return (context, output)
        case .running(let job): return (context, await job.value)
        }
    }
}
