import CrawlerTestKit
import Foundation
import Testing

/// `store verify` finds each kind of problem, the healthy documents beside it pass, and each
/// problem comes with the command that fixes it; `rebuild-index` finds documents in any layout
/// the store has used and keeps the original of two copies.
@Suite struct StoreVerifyAdviceTests {
    let folder = TemporaryFolder()
    let farm = FeedFarm(feeds: 2, itemsPerFeed: 3)

    private func crawler(_ arguments: [String]) throws -> CrawlerProcess.Run {
        try CrawlerProcess.run(arguments, in: folder.path)
    }

    /// The farm's feeds, each body different from the last, so every pass parses them again
    /// (an unchanged body is not parsed, and would prove nothing about the index).
    private func crawled() throws -> LoopbackHTTPServer {
        let farm = self.farm, served = SharedNumber(0)
        let server = try LoopbackHTTPServer { request in
            let number = Int(request.path.dropFirst("/feed/".count).prefix(while: \.isNumber)) ?? 0
            served.value += 1
            return ServedResponse(text: farm.document(feed: number) + "<!-- \(served.value) -->")
        }
        try folder.write(farm.config(server: server), to: "feeds.yaml")
        let once = try crawler(["once"])
        #expect(once.status == 0, "\(once.stderr)")
        return server
    }

    private var documents: [String] { folder.files(under: "store/posts") }

