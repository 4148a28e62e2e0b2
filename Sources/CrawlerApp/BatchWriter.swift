internal import Dispatch
internal import FeedModel
internal import Store
internal import Synchronization

/// Stores one batch on a thread of its own while the pipeline gathers the next, so parsing and
/// storing overlap instead of taking turns: a batch's file creation, syncs and index commits
/// used to stop every reader for as long as they lasted. At most one batch is in flight; the
/// next one waits for it, which bounds memory to two batches.
///
/// The store has one owner at a time: the pipeline does not touch it from `start` until
/// `finish` has returned, and callers deliver a batch's reports (whose callbacks may use the
/// store's connection, as the fleet's lease renewal does) before starting the next batch.
struct BatchWriter {
    private let store: any CrawlStore
    // Blocking I/O belongs on its own thread, not on the concurrency pool's few.
    private let queue = DispatchQueue(label: "crawler.store-writer")
    private var inFlight: (task: Task<[FeedReport], Never>, done: DoneFlag)?

    init(store: any CrawlStore) {
        self.store = store
    }

    /// True when a batch was stored and its reports wait: take them with `finish` now, since a
    /// caller's progress callback may have work that must not wait for the next batch (leases).
    var hasFinished: Bool { inFlight?.done.isSet ?? false }

    /// Hands `batch` to the writer thread. Call `finish` first if a batch is in flight.
    mutating func start(_ batch: StoreBatch, at now: Timestamp) {
        precondition(inFlight == nil, "one batch in flight at a time")
        let handoff = Handoff(batch: batch, store: store)
        let queue = self.queue, done = DoneFlag()
        let task = Task.detached {
            await withCheckedContinuation { continuation in
                queue.async {
                    let reports = handoff.flush(at: now)
                    done.set()
                    continuation.resume(returning: reports)
                }
            }
        }
        inFlight = (task, done)
    }

    /// Waits for the batch in flight, if any; returns its reports. The store is the caller's again.
    mutating func finish() async -> [FeedReport] {
        guard let (task, _) = inFlight else { return [] }
        inFlight = nil
        return await task.value
    }
}

/// A batch and its store crossing to the writer thread for one flush. Unchecked: the pipeline
/// keeps its own reference to the store, but by `BatchWriter`'s protocol it does not use it
/// (nor this batch) until the flush has returned.
private final class Handoff: @unchecked Sendable {
    private var contents: (batch: StoreBatch, store: any CrawlStore)?

    init(batch: StoreBatch, store: any CrawlStore) {
        contents = (batch, store)
    }

    /// Flushes once, and lets go of the store before the caller hears back: the block and task
    /// that carried this object may outlive the pass by a moment, and the store must not (the
    /// lock of a `DocumentStore` is released when its last reference goes).
    func flush(at now: Timestamp) -> [FeedReport] {
        guard var batch = contents?.batch, let store = contents?.store else { return [] }
        contents = nil
        return batch.flush(into: store, at: now)
    }
}

private final class DoneFlag: Sendable {
    private let flag = Atomic<Bool>(false)
    func set() { flag.store(true, ordering: .releasing) }
    var isSet: Bool { flag.load(ordering: .acquiring) }
}
