import FeedModel
import Foundation
@testable import Store
import Testing

/// A batch interrupted between its two index commits: the store reopens, keeps the documents
/// whose files made it into place, and undoes the rest (revision links and latest items too).
@Suite struct PendingRecoveryTests {
    let folder = NSTemporaryDirectory() + "pending-test-" + UUID().uuidString
    let now = Timestamp(secondsSince1970: 1_700_000_000)
    let layout = DocumentLayout.standard

    private func document(_ hash: String, item: String, text: String? = nil) -> Document {
        Document(feed: "f", itemIdentity: item, contentHash: hash + String(repeating: "0", count: 64 - hash.count),
                 date: Timestamp(year: 2022, month: 2, day: 16)!, text: text ?? "text of \(hash)")
    }

    private func short(_ hash: String) -> String { hash + String(repeating: "0", count: 16 - hash.count) }

    /// Records `documents` as step 1 of a batch would, then puts the files of `inPlace` where the
    /// renames would have put them, as if the process died before step 2.
    private func interruptBatch(_ documents: [Document], inPlace: Set<String>) throws {
        let index = try DocumentIndex(path: folder + "/index.sqlite")
        let prepared = documents.map {
            PreparedDocument(document: $0, relativePath: layout.relativePath(for: $0), staged: .temporary(name: ""),
                             folder: nil, name: "")
        }
        try index.recordPending(prepared, storedAt: now)
        for entry in prepared where inPlace.contains(entry.document.shortHash) {
            #expect(FileManager.default.createFile(atPath: folder + "/" + entry.relativePath,
                                                   contents: Data(entry.document.text.utf8)))
        }
    }

    @Test func keepsWhatWasRenamedAndUndoesTheRest() throws {
        do { _ = try DocumentStore(path: folder).store([document("aa", item: "story")], storedAt: now) }
        // bb revises aa and was renamed; cc revises bb and was not; dd is a new item, not renamed.
        try interruptBatch([document("bb", item: "story"), document("cc", item: "story"), document("dd", item: "new")],
                           inPlace: [short("bb")])
        let store = try DocumentStore(path: folder)
        #expect(store.recovery.completedDocuments == 1)
        #expect(store.recovery.forgottenDocuments == 2)
        #expect(try store.documentCount() == 2)
        #expect(try store.revisedHash(of: short("bb")) == short("aa"))
        // dd's item lives in no file now: its link went with it. The story's file is bb's again
        // (cc revised bb and was undone).
        #expect(try store.index.revisions.file(of: "f", item: "new") == nil)
        #expect(try store.index.revisions.file(of: "f", item: "story")?.document == short("bb"))
        // The item's latest is bb again: cc, stored anew, revises bb; dd is new again.
        let outcome = try store.store([document("cc", item: "story"), document("dd", item: "new")], storedAt: now)
        #expect(outcome.stored.count == 2)
        #expect(try store.revisedHash(of: short("cc")) == short("bb"))
        #expect(try store.revisedHash(of: short("dd")) == nil)
        #expect(try store.documentCount() == 4)
        #expect(try store.index.revisions.file(of: "f", item: "new")?.document == short("dd"))
    }

    @Test func aForgottenDocumentLeavesNoRevisionPointingAtIt() throws {
        do { _ = try DocumentStore(path: folder).store([document("aa", item: "story")], storedAt: now) }
        // bb (revising aa) never made it; cc (revising bb) did: cc now revises aa.
        try interruptBatch([document("bb", item: "story"), document("cc", item: "story")], inPlace: [short("cc")])
        let store = try DocumentStore(path: folder)
        #expect(store.recovery.completedDocuments == 1)
        #expect(store.recovery.forgottenDocuments == 1)
        #expect(try store.revisedHash(of: short("cc")) == short("aa"))
        #expect(try store.documentCount() == 2)
        #expect(try store.index.revisions.file(of: "f", item: "story")?.document == short("cc"))
    }

    @Test func anIndexOfVersion4IsUpgradedWithItsPendingBatch() throws {
        try FileManager.default.createDirectory(atPath: folder + "/posts/2022/02", withIntermediateDirectories: true)
        do {
            let database = try SQLiteDatabase(path: folder + "/index.sqlite")
            try database.execute(Self.version4Index)
        }
        // bb (pending, revising aa) was renamed; cc (pending) was not.
        #expect(FileManager.default.createFile(atPath: folder + "/posts/2022/02/bb00000000000000.md",
                                               contents: Data("bbbb".utf8)))
        let store = try DocumentStore(path: folder)
        #expect(store.recovery.completedDocuments == 1)
        #expect(store.recovery.forgottenDocuments == 1)
        #expect(try store.documentCount() == 2)
        #expect(try store.revisedHash(of: short("bb")) == short("aa"))
        #expect(try store.feedState("f")?.documents == 8, "its 7, and the document found in place counted")
        let again = try store.store([document("cc", item: "other"), document("aa", item: "story")], storedAt: now)
        #expect(again.stored.map(\.shortHash) == [short("cc")])
        #expect(try StoreReader(path: folder).documentCount() == 3)
    }

    /// A store as version 4 left it after a crash between its two commits.
    static let version4Index = """
        CREATE TABLE documents (short TEXT PRIMARY KEY, path TEXT NOT NULL, date INTEGER NOT NULL,
            bytes INTEGER NOT NULL, pending INTEGER NOT NULL DEFAULT 0) WITHOUT ROWID;
        CREATE INDEX pending_documents ON documents (pending) WHERE pending = 1;
        CREATE TABLE provenance (short TEXT PRIMARY KEY, hash TEXT NOT NULL, feed TEXT NOT NULL, item TEXT NOT NULL,
            stored_at INTEGER NOT NULL, revises TEXT) WITHOUT ROWID;
        CREATE TABLE items (feed TEXT NOT NULL, item TEXT NOT NULL, short TEXT NOT NULL, PRIMARY KEY (feed, item))
            WITHOUT ROWID;
        CREATE TABLE feed_state (
            feed TEXT PRIMARY KEY, url TEXT NOT NULL, etag TEXT, last_modified TEXT,
            last_fetch INTEGER, last_status INTEGER, last_error TEXT,
            consecutive_errors INTEGER NOT NULL DEFAULT 0, next_due INTEGER,
            documents INTEGER NOT NULL DEFAULT 0, next_reason TEXT, adaptive_interval REAL,
            gone INTEGER NOT NULL DEFAULT 0, pending_redirect TEXT, pending_redirect_count INTEGER NOT NULL DEFAULT 0,
            adopted_url TEXT, body_fingerprint TEXT, last_unconditional INTEGER, not_before INTEGER
        ) WITHOUT ROWID;
        INSERT INTO documents VALUES ('aa00000000000000', 'posts/2022/02/aa00000000000000.md', 1644969600, 4, 0),
            ('bb00000000000000', 'posts/2022/02/bb00000000000000.md', 1644969600, 4, 1),
            ('cc00000000000000', 'posts/2022/02/cc00000000000000.md', 1644969600, 4, 1);
        INSERT INTO provenance VALUES ('aa00000000000000', 'aa', 'f', 'story', 1700000000, NULL),
            ('bb00000000000000', 'bb', 'f', 'story', 1700000000, NULL),
            ('cc00000000000000', 'cc', 'f', 'other', 1700000000, NULL);
        INSERT INTO items VALUES ('f', 'story', 'aa00000000000000');
        INSERT INTO feed_state (feed, url, documents) VALUES ('f', 'http://127.0.0.1/f', 7);
        PRAGMA user_version = 4;
        """
}