    /// Round 59: a byte-for-byte copy under a name shaped as a document's (another 16-hex hash) was
    /// "unknown", and its advice, rebuild-index, indexed it: the site published the post twice.
    @Test func aCopyUnderAnotherDocumentNameIsASecondCopy() throws {
        let server = try crawled()
        defer { withExtendedLifetime(server) {} }
        let file = try #require(documents.first)
        try FileManager.default.createDirectory(atPath: folder.file("store/posts/2024/01"), withIntermediateDirectories: true)
        try folder.write(try #require(folder.read("store/posts/" + file)), to: "store/posts/2024/01/aaaaaaaaaaaaaaaa.md")
        let verify = try crawler(["store", "verify"])
        #expect(verify.stdout.contains("posts/2024/01/aaaaaaaaaaaaaaaa.md: misplaced: a second copy of posts/\(file), the indexed one; "
                                       + "remove this copy: rm "), "\(verify.stdout)")
        #expect(!verify.stdout.contains("unknown"), "\(verify.stdout)")
    }

    /// Round 44: a document copied under its hash in capitals, or renamed by hand, was passed over
    /// by `verify` (and a site generator published it as a second post), and the renamed one was
    /// called missing, `forget --missing` ready to forget its only copy. A file holding a stored
    /// document's bytes under another name is named; the operator's own files are left alone.
    @Test func aDocumentCopiedOrRenamedUnderANameOfItsOwnIsNamed() throws {
        let server = try crawled()
        defer { withExtendedLifetime(server) {} }
        let files = documents.sorted()
        let copied = files[0], renamed = files[1]
        let copiedName = (copied as NSString).lastPathComponent
        let capitals = (copied as NSString).deletingLastPathComponent + "/" + copiedName.dropLast(3).uppercased() + ".md"
        let moved = (renamed as NSString).deletingLastPathComponent + "/renamed.md"
        try FileManager.default.copyItem(atPath: folder.file("store/posts/" + copied), toPath: folder.file("store/posts/" + capitals))
        try FileManager.default.moveItem(atPath: folder.file("store/posts/" + renamed), toPath: folder.file("store/posts/" + moved))
        try folder.write("\n---\ntitle: My own post\n---\n\nWritten by hand.\n", to: "store/posts/" + (copied as NSString).deletingLastPathComponent + "/my-own.md")
        // Round 46: renamed to the store's top, or under assets/, it was forgotten for good.
        let toTop = files[2], toAssets = files[3]
        try FileManager.default.moveItem(atPath: folder.file("store/posts/" + toTop), toPath: folder.file("store/mine.md"))
        try FileManager.default.createDirectory(atPath: folder.file("store/assets/zz"), withIntermediateDirectories: true)
        try FileManager.default.moveItem(atPath: folder.file("store/posts/" + toAssets), toPath: folder.file("store/assets/zz/mine.md"))

        let verify = try crawler(["store", "verify"])
        #expect(verify.status == 1)
        #expect(verify.stdout.contains("posts/\(capitals): misplaced: a second copy of posts/\(copied)"), "\(verify.stdout)")
        #expect(verify.stdout.contains("posts/\(renamed): moved to posts/\(moved), its only copy"), "\(verify.stdout)")
        #expect(!verify.stdout.contains("my-own.md"), "\(verify.stdout)")
        #expect(verify.stdout.contains("posts/\(toTop): moved to mine.md, its only copy"), "\(verify.stdout)")
        #expect(verify.stdout.contains("posts/\(toAssets): moved to assets/zz/mine.md, its only copy"), "\(verify.stdout)")
        #expect(!verify.stdout.contains("missing"), "\(verify.stdout)")
        let forget = try crawler(["store", "forget", "--missing", "--dry-run"])
        #expect(forget.stdout.contains("would forget 0 documents") && forget.stdout.contains("kept posts/\(renamed): not missing but moved"),
                "\(forget.stdout)")
        // Round 45: rebuild-index forgot the renamed one for good, and verify's advice then removed its only copy.
        let rebuilt = try crawler(["store", "rebuild-index"])
        #expect(rebuilt.stdout.contains("posts/\(renamed): kept in the index, though not on disk: its bytes are at posts/\(moved)"),
                "\(rebuilt.stdout)")
        #expect(!rebuilt.stdout.contains("forgot posts/\(renamed)"), "\(rebuilt.stdout)")
        #expect(try crawler(["store", "verify"]).stdout.contains("posts/\(renamed): moved to posts/\(moved)"))
        #expect(rebuilt.stdout.contains("posts/\(toTop): kept in the index") && rebuilt.stdout.contains("posts/\(toAssets): kept in the index"),
                "\(rebuilt.stdout)")
        try FileManager.default.moveItem(atPath: folder.file("store/posts/" + moved), toPath: folder.file("store/posts/" + renamed))
        try FileManager.default.moveItem(atPath: folder.file("store/mine.md"), toPath: folder.file("store/posts/" + toTop))
        try FileManager.default.moveItem(atPath: folder.file("store/assets/zz/mine.md"), toPath: folder.file("store/posts/" + toAssets))
        try FileManager.default.removeItem(atPath: folder.file("store/posts/" + capitals))
        #expect(try crawler(["store", "verify"]).status == 0)
        #expect(try crawler(["once"]).stdout.contains("0 new documents"))
    }

    /// Round 44: `rebuild-index --store` given a folder that is no store and holds no documents (a
    /// web root, a typo) made it one: "indexed 0 documents", exit 0, and index.sqlite, lock and
    /// tmp/ left in it. Refused, nothing made; the crawled store beside is untouched.
    @Test func rebuildIndexRefusesAFolderWithNothingToIndex() throws {
        let server = try crawled()
        defer { withExtendedLifetime(server) {} }
        try FileManager.default.createDirectory(atPath: folder.file("www"), withIntermediateDirectories: true)
        try folder.write("<html></html>\n", to: "www/index.html")
        let refused = try crawler(["store", "rebuild-index", "--store", "www"])
        #expect(refused.status == 3, "\(refused.stdout)\(refused.stderr)")
        #expect(refused.stderr.contains("no store at") && refused.stderr.contains("nothing was made"), "\(refused.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.file("www")) == ["index.html"])
        // Round 45: rerender (its dry run too) made one, and explain called every feed never fetched there.
        // Round 46: a posts/ folder with no document in it (a project's own) was enough.
        try FileManager.default.createDirectory(atPath: folder.file("www/posts"), withIntermediateDirectories: true)
        try folder.write("x = 1\n", to: "www/posts/__init__.py")
        let withPosts = try crawler(["store", "rebuild-index", "--store", "www"])
        #expect(withPosts.status == 3, "\(withPosts.stdout)\(withPosts.stderr)")
        try FileManager.default.removeItem(atPath: folder.file("www/posts"))
        for arguments in [["store", "rerender", "--dry-run", "--store", "www"], ["store", "rerender", "--store", "nowhere"],
                          ["explain", "feed-0", "--store", "www"]] {
            let run = try crawler(arguments)
            #expect(run.status == 3 && run.stderr.contains("no store at"), "\(arguments): \(run.stdout)\(run.stderr)")
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.file("www")) == ["index.html"])
        #expect(!FileManager.default.fileExists(atPath: folder.file("nowhere")))
        #expect(try crawler(["store", "rebuild-index"]).stdout.contains("indexed 6 documents"))
    }

    /// Round 45: an emptied document was "corrupt" with the advice that rebuild-index would take it
    /// as the document; rebuild-index leaves it out, and the next crawl stores it again. Said so.
    @Test func anEmptiedDocumentsAdviceSaysWhatRebuildIndexDoes() throws {
        let server = try crawled()
        defer { withExtendedLifetime(server) {} }
        let emptied = try #require(documents.sorted().first)
        let stored = try #require(folder.read("store/posts/" + emptied))
        try folder.write("", to: "store/posts/" + emptied)
        let verify = try crawler(["store", "verify"])
        #expect(verify.stdout.contains("posts/\(emptied): corrupt") && verify.stdout.contains("which leaves it out, and the next crawl stores its item again"),
                "\(verify.stdout)")
        #expect(try crawler(["store", "rebuild-index"]).status == 0)
        let again = try crawler(["once"])
        #expect(again.stdout.contains("1 new document"), "\(again.stdout)")
        #expect(folder.read("store/posts/" + emptied) == stored)
        #expect(try crawler(["store", "verify"]).status == 0)
    }

    @Test func anIndexACrawlerStoppedBeforeItHadTablesIsAnEmptyStore() throws {
        // What a kill between creating index.sqlite and writing its schema leaves.
        try FileManager.default.createDirectory(atPath: folder.file("store/posts"), withIntermediateDirectories: true)
        try folder.write("", to: "store/index.sqlite")
        let server = try farm.server()
        try folder.write(farm.config(server: server), to: "feeds.yaml")
        let empty = try crawler(["store", "verify"])
        #expect(empty.status == 0, "\(empty.stdout)\(empty.stderr)")
        #expect(empty.stdout.contains("verified 0 documents"))
        #expect(try crawler(["status"]).status == 0)
        #expect(try crawler(["once"]).status == 0)
        #expect(try crawler(["store", "verify"]).stdout.contains("verified 6 documents"))
    }

    /// A kill between creating the index's tables and writing its version: before the creation
    /// was one transaction, the `documents` table (and its digest column) could be left behind.
    @Test(arguments: ["", ", digest TEXT"])
    func anIndexLeftHalfCreatedIsCompletedByTheNextPass(digestColumn: String) throws {
        try FileManager.default.createDirectory(atPath: folder.file("store"), withIntermediateDirectories: true)
        let create = Process()
        create.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        create.arguments = ["-c", """
            import sqlite3, sys
            db = sqlite3.connect(sys.argv[1]); db.execute("PRAGMA journal_mode=WAL")
            db.execute("CREATE TABLE documents (id INTEGER PRIMARY KEY, short TEXT NOT NULL UNIQUE, path TEXT NOT NULL, "
                       "date INTEGER NOT NULL, bytes INTEGER NOT NULL\(digestColumn))")
            db.commit(); db.close()
            """, folder.file("store/index.sqlite")]
        try create.run()
        create.waitUntilExit()
        #expect(create.terminationStatus == 0)
        let server = try farm.server()
        defer { withExtendedLifetime(server) {} }
        try folder.write(farm.config(server: server), to: "feeds.yaml")
        #expect(try crawler(["store", "verify"]).stdout.contains("verified 0 documents"))
        let once = try crawler(["once"])
        #expect(once.status == 0, "\(once.stderr)")
        #expect(try crawler(["store", "verify"]).stdout.contains("verified 6 documents in"))
    }

    @Test func aStoreWithoutAnIndexYetHasNothingToVerify() throws {
        // A first open that stopped before its index: the lock and tmp/ are there.
        try FileManager.default.createDirectory(atPath: folder.file("store/tmp"), withIntermediateDirectories: true)
        try folder.write("", to: "store/lock")
        try folder.write("store: ./store\nfeeds: []\n", to: "feeds.yaml")
        let verify = try crawler(["store", "verify"])
        #expect(verify.status == 0, "\(verify.stderr)")
        #expect(verify.stdout.contains("verified 0 documents"))
        #expect(try crawler(["status"]).status == 0)
        // No store at all is no clean store: a check run from cron must not pass a mistyped path.
        try folder.write("store: ./nothing\nfeeds: []\n", to: "feeds.yaml")
        let nothing = try crawler(["store", "verify"])
        #expect(nothing.status == 3 && nothing.stderr.contains("no store at \(folder.file("nothing"))"), "\(nothing.stderr)")
    }

    @Test func aSameSizeEditIsFoundAsCorrupt() throws {
        let server = try crawled()
        defer { withExtendedLifetime(server) {} }
        let victim = try #require(documents.first)
        let path = folder.file("store/posts/" + victim)
        let text = try #require(folder.read("store/posts/" + victim))
        let edited = text.replacingOccurrences(of: "Lorem", with: "LOREM")
        #expect(edited.utf8.count == text.utf8.count && edited != text)
        try Data(edited.utf8).write(to: URL(fileURLWithPath: path))

        let verify = try crawler(["store", "verify"])
        #expect(verify.status == 1)
        #expect(verify.stdout.contains("posts/\(victim): changed: its content differs from what was stored"))
        #expect(verify.stdout.contains("if you edited it, nothing needs doing"), "\(verify.stdout)")
        #expect(verify.stdout.contains("crawler store forget --store '\(folder.file("store"))' 'posts/\(victim)'"), "\(verify.stdout)")
        #expect(verify.stdout.contains("verified 6 documents") && verify.stdout.contains(": 1 problem\n"))
        // A rebuild keeps the edit one (round 65: it was taken for what was stored).
        #expect(try crawler(["store", "rebuild-index"]).status == 0)
        #expect(try crawler(["store", "verify"]).status == 1)
        #expect(try crawler(["store", "verify", "--edits-ok"]).status == 0)
    }

    /// Round 54: after one edit by hand, `verify` exited 1 for good ("nothing needs doing"), so a
    /// store its owner edits could not be checked from cron. With `--edits-ok` an edit is listed
    /// and leaves the status at 0; what is not an edit (a deleted or cut document) still fails it.
    @Test func editsOkListsEditsButFailsOnRealDamage() throws {
        let server = try crawled()
        defer { withExtendedLifetime(server) {} }
        let files = documents.sorted()
        let edited = files[0], cut = files[1]
        let text = try #require(folder.read("store/posts/" + edited))
        try folder.write(text.replacingOccurrences(of: "Lorem", with: "Lorem (my note)"), to: "store/posts/" + edited)

        #expect(try crawler(["store", "verify"]).status == 1)
        let accepting = try crawler(["store", "verify", "--edits-ok"])
        #expect(accepting.status == 0, "\(accepting.stdout)")
        #expect(accepting.stdout.contains("posts/\(edited): changed: ") && accepting.stdout.contains("not a problem with --edits-ok"),
                "\(accepting.stdout)")
        #expect(accepting.stdout.contains("no problems (1 document edited by hand)"), "\(accepting.stdout)")

        let cutText = try #require(folder.read("store/posts/" + cut))
        try folder.write(String(cutText.prefix(20)), to: "store/posts/" + cut)
        let damaged = try crawler(["store", "verify", "--edits-ok"])
        #expect(damaged.status == 1, "\(damaged.stdout)")
        #expect(damaged.stdout.contains("posts/\(cut): corrupt: "), "\(damaged.stdout)")
        #expect(damaged.stdout.contains(": 1 problem (1 document edited by hand)"), "\(damaged.stdout)")
    }

    /// Round 12: a document saved by an editor that trims trailing white space (most do) was
    /// "corrupt" with advice to restore it from a backup: the format's white space after `</div>`
    /// was gone. It is a changed document now, whose edit needs nothing.
    @Test func anEditorsTrimmedWhiteSpaceIsAnEditNotCorruption() throws {
        let server = try crawled()
        defer { withExtendedLifetime(server) {} }
        let victim = try #require(documents.first)
        let text = try #require(folder.read("store/posts/" + victim))
        let trimmed = text.split(separator: "\n", omittingEmptySubsequences: false)
            .map { String($0.reversed().drop { $0 == " " }.reversed()) }.joined(separator: "\n")
            .replacingOccurrences(of: "Lorem", with: "Lorem (my note)")
        try folder.write(trimmed, to: "store/posts/" + victim)
        let verify = try crawler(["store", "verify"])
        #expect(verify.status == 1)
        #expect(verify.stdout.contains("posts/\(victim): changed:") && !verify.stdout.contains("corrupt"), "\(verify.stdout)")
    }

    /// An editor on Windows saves with CRLF line ends, some add a byte-order mark, some drop a
    /// leading empty line: each made a hand edit "corrupt", and `rebuild-index` (the advice)
    /// left the file out of the index, so nothing protected the edit any more.
    @Test(arguments: ["crlf", "bom", "leading line", "note after"])
    func anEditorsLineEndsAndMarksAreAnEditNotCorruption(saving: String) throws {
        let server = try crawled()
        defer { withExtendedLifetime(server) {} }
        let victim = try #require(documents.first)
        let text = try #require(folder.read("store/posts/" + victim))
            .replacingOccurrences(of: "Lorem", with: "Lorem (my note)")
        let saved = switch saving {
        case "crlf": text.replacingOccurrences(of: "\n", with: "\r\n")
        case "bom": "\u{FEFF}" + text
        // Round 14: a note added after the post, below its `</div>`.
        case "note after": text + "\n<p>owner note</p>\n"
        default: String(text.dropFirst())
        }
        try folder.write(saved, to: "store/posts/" + victim)
        let verify = try crawler(["store", "verify"])
        #expect(verify.status == 1)
        #expect(verify.stdout.contains("posts/\(victim): changed:") && !verify.stdout.contains("corrupt"), "\(verify.stdout)")
        let rebuilt = try crawler(["store", "rebuild-index"])
        #expect(rebuilt.status == 0, "\(rebuilt.stderr)")
        // Indexed, and still an edit (round 65).
        let again = try crawler(["store", "verify", "--edits-ok"])
        #expect(again.status == 0 && again.stdout.contains("verified 6 documents"), "\(again.stdout)")
        #expect(again.stdout.contains("posts/\(victim): changed:"), "\(again.stdout)")
    }

    /// Round 15: what a crash leaves (the document, then its length made durable before its
    /// data: zero bytes) read as an edit once a note after `</div>` did: kept for good.
    @Test func zeroBytesACrashLeftAreNoEdit() throws {
        let server = try crawled()
        defer { withExtendedLifetime(server) {} }
        let files = documents
        let padded = try #require(folder.read("store/posts/" + files[0]))
        try Data(Array(padded.utf8) + [UInt8](repeating: 0, count: 4096)).write(to: URL(fileURLWithPath: folder.file("store/posts/" + files[0])))
        var holed = Array(try #require(folder.read("store/posts/" + files[1])).utf8)
        for index in (holed.count / 2)..<(holed.count / 2 + 40) { holed[index] = 0 }
        try Data(holed).write(to: URL(fileURLWithPath: folder.file("store/posts/" + files[1])))
        let verify = try crawler(["store", "verify"])
        #expect(verify.status == 1)
        for file in files.prefix(2) {
            #expect(verify.stdout.contains("posts/\(file): corrupt"), "\(verify.stdout)")
        }
    }

    @Test func aTruncatedCopiedAndUnknownFileEachGetTheirAdvice() throws {
        let server = try crawled()
        defer { withExtendedLifetime(server) {} }
        let files = documents
        let truncated = files[0], copied = files[1], moved = files[2]
        try Data("\n---\ntitle: cut".utf8).write(to: URL(fileURLWithPath: folder.file("store/posts/" + truncated)))
        try FileManager.default.createDirectory(atPath: folder.file("store/posts/1999/01"), withIntermediateDirectories: true)
        let copyName = String(copied.split(separator: "/").last!)
        try FileManager.default.copyItem(atPath: folder.file("store/posts/" + copied), toPath: folder.file("store/posts/1999/01/" + copyName))
        try FileManager.default.moveItem(atPath: folder.file("store/posts/" + moved), toPath: folder.file("store/posts/1999/" + "0123456789abcdef.md"))
        let other = try #require(folder.read("store/posts/" + files[3])).replacingOccurrences(of: "Lorem", with: "Other")
        try folder.write(other, to: "store/posts/1999/fedcba9876543210.md")

        let verify = try crawler(["store", "verify"])
        #expect(verify.status == 1)
        #expect(verify.stdout.contains("posts/\(truncated): corrupt: 15 bytes on disk"))
        #expect(verify.stdout.contains("posts/1999/01/\(copyName): misplaced: a second copy of posts/\(copied)"))
        // Under another document's name, its exact bytes: moved, not missing beside an unknown file.
        #expect(verify.stdout.contains("posts/\(moved): moved to posts/1999/0123456789abcdef.md, its only copy; move it back"),
                "\(verify.stdout)")
        #expect(verify.stdout.contains("posts/1999/fedcba9876543210.md: unknown: a document file the index does not know; "
                                       + "index it: crawler store rebuild-index --store '\(folder.file("store"))'"), "\(verify.stdout)")
        #expect(verify.stdout.contains(": 4 problems"), "\(verify.stdout)")
    }

    /// A document moved by hand to another folder is its only copy: verify says to move it back
    /// (or index it where it is), not to forget it and remove "the second copy", which together
    /// deleted it for good. Following the advice leaves the store clean with every document.
    @Test func aDocumentMovedByHandIsToldToMoveBackNotToBeRemoved() throws {
        let server = try crawled()
        defer { withExtendedLifetime(server) {} }
        let files = documents
        let moved = files[0], name = String(files[0].split(separator: "/").last!)
        try FileManager.default.createDirectory(atPath: folder.file("store/posts/1999/01"), withIntermediateDirectories: true)
        try FileManager.default.moveItem(atPath: folder.file("store/posts/" + moved), toPath: folder.file("store/posts/1999/01/" + name))
        let verify = try crawler(["store", "verify"])
        #expect(verify.status == 1)
        #expect(!verify.stdout.contains("forget") && !verify.stdout.contains("rm "), "\(verify.stdout)")
        #expect(verify.stdout.contains("posts/\(moved): moved to posts/1999/01/\(name), its only copy"), "\(verify.stdout)")
        #expect(verify.stdout.contains(": 1 problem"), "\(verify.stdout)")
        let command = try #require(verify.stdout.split(separator: "\n").first { $0.contains("moved to") }?
            .components(separatedBy: "move it back: ").last, "\(verify.stdout)")
        let shell = Process()
        shell.executableURL = URL(fileURLWithPath: "/bin/sh")
        shell.arguments = ["-c", String(command.split(separator: ",").first ?? "")]
        try shell.run()
        shell.waitUntilExit()
        let again = try crawler(["store", "verify"])
        #expect(again.status == 0, "\(command)\n\(again.stdout)")
        #expect(documents.count == 6)

        // An edited copy beside the indexed one, in place: a copy with other bytes is not removed
        // on verify's word (it may be someone's edit).
        try FileManager.default.createDirectory(atPath: folder.file("store/posts/1997/01"), withIntermediateDirectories: true)
        try (folder.read("store/posts/" + moved)! + "edit\n").write(toFile: folder.file("store/posts/1997/01/" + name),
                                                                   atomically: false, encoding: .utf8)
        let beside = try crawler(["store", "verify"])
        #expect(beside.stdout.contains("posts/1997/01/\(name): misplaced: a copy of posts/\(moved), the indexed one, with other bytes"),
                "\(beside.stdout)")
        #expect(!beside.stdout.contains("rm "), "\(beside.stdout)")
        try FileManager.default.removeItem(atPath: folder.file("store/posts/1997/01/" + name))

        // Moved, and an edited copy left elsewhere first in the listing: the copy that holds what
        // was stored is the one to move back, whichever comes first.
        try FileManager.default.createDirectory(atPath: folder.file("store/posts/1998/01"), withIntermediateDirectories: true)
        try (folder.read("store/posts/" + moved)! + "edited\n").write(toFile: folder.file("store/posts/1998/01/" + name),
                                                                     atomically: false, encoding: .utf8)
        try FileManager.default.moveItem(atPath: folder.file("store/posts/" + moved), toPath: folder.file("store/posts/1999/01/" + name))
        let twice = try crawler(["store", "verify"])
        #expect(twice.stdout.contains("posts/\(moved): moved to posts/1999/01/\(name); move it back"), "\(twice.stdout)")
        #expect(twice.stdout.contains("posts/1998/01/\(name): another copy of the moved posts/\(moved), with other bytes"),
                "\(twice.stdout)")

        // No copy holds what was stored (both edited): nothing is to be removed on verify's word.
        try (folder.read("store/posts/1999/01/" + name)! + "mine\n").write(toFile: folder.file("store/posts/1999/01/" + name),
                                                                           atomically: false, encoding: .utf8)
        let edited = try crawler(["store", "verify"])
        #expect(edited.stdout.contains("posts/\(moved): not on disk; copies elsewhere in the store hold other bytes"),
                "\(edited.stdout)")
        #expect(!edited.stdout.contains("rm "), "\(edited.stdout)")

        // A FIFO where a document should be: verify reads nothing from it, and does not wait.
        try FileManager.default.removeItem(atPath: folder.file("store/posts/1998/01/" + name))
        try FileManager.default.removeItem(atPath: folder.file("store/posts/1999/01/" + name))
        #expect(mkfifo(folder.file("store/posts/" + moved), 0o644) == 0)
        let fifo = try crawler(["store", "verify"])
        #expect(fifo.status == 1 && fifo.stdout.contains("posts/\(moved)"), "\(fifo.stdout)")
    }

    /// A folder of documents replaced by a link to a copy of it: verify named only "missing"
    /// documents (and offered to forget them), and rebuild-index silently indexed none of them,
    /// dropping their provenance. Both now name the link; rebuild-index writes nothing while it is there.
    @Test func aLinkInsideTheStoreIsNamedAndRebuildingWaitsForItToGo() throws {
        let server = try crawled()
        defer { withExtendedLifetime(server) {} }
        let month = String(documents[0].split(separator: "/").prefix(2).joined(separator: "/"))
        let inMonth = documents.filter { $0.hasPrefix(month + "/") }.count
        let elsewhere = folder.file("elsewhere")
        try FileManager.default.moveItem(atPath: folder.file("store/posts/" + month), toPath: elsewhere)
        try FileManager.default.createSymbolicLink(atPath: folder.file("store/posts/" + month), withDestinationPath: elsewhere)
        let verify = try crawler(["store", "verify"])
        #expect(verify.status == 1)
        #expect(verify.stdout.contains("posts/\(month): a symbolic link"), "\(verify.stdout)")
        #expect(!verify.stdout.contains("forget"), "\(verify.stdout)")
        let rebuild = try crawler(["store", "rebuild-index"])
        #expect(rebuild.status != 0)
        #expect(rebuild.stderr.contains("posts/\(month)") && rebuild.stderr.contains("symbolic link"), "\(rebuild.stderr)")
        try FileManager.default.removeItem(atPath: folder.file("store/posts/" + month))
        try FileManager.default.moveItem(atPath: elsewhere, toPath: folder.file("store/posts/" + month))
        #expect(try crawler(["store", "verify"]).status == 0)
        #expect(inMonth > 0 && documents.count == 6)

        // A link to a folder inside the store: the files it points to are the only copies, never
        // "second copies" to remove; and `forget --missing` forgets nothing behind it.
        try FileManager.default.createDirectory(atPath: folder.file("store/posts/1999"), withIntermediateDirectories: true)
        try FileManager.default.moveItem(atPath: folder.file("store/posts/" + month), toPath: folder.file("store/posts/1999/07"))
        try FileManager.default.createSymbolicLink(atPath: folder.file("store/posts/" + month),
                                                   withDestinationPath: folder.file("store/posts/1999/07"))
        let inside = try crawler(["store", "verify"])
        #expect(!inside.stdout.contains("rm ") && inside.stdout.contains("behind the link posts/\(month)"), "\(inside.stdout)")
        let forget = try crawler(["store", "forget", "--missing"])
        #expect(forget.status != 0 && forget.stderr.contains("symbolic link"), "\(forget.stdout)\(forget.stderr)")
        #expect(folder.files(under: "store/posts/1999/07").count == inMonth)
    }

    @Test func changingTheDocumentPathAndRebuildingKeepsTheOldDocumentsIndexed() throws {
        let server = try crawled()
        defer { withExtendedLifetime(server) {} }
        #expect(documents.count == 6)
        let config = try #require(folder.read("feeds.yaml"))
        try folder.write(config.replacingOccurrences(of: "feeds:\n", with: "document_path: archive/{year}/{hash}.md\nfeeds:\n"),
                         to: "feeds.yaml")
        let rebuild = try crawler(["store", "rebuild-index"])
        #expect(rebuild.status == 0, "\(rebuild.stderr)")
        #expect(rebuild.stdout.contains("indexed 6 documents"), "\(rebuild.stdout)")
        #expect(!rebuild.stdout.contains("misplaced"))
        #expect(try crawler(["store", "verify"]).status == 0)
        // Two layouts are not mixed silently: crawling waits for the documents to move.
        let refused = try crawler(["once"])
        #expect(refused.status == 2)
        #expect(refused.stderr.contains("crawler store rerender"), "\(refused.stderr)")
        #expect(folder.files(under: "store/archive").isEmpty)
        let rerender = try crawler(["store", "rerender"])
        #expect(rerender.status == 0, "\(rerender.stderr)")
        #expect(folder.files(under: "store/archive").count == 6)
        let again = try crawler(["once"])
        #expect(again.stdout.contains("0 new documents"), "\(again.stdout)")
        #expect(try crawler(["store", "verify"]).status == 0)
    }

    @Test func rebuildRejectsAMisplacedCopyNamingBothAndKeepsTheOriginal() throws {
        let server = try crawled()
        defer { withExtendedLifetime(server) {} }
        let original = try #require(documents.first)
        let name = String(original.split(separator: "/").last!)
        try FileManager.default.createDirectory(atPath: folder.file("store/posts/2000/01"), withIntermediateDirectories: true)
        // Sorted first, so a walk in name order meets the copy before the original.
        try FileManager.default.copyItem(atPath: folder.file("store/posts/" + original), toPath: folder.file("store/posts/2000/01/" + name))
        try Data("not a database".utf8).write(to: URL(fileURLWithPath: folder.file("store/index.sqlite")))
        try? FileManager.default.removeItem(atPath: folder.file("store/index.sqlite-wal"))

        let rebuild = try crawler(["store", "rebuild-index"])
        #expect(rebuild.status == 0, "\(rebuild.stderr)")
        #expect(rebuild.stdout.contains("indexed 6 documents"))
        #expect(rebuild.stdout.contains("rejected posts/2000/01/\(name): a misplaced copy (its date puts it at posts/\(original)) "
                                        + "of posts/\(original), which is kept"), "\(rebuild.stdout)")
        let verify = try crawler(["store", "verify"])
        #expect(verify.stdout.contains("posts/2000/01/\(name): misplaced: a second copy of posts/\(original)"))
        #expect(try crawler(["once"]).stdout.contains("0 new documents"))
    }

    /// Each fix `verify` offers works, and keeping an edit says that `rerender` writes the
    /// document again. A file that no longer reads as a document (its closing `</div>` gone, a
    /// line in its place) is kept by `rebuild-index` with its indexed date: it was left out, its
    /// item's history with it, and the next crawl wrote the feed's version over the edit.
    @Test func theAdviceForAFileThatNoLongerReadsAsADocumentLeadsOutOfTheLoop() throws {
        let server = try crawled()
        defer { withExtendedLifetime(server) {} }
        let files = documents
        let appended = files[0], edited = files[1]
        let text = try #require(folder.read("store/posts/" + appended))
        let broken = text.replacingOccurrences(of: "</div>", with: "") + "a note added by hand\n"
        try folder.write(broken, to: "store/posts/" + appended)
        let other = try #require(folder.read("store/posts/" + edited))
        try folder.write(other.replacingOccurrences(of: "Lorem", with: "Lorem, edited,"), to: "store/posts/" + edited)

        let verify = try crawler(["store", "verify"])
        #expect(verify.status == 1)
        let appendedLine = try #require(verify.stdout.split(separator: "\n").first { $0.contains(appended) })
        #expect(appendedLine.contains("no longer reads as a document"), "\(appendedLine)")
        #expect(appendedLine.contains("(without keeping the edit beside): crawler store rebuild-index"), "\(appendedLine)")
        let editedLine = try #require(verify.stdout.split(separator: "\n").first { $0.contains(edited) })
        #expect(editedLine.contains("changed:") && editedLine.contains("if you edited it, nothing needs doing"), "\(editedLine)")
        #expect(editedLine.contains("crawls, rerender and rebuild-index keep an edit"), "\(editedLine)")
        let rebuild = try crawler(["store", "rebuild-index"])
        #expect(rebuild.stdout.contains("posts/\(appended): kept with its indexed date"), "\(rebuild.stdout)")
        #expect(rebuild.stdout.contains("indexed 6 documents"), "\(rebuild.stdout)")
        // Round 65: the edit stays one through the rebuild.
        #expect(rebuild.stdout.contains("edited posts/\(edited): differs from what was stored; kept as an edit"), "\(rebuild.stdout)")
        let again = try crawler(["store", "verify", "--edits-ok"])
        #expect(again.status == 0, "\(again.stdout)")
        #expect(again.stdout.contains("posts/\(edited): changed:"), "\(again.stdout)")
        #expect(try crawler(["once"]).stdout.contains("0 new documents"))
        #expect(folder.read("store/posts/" + appended) == broken)
    }
}

