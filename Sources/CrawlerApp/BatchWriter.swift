internal import Dispatch
internal import FeedModel
internal import Store
internal import Synchronization

/// Stores batches on threads of their own while the pipeline gathers the next, so parsing and
/// storing overlap instead of taking turns: a batch's file creation, syncs and index commits
/// used to stop every reader for as long as they lasted.
///
/// Two threads, one step each: the stager writes a batch's new documents to files and syncs
/// them, then the writer indexes and names them. With a store that `stagesAhead`, the stager
/// readies the next batch while the writer stores this one (file creation and the wait for the
/// disk took as long as the rest), so two batches may be in flight; otherwise one.
///
/// The store has one owner per step: the pipeline does not touch it while a batch is in flight,
/// and callers deliver a batch's reports (whose callbacks may use the store's connection, as the
/// fleet's lease renewal does) before starting a batch beyond capacity.
struct BatchWriter {
    private let store: any CrawlStore
    // Blocking I/O belongs on threads of its own, not on the concurrency pool's few.
    private let stager = DispatchQueue(label: "crawler.store-stager")
    private let writer = DispatchQueue(label: "crawler.store-writer")
    private var inFlight: [(task: Task<[FeedReport], Never>, done: DoneFlag, startedAt: Int64)] = []
    private let capacity: Int

    init(store: any CrawlStore) {
        self.store = store
        capacity = store.stagesAhead ? 2 : 1
    }

    var isIdle: Bool { inFlight.isEmpty }

    /// True when no other batch may start before `finishOldest`.
    var isFull: Bool { inFlight.count >= capacity }

    /// True when the oldest batch was stored and its reports wait: take them with `finishOldest`
    /// now, since a caller's progress callback may have work that must not wait (leases).
    var hasFinished: Bool { inFlight.first?.done.isSet ?? false }

    /// Hands `batch` to the stager, then the writer. Call `finishOldest` first when full.
    mutating func start(_ batch: StoreBatch, at now: Timestamp) {
        precondition(!isFull, "at most \(capacity) batches in flight")
        let handoff = Handoff(batch: batch, store: store)
        let stager = self.stager, writer = self.writer, done = DoneFlag()
        let task = Task.detached {
            await withCheckedContinuation { continuation in
                stager.async {
                    handoff.stage()
                    // Queued in stage order, so batches are stored in the order they started.
                    writer.async {
                        let reports = handoff.flush(at: now)
                        done.set()
                        continuation.resume(returning: reports)
                    }
                }
            }
        }
        inFlight.append((task, done, WallClock.milliseconds()))
    }

    /// How long the oldest batch still being stored has taken so far (0: none is): a frozen or
    /// hung filesystem holds one for ever, and said nothing.
    var busyMilliseconds: Int64 {
        inFlight.first { !$0.done.isSet }.map { WallClock.milliseconds() - $0.startedAt } ?? 0
    }

    /// Waits for the oldest batch in flight, if any; returns its reports.
    mutating func finishOldest() async -> [FeedReport] {
        guard !inFlight.isEmpty else { return [] }
        return await inFlight.removeFirst().task.value
    }

    /// Waits for every batch in flight; the store is the caller's again.
    mutating func finishAll() async -> [FeedReport] {
        var reports: [FeedReport] = []
        while !inFlight.isEmpty { reports += await finishOldest() }
        return reports
    }
}

/// A batch and its store crossing to the stager and writer threads. Unchecked: the pipeline
/// keeps its own reference to the store, but by `BatchWriter`'s protocol it does not use it
/// (nor this batch) until the flush has returned; the stager hands over to the writer through
/// the writer's queue.
private final class Handoff: @unchecked Sendable {
    private var contents: (batch: StoreBatch, store: any CrawlStore)?

    init(batch: StoreBatch, store: any CrawlStore) {
        contents = (batch, store)
    }

    func stage() {
        guard let store = contents?.store else { return }
        contents?.batch.stage(in: store)
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
