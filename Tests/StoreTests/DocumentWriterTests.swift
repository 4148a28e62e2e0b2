import FeedModel
import Foundation
@testable import Store
import Testing

/// Both ways a document waits for its name (an unnamed file, or a temp file where the
/// filesystem has none) end with the same files, and leave nothing else behind.
@Suite struct DocumentWriterTests {
    let root = NSTemporaryDirectory() + "writer-test-" + UUID().uuidString

    private func document(_ hash: String, text: String) -> Document {
        Document(feed: "f", itemIdentity: hash, contentHash: hash + String(repeating: "0", count: 64 - hash.count),
                 date: Timestamp(year: 2022, month: 2, day: 16)!, text: text)
    }

    private func writer(_ linking: FileSystem.UnnamedLinking?) throws -> DocumentWriter {
        try FileManager.default.createDirectory(atPath: root + "/tmp", withIntermediateDirectories: true)
        let folder = try StoreFolder.root(root)
        var writer = DocumentWriter(root: folder, temporaryFolder: try folder.folder("tmp"), layout: .standard)
        writer.unnamedLinking = linking
        return writer
    }

    private func contents(_ hash: String) -> String? {
        FileManager.default.contents(atPath: root + "/posts/2022/02/\(hash)00000000000000.md")
            .map { String(decoding: $0, as: UTF8.self) }
    }

    @Test(arguments: [FileSystem.UnnamedLinking.direct, .throughProc, nil])
    func writesEveryDocumentUnderItsName(linking: FileSystem.UnnamedLinking?) throws {
        // This filesystem (the test's temp folder) must offer unnamed files, or the test proves nothing.
        let probed = FileSystem.unnamedFileLinking(in: try StoreFolder.root(NSTemporaryDirectory(), creating: false))
        try #require(probed != nil)
        if linking == .direct && probed == .throughProc { return }   // not permitted to this process
        let writer = try writer(linking)
        let prepared = try writer.prepare([document("aa", text: "first ✓"), document("bb", text: String(repeating: "b", count: 70_000))]).prepared
        let staged = prepared.map { if case .unnamed = $0.staged { true } else { false } }
        #expect(staged == [linking != nil, linking != nil])
        // Nothing is visible under a final name before `publish`.
        #expect(contents("aa") == nil)
        try writer.makeDurable()
        _ = try writer.publish(prepared)
        #expect(contents("aa") == "first ✓")
        #expect(contents("bb")?.utf8.count == 70_000)
        #expect(try FileManager.default.contentsOfDirectory(atPath: root + "/tmp").isEmpty)
    }

    @Test func anUnnamedFileReplacesAnUnindexedFileAlreadyThere() throws {
        let writer = try writer(FileSystem.unnamedFileLinking(in: try StoreFolder.root(NSTemporaryDirectory(), creating: false)))
        try #require(writer.unnamedLinking != nil)
        try FileManager.default.createDirectory(atPath: root + "/posts/2022/02", withIntermediateDirectories: true)
        #expect(FileManager.default.createFile(atPath: root + "/posts/2022/02/aa00000000000000.md", contents: Data("old".utf8)))
        let prepared = try writer.prepare([document("aa", text: "whole document")]).prepared
        try writer.makeDurable()
        _ = try writer.publish(prepared)
        #expect(contents("aa") == "whole document")
        #expect(try FileManager.default.contentsOfDirectory(atPath: root + "/tmp").isEmpty)
    }

    @Test func pastItsDescriptorLimitABatchGoesToTempFiles() throws {
        var writer = try writer(FileSystem.unnamedFileLinking(in: try StoreFolder.root(NSTemporaryDirectory(), creating: false)))
        try #require(writer.unnamedLinking != nil)
        writer.descriptorLimit = 0
        let prepared = try writer.prepare([document("aa", text: "a"), document("bb", text: "b")]).prepared
        #expect(prepared.allSatisfy { if case .temporary = $0.staged { true } else { false } })
        try writer.makeDurable()
        _ = try writer.publish(prepared)
        #expect(contents("aa") == "a")
        #expect(contents("bb") == "b")
    }

    /// A document can be in a batch being stored and in the next, staged meanwhile: its two temp
    /// files must not be one file, or naming the first would take (or truncate) the second's.
    @Test func twoTempFilesOfOneDocumentAreApart() throws {
        let writer = try writer(nil)
        let first = try writer.prepare([document("aa", text: "same text")]).prepared
        let second = try writer.prepare([document("aa", text: "same text")]).prepared
        _ = try writer.publish(first)
        _ = try writer.publish(second)
        #expect(contents("aa") == "same text")
        #expect(try FileManager.default.contentsOfDirectory(atPath: root + "/tmp").isEmpty)
    }

