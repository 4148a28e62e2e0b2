import CrawlerTestKit
import Foundation
import Testing

/// `index.sqlite` is the store's memory of what it holds. Another program's database there was
/// taken for a new store's index: the crawler's tables went into it, and every item was stored.
@Suite struct ForeignIndexTests {
    let folder = TemporaryFolder()
    let farm = FeedFarm(feeds: 2, itemsPerFeed: 3)

    private func crawler(_ arguments: [String]) throws -> CrawlerProcess.Run {
        try CrawlerProcess.run(arguments, in: folder.path)
    }

    private func sql(_ statements: String, on name: String = "store/index.sqlite") throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        process.arguments = ["-c", """
            import sqlite3, sys
            db = sqlite3.connect(sys.argv[1]); db.executescript(sys.argv[2]); db.commit()
            print(",".join(sorted(r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'"))))
            """, folder.file(name), statements]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        return text.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    @Test func anotherProgramsDatabaseIsNotWrittenTo() throws {
        let server = try farm.server()
        defer { withExtendedLifetime(server) {} }
        try FileManager.default.createDirectory(atPath: folder.file("store"), withIntermediateDirectories: true)
        let tables = try sql("CREATE TABLE invoices (id INTEGER PRIMARY KEY, total REAL); INSERT INTO invoices VALUES (1, 9.5);")
        #expect(tables == "invoices")
        try folder.write(farm.config(server: server), to: "feeds.yaml")
        let refused = try crawler(["once"])
        #expect(refused.status == 3 && refused.stderr.contains("not a crawler index") && refused.stderr.contains("invoices"),
                "\(refused.stderr)")
        #expect(try sql("") == "invoices", "the crawler's tables went into another program's database")
        #expect(folder.files(under: "store/posts").isEmpty)
        // rebuild-index sets it aside, as it does an index it cannot open, and starts a new one.
        let rebuilt = try crawler(["store", "rebuild-index"])
        #expect(rebuilt.status == 0, "\(rebuilt.stderr)")
        #expect(try sql("", on: "store/index.sqlite.broken") == "invoices")
        #expect(try crawler(["once"]).stdout.contains("6 new documents"))
    }

    /// Round 59: with another program's database in place of a crawled store's index, `verify`
    /// called every document unknown (exit 1) and `status` listed feeds never fetched.
    @Test func theReadingCommandsNameAForeignIndexAsCrawlsDo() throws {
        let server = try farm.server()
        defer { withExtendedLifetime(server) {} }
        try folder.write(farm.config(server: server), to: "feeds.yaml")
        #expect(try crawler(["once"]).status == 0)
        for name in ["index.sqlite", "index.sqlite-wal", "index.sqlite-shm"] {
            try? FileManager.default.removeItem(atPath: folder.file("store/" + name))
        }
        _ = try sql("CREATE TABLE foo (x);")
        for command in [["store", "verify"], ["status"]] {
            let run = try crawler(command)
            #expect(run.status == 3 && run.stderr.contains("is not a crawler index (it holds foo)"), "\(command) \(run.stdout) \(run.stderr)")
            #expect(!run.stdout.contains("unknown"), "\(run.stdout)")
        }
    }
}