/// Advice followed literally, with `sh`, where it used to delete the only copy of a document or an edit.
extension StoreVerifyAdviceTests {
    private func runShell(_ command: String) throws {
        let shell = Process()
        shell.executableURL = URL(fileURLWithPath: "/bin/sh")
        shell.arguments = ["-c", command]
        shell.standardOutput = FileHandle.nullDevice
        try shell.run()
        shell.waitUntilExit()
    }

    /// The commands of a "to restore it" line: from its test that the aside name is free to the `;` after them.
    private func restoreCommand(_ line: String) throws -> String {
        let commands = try #require(line.range(of: ".edited: [ "), "\(line)")
        return "[ " + (line[commands.upperBound...].components(separatedBy: "; once").first ?? "")
    }

    private func advice(_ verify: CrawlerProcess.Run, for path: String, after marker: String) throws -> String {
        let line = try #require(verify.stdout.split(separator: "\n").first { $0.hasPrefix(path + ":") }, "\(verify.stdout)")
        return try #require(line.components(separatedBy: marker).last, "\(line)")
    }

    /// One document deleted, another moved by hand: `forget --missing` forgot both, and verify then
    /// called the moved one's file forgotten and advised removing it, the only copy.
    @Test func forgettingTheMissingKeepsADocumentMovedElsewhere() throws {
        let server = try crawled()
        defer { withExtendedLifetime(server) {} }
        let files = documents
        let name = String(files[1].split(separator: "/").last!)
        try FileManager.default.removeItem(atPath: folder.file("store/posts/" + files[0]))
        try FileManager.default.createDirectory(atPath: folder.file("store/posts/old"), withIntermediateDirectories: true)
        try FileManager.default.moveItem(atPath: folder.file("store/posts/" + files[1]), toPath: folder.file("store/posts/old/" + name))
        let forget = try crawler(["store", "forget", "--missing"])
        #expect(forget.status == 0, "\(forget.stderr)")
        #expect(forget.stdout.contains("forgot posts/\(files[0])") && !forget.stdout.contains("forgot posts/\(files[1])"),
                "\(forget.stdout)")
        #expect(forget.stdout.contains("kept posts/\(files[1]): not missing but moved"), "\(forget.stdout)")
        let verify = try crawler(["store", "verify"])
        try runShell(try advice(verify, for: "posts/" + files[1], after: "move it back: "))
        #expect(try crawler(["store", "verify"]).status == 0)
        #expect(documents.count == 5)
    }

    /// A copy in a folder whose name ends in a line break, the indexed file edited: the quoted
    /// path ran `printf '\\012'` in a command substitution, which drops a final line break, so
    /// the advice named the edited original instead of the copy (`rm` deleted the edit).
    @Test func theAdviceForAPathWithALineBreakNamesThatPath() throws {
        let server = try crawled()
        defer { withExtendedLifetime(server) {} }
        let file = try #require(documents.first)
        let folderPath = String(file.split(separator: "/").dropLast().joined(separator: "/"))
        let name = String(file.split(separator: "/").last!)
        let broken = "store/posts/" + folderPath + "\n"
        try FileManager.default.createDirectory(atPath: folder.file(broken), withIntermediateDirectories: true)
        let stored = try #require(folder.read("store/posts/" + file))
        try folder.write(stored, to: broken + "/" + name)
        try folder.write(stored + "my edit\n", to: "store/posts/" + file)
        let verify = try crawler(["store", "verify"])
        let line = try #require(verify.stdout.split(separator: "\n").first { $0.contains("to restore it") }, "\(verify.stdout)")
        let restore = try restoreCommand(String(line))
        #expect(restore.contains("printf"), "\(restore)")
        try runShell(restore)
        #expect(folder.read("store/posts/" + file) == stored, "\(restore)")
        #expect(folder.read("store/posts/" + Self.aside(file)) == stored + "my edit\n")
        #expect(folder.read(broken + "/" + name) == stored)
    }

    /// verify of a copy named by `--store` printed `crawler store forget 'posts/…'`: run where
    /// feeds.yaml names the live store, it forgot and deleted the live store's intact document.
    @Test func theAdviceForAStoreNamedByOptionNamesThatStore() throws {
        let server = try crawled()
        defer { withExtendedLifetime(server) {} }
        let file = try #require(documents.first)
        try FileManager.default.copyItem(atPath: folder.file("store"), toPath: folder.file("snapshot"))
        try folder.write("cut", to: "snapshot/posts/" + file)
        let verify = try crawler(["store", "verify", "--store", "snapshot"])
        let forget = try advice(verify, for: "posts/" + file, after: "or drop it: ")
        #expect(forget.hasPrefix("crawler store forget "), "\(forget)")
        try runShell("cd '\(folder.path)' && '\(CrawlerProcess.binary)'" + forget.dropFirst("crawler".count))
        #expect(folder.read("store/posts/" + file) != nil)
        #expect(try crawler(["store", "verify"]).status == 0)
        let snapshot = try crawler(["store", "verify", "--store", "snapshot"])
        #expect(snapshot.status == 0, "\(snapshot.stdout)")
    }

    /// A folder renamed to the decomposed spelling of its name (as macOS writes "é"): String's ==
    /// took each file for the indexed one, verify called every document missing, and forgetting
    /// the missing, then removing the "forgotten" files, deleted them all.
    @Test func aFolderRenamedToAnotherSpellingOfItsNameHoldsMovedDocuments() throws {
        let server = try farm.server()
        try folder.write(farm.config(server: server).replacingOccurrences(of: "store: ./store", with:
            "store: ./store\ndocument_path: \"caf\u{E9}/{year}/{hash}.md\""), to: "feeds.yaml")
        #expect(try crawler(["once"]).status == 0)
        try FileManager.default.moveItem(atPath: folder.file("store/caf\u{E9}"), toPath: folder.file("store/cafe\u{301}"))
        let verify = try crawler(["store", "verify"])
        #expect(verify.stdout.contains("moved to cafe\u{301}/") && !verify.stdout.contains("missing"), "\(verify.stdout)")
        let forget = try crawler(["store", "forget", "--missing"])
        #expect(forget.stdout.contains("forgot 0 documents"), "\(forget.stdout)")
        #expect(folder.files(under: "store/cafe\u{301}").count == 6)
    }

    /// A store indexed before digests were kept: a copy of the same size was taken for the same
    /// bytes, and an edit of that size was given `rm` advice.
    @Test func withoutADigestACopyOfTheSameSizeIsNotCalledTheSame() throws {
        let server = try crawled()
        defer { withExtendedLifetime(server) {} }
        let file = try #require(documents.first)
        let name = String(file.split(separator: "/").last!)
        let sql = Process()
        sql.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        sql.arguments = ["-c", "import sqlite3,sys; d=sqlite3.connect(sys.argv[1]); d.execute('UPDATE documents SET digest=NULL'); d.commit()",
                         folder.file("store/index.sqlite")]
        try sql.run()
        sql.waitUntilExit()
        try FileManager.default.createDirectory(atPath: folder.file("store/posts/copy"), withIntermediateDirectories: true)
        let text = try #require(folder.read("store/posts/" + file))
        try folder.write(text.replacingOccurrences(of: "Lorem", with: "LOREM"), to: "store/posts/copy/" + name)
        let verify = try crawler(["store", "verify"])
        #expect(verify.stdout.contains("posts/copy/\(name): misplaced: a copy of posts/\(file), the indexed one, with other bytes"),
                "\(verify.stdout)")
        #expect(!verify.stdout.contains("rm "), "\(verify.stdout)")
    }

    /// A template whose front matter holds no YAML `date:` line (Hugo's TOML): verify called every
    /// untouched document corrupt and advised forgetting it, and rebuild-index dropped them all.
    @Test func documentsOfATemplateWithoutAYAMLDateAreNeitherCorruptNorDropped() throws {
        let server = try farm.server()
        try folder.write("+++\ntitle = \"{{title}}\"\ndate = {{date_rfc3339}}\n+++\n{{{body_inert}}}\n", to: "post.mustache")
        try folder.write(farm.config(server: server).replacingOccurrences(of: "store: ./store", with:
            "store: ./store\noutput: template\ntemplate: post.mustache\ndocument_path: \"posts/{year}/{hash}.md\""), to: "feeds.yaml")
        let once = try crawler(["once"])
        #expect(once.status == 0, "\(once.stderr)")
        let verify = try crawler(["store", "verify"])
        #expect(verify.status == 0 && verify.stdout.contains("verified 6 documents"), "\(verify.stdout)")
        let rebuild = try crawler(["store", "rebuild-index"])
        #expect(rebuild.stdout.contains("indexed 6 documents"), "\(rebuild.stdout)")
        #expect(try crawler(["store", "verify"]).status == 0)
    }

    /// A backup copied beside a document, then the document edited: verify told to restore the
    /// document from a backup, and to remove the backup as a second copy, the only file holding
    /// what was stored.
    @Test func aBackupOfAnEditedDocumentIsNotToBeRemoved() throws {
        let server = try crawled()
        defer { withExtendedLifetime(server) {} }
        let file = try #require(documents.first)
        let stored = try #require(folder.read("store/posts/" + file))
        let backup = "store/posts/" + file.replacingOccurrences(of: ".md", with: ".md.orig")
        try folder.write(stored, to: backup)
        try folder.write(stored + "edited\n", to: "store/posts/" + file)
        let verify = try crawler(["store", "verify"])
        #expect(!verify.stdout.contains("rm "), "\(verify.stdout)")
        let line = try #require(verify.stdout.split(separator: "\n").first { $0.hasPrefix(String(backup.dropFirst("store/".count))) },
                                "\(verify.stdout)")
        try runShell(try restoreCommand(String(line)))
        #expect(folder.read("store/posts/" + file) == stored)
        #expect(folder.read("store/posts/" + Self.aside(file)) == stored + "edited\n")
    }

    /// `forget` given a link inside the store resolved it, and forgot and deleted the document it
    /// points to (verify calls such a link one it never follows).
    @Test func forgettingALinkLeavesTheDocumentItPointsTo() throws {
        let server = try crawled()
        defer { withExtendedLifetime(server) {} }
        let file = try #require(documents.first)
        let link = "store/posts/" + String(file.split(separator: "/").dropLast().joined(separator: "/")) + "/aaaaaaaaaaaaaaaa.md"
        try FileManager.default.createSymbolicLink(atPath: folder.file(link), withDestinationPath: folder.file("store/posts/" + file))
        let forget = try crawler(["store", "forget", folder.file(link)])
        #expect(forget.status != 0 && forget.stdout.contains("forgot 0 documents"), "\(forget.stdout)\(forget.stderr)")
        #expect(folder.read("store/posts/" + file) != nil)
    }

    /// The indexed file out of place (indexed where it was moved), and a copy put back in place:
    /// the copy was "a second copy: rm" while the indexed one's line said to move it over the
    /// copy and rebuild; followed in order, the rm removed the only copy.
    @Test func aCopyInPlaceOfAMisplacedIndexedDocumentIsNotToBeRemoved() throws {
        let server = try crawled()
        defer { withExtendedLifetime(server) {} }
        let file = try #require(documents.first)
        let name = String(file.split(separator: "/").last!)
        try FileManager.default.createDirectory(atPath: folder.file("store/posts/old"), withIntermediateDirectories: true)
        try FileManager.default.moveItem(atPath: folder.file("store/posts/" + file), toPath: folder.file("store/posts/old/" + name))
        #expect(try crawler(["store", "rebuild-index"]).stdout.contains("misplaced posts/old/\(name)"))
        try FileManager.default.copyItem(atPath: folder.file("store/posts/old/" + name), toPath: folder.file("store/posts/" + file))
        let verify = try crawler(["store", "verify"])
        #expect(!verify.stdout.contains("rm "), "\(verify.stdout)")
        let move = try advice(verify, for: "posts/old/" + name, after: "move it there, then: ")
        try FileManager.default.removeItem(atPath: folder.file("store/posts/old/" + name))
        try runShell("cd '\(folder.path)' && '\(CrawlerProcess.binary)'" + move.dropFirst("crawler".count))
        #expect(try crawler(["store", "verify"]).status == 0)
        #expect(folder.read("store/posts/" + file) != nil)
    }

    /// `rebuild-index` keeps an edited file that no longer reads as a document, but not an empty
    /// or binary one (a crash, a full disk): kept, verify called the store clean.
    @Test func rebuildingDropsAnEmptyOrBinaryDocumentItCannotRead() throws {
        let server = try crawled()
        defer { withExtendedLifetime(server) {} }
        let files = documents
        try folder.write("", to: "store/posts/" + files[0])
        try Data([0x67, 0x00, 0x00]).write(to: URL(fileURLWithPath: folder.file("store/posts/" + files[1])))
        let rebuild = try crawler(["store", "rebuild-index"])
        #expect(rebuild.stdout.contains("indexed 4 documents"), "\(rebuild.stdout)")
        #expect(!rebuild.stdout.contains("kept with its indexed date"), "\(rebuild.stdout)")
        #expect(try crawler(["store", "verify"]).status == 1)
    }

    /// A document moved to the store's top or into `assets/` is not missing: `forget --missing`
    /// forgot it, and verify then advised removing the file as forgotten.
    @Test func forgettingTheMissingKeepsADocumentMovedToTheTopOrAssets() throws {
        let server = try crawled()
        defer { withExtendedLifetime(server) {} }
        let files = documents
        let top = String(files[0].split(separator: "/").last!), kept = String(files[1].split(separator: "/").last!)
        try FileManager.default.moveItem(atPath: folder.file("store/posts/" + files[0]), toPath: folder.file("store/" + top))
        try FileManager.default.createDirectory(atPath: folder.file("store/assets/x"), withIntermediateDirectories: true)
        try FileManager.default.moveItem(atPath: folder.file("store/posts/" + files[1]), toPath: folder.file("store/assets/x/" + kept))
        let forget = try crawler(["store", "forget", "--missing"])
        #expect(forget.stdout.contains("forgot 0 documents"), "\(forget.stdout)")
        #expect(forget.stdout.contains("kept posts/\(files[0])") && forget.stdout.contains("kept posts/\(files[1])"), "\(forget.stdout)")
        let verify = try crawler(["store", "verify"])
        #expect(verify.stdout.contains("posts/\(files[0]): not on disk; a file named with its hash is at the store's top")
                && !verify.stdout.contains("forget --missing"), "\(verify.stdout)")
    }

    /// An edited file rebuild-index left out (it no longer began as a document), then its item
    /// stored again: the new document replaced the edit at its path. The edit is set aside as
    /// `NAME.edited`; and restoring from a backup twice never writes over that.
    @Test func storingOverAnUnindexedEditSetsTheEditAside() throws {
        let server = try crawled()
        defer { withExtendedLifetime(server) {} }
        let file = try #require(documents.first)
        let stored = try #require(folder.read("store/posts/" + file))
        let edited = "my edit\n" + stored
        try folder.write(edited, to: "store/posts/" + file)
        #expect(try crawler(["store", "rebuild-index"]).stdout.contains("skipped posts/\(file)"))
        #expect(try crawler(["once"]).status == 0)
        #expect(folder.read("store/posts/" + file) == stored)
        #expect(folder.read("store/posts/" + Self.aside(file)) == edited)
        // Set aside, the edit is no document: verify names it without advice to remove it.
        let aside = try crawler(["store", "verify"])
        #expect(aside.status == 0 && aside.stdout.contains("posts/\(Self.aside(file)): an edit set aside"), "\(aside.stdout)")

        // Two backups, each with its restore line: run both, the edit stays set aside.
        try folder.write(stored, to: "store/posts/" + file + ".orig")
        try folder.write(stored, to: "store/posts/" + file + ".bak")
        try folder.write(stored + "second edit\n", to: "store/posts/" + file)
        try FileManager.default.removeItem(atPath: folder.file("store/posts/" + Self.aside(file)))
        let verify = try crawler(["store", "verify"])
        let lines = verify.stdout.split(separator: "\n").filter { $0.contains("to restore it") }
        #expect(lines.count == 2, "\(verify.stdout)")
        for line in lines { try? runShell(try restoreCommand(String(line))) }
        #expect(folder.read("store/posts/" + file) == stored)
        #expect(folder.read("store/posts/" + Self.aside(file)) == stored + "second edit\n")
    }

    /// An unindexed edit at a document's path, and a crash just before the document was linked
    /// there: the next start took the pending document for missing and removed the file at its
    /// path, the edit. It is set aside instead; and a document forgotten later leaves its
    /// set-aside edit alone (verify advised `forget` for it, which deleted it).
    @Test func aCrashBeforeStoringOverAnEditKeepsTheEdit() throws {
        let server = try crawled()
        defer { withExtendedLifetime(server) {} }
        let file = try #require(documents.first)
        let stored = try #require(folder.read("store/posts/" + file))
        let edited = "my own text\n"
        try folder.write(edited, to: "store/posts/" + file)
        #expect(try crawler(["store", "rebuild-index"]).stdout.contains("skipped posts/\(file)"))
        let killed = try CrawlerProcess.run(["once"], in: folder.path, shellPrefix: "export CRAWLER_FAULT='link:KILL:1';")
        #expect(killed.status != 0)
        #expect(try crawler(["once"]).status == 0)
        #expect(folder.read("store/posts/" + file) == stored)
        #expect(folder.read("store/posts/" + Self.aside(file)) == edited)
        #expect(try crawler(["store", "forget", "posts/" + file]).status == 0)
        let verify = try crawler(["store", "verify"])
        #expect(!verify.stdout.contains(".edited: forgotten"), "\(verify.stdout)")
        #expect(folder.read("store/posts/" + Self.aside(file)) == edited)
    }
}

extension StoreVerifyAdviceTests {
    /// Where an edit of the document at `path` is set aside: `.NAME.edited` beside it (hidden, so
    /// that no site generator publishes it).
    static func aside(_ path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." + path + ".edited" }
        return String(path[...slash]) + "." + path[path.index(after: slash)...] + ".edited"
    }
}