    @Test func discardedFilesLeaveNothingBehind() throws {
        let writer = try writer(FileSystem.unnamedFileLinking(in: try StoreFolder.root(NSTemporaryDirectory(), creating: false)))
        let prepared = try writer.prepare([document("aa", text: "a"), document("bb", text: "b")]).prepared
        writer.discard(prepared[...])
        #expect(contents("aa") == nil)
        #expect(try FileManager.default.contentsOfDirectory(atPath: root + "/posts/2022/02").isEmpty)
        #expect(try FileManager.default.contentsOfDirectory(atPath: root + "/tmp").isEmpty)
    }
}

/// A batch staged while the one before it is not stored yet: what both carry is stored once.
@Suite struct StagedDocumentsTests {
    let folder = NSTemporaryDirectory() + "staged-test-" + UUID().uuidString
    let now = Timestamp(secondsSince1970: 1_700_000_000)

    private func document(_ hash: String, feed: String) -> Document {
        Document(feed: feed, itemIdentity: hash, contentHash: hash + String(repeating: "0", count: 64 - hash.count),
                 date: Timestamp(year: 2022, month: 2, day: 16)!, text: "text of \(hash)")
    }

    private func postFiles() -> [String] {
        (try? FileManager.default.contentsOfDirectory(atPath: folder + "/posts/2022/02")) ?? []
    }

    @Test func aDocumentInTwoBatchesStagedTogetherIsStoredOnce() throws {
        let store = try DocumentStore(path: folder)
        let first = try store.stage([document("aa", feed: "one"), document("bb", feed: "one")])
        let second = try store.stage([document("bb", feed: "two"), document("cc", feed: "two")])
        #expect(postFiles().isEmpty)
        let firstOutcome = try store.store(first, storedAt: now)
        let secondOutcome = try store.store(second, storedAt: now)
        #expect(firstOutcome.stored.map(\.shortHash) == ["aa00000000000000", "bb00000000000000"])
        #expect(secondOutcome.stored.map(\.shortHash) == ["cc00000000000000"])
        #expect(secondOutcome.duplicates == 1)
        #expect(postFiles().sorted() == ["aa00000000000000.md", "bb00000000000000.md", "cc00000000000000.md"])
        #expect(try store.documentCount() == 3)
    }

    private func version(_ item: String, _ hash: String, feed: String) -> Document {
        var document = document(hash, feed: feed)
        document.itemIdentity = item
        document.revisions = .replace
        return document
    }

    // Revisions are looked up item by item only in feeds that have an item in a file: a feed
    // with none (a new feed) is asked once. A batch mixing the two kinds keeps both right.
    @Test func aRevisionIsFoundBesideAFeedWithNoFilesInTheSameBatch() throws {
        let store = try DocumentStore(path: folder)
        _ = try store.store([version("x", "aa", feed: "old")], storedAt: now)
        let outcome = try store.store([version("y", "bb", feed: "new"), version("x", "cc", feed: "old")], storedAt: now)
        #expect(outcome.stored.map(\.shortHash) == ["bb00000000000000"])
        #expect(outcome.replaced.map(\.shortHash) == ["cc00000000000000"])
        #expect(postFiles().sorted() == ["aa00000000000000.md", "bb00000000000000.md"])
    }

    // Staged while its feed had no file yet, an item's second version is found a revision when it
    // is stored after the batch that gave the feed its first file: one file for the item, not two.
    @Test func anItemStoredByTheBatchBeforeMakesTheStagedNextVersionARevision() throws {
        let store = try DocumentStore(path: folder)
        let first = try store.stage([version("x", "aa", feed: "new")])
        let second = try store.stage([version("x", "bb", feed: "new"), version("y", "cc", feed: "new")])
        _ = try store.store(first, storedAt: now)
        let outcome = try store.store(second, storedAt: now)
        #expect(outcome.stored.map(\.shortHash) == ["cc00000000000000"])
        #expect(outcome.replaced.map(\.shortHash) == ["bb00000000000000"])
        #expect(postFiles().sorted() == ["aa00000000000000.md", "cc00000000000000.md"])
        #expect(try store.documentCount() == 2)
    }

    @Test func closingAStoreThatStagedLeavesNoWriteAheadLog() throws {
        do {
            let store = try DocumentStore(path: folder)
            _ = try store.store(try store.stage([document("aa", feed: "one")]), storedAt: now)
            #expect(FileManager.default.fileExists(atPath: folder + "/index.sqlite-wal"))
        }
        // Checkpointed into the database on close, as with no staging: the next open reads no log.
        #expect(!FileManager.default.fileExists(atPath: folder + "/index.sqlite-wal"))
        #expect(try DocumentStore(path: folder).documentCount() == 1)
    }

    @Test func aStagedBatchDroppedUnstoredLeavesNothing() throws {
        let store = try DocumentStore(path: folder)
        do { _ = try store.stage([document("aa", feed: "one")]) }
        #expect(postFiles().isEmpty)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder + "/tmp").isEmpty)
        #expect(try store.documentCount() == 0)
        // Stored later, it is new.
        #expect(try store.store([document("aa", feed: "one")], storedAt: now).stored.count == 1)
    }
}
