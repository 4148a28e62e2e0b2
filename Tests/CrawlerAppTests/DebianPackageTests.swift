import CrawlerTestKit
import Foundation
import Testing

/// `scripts/build-deb.sh` (what `make deb` runs) on the built binary: the package holds what an
/// operator installs. Installing it into a clean root and lintian are `make deb-test`.
@Suite struct DebianPackageTests {
    let folder = TemporaryFolder()

    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().path

    private func run(_ executable: String, _ arguments: [String], environment: [String: String] = [:]) throws -> CrawlerProcess.Run {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        return try CrawlerProcess.collect(process)
    }

    @Test func thePackageHoldsBinaryUnitsManPagesCompletionsDocsAndTheConffile() throws {
        let built = try run(Self.repository + "/scripts/build-deb.sh", [], environment: [
            "CRAWLER_BINARY": CrawlerProcess.binary, "DEB_OUTPUT_DIR": folder.path, "DEB_COMPRESSION": "none"])
        #expect(built.status == 0, "\(built.stdout)\(built.stderr)")
        let package = try #require(folder.files().first { $0.hasPrefix("crawler_0.") && $0.hasSuffix(".deb") },
                                   "\(folder.files())")
        let path = folder.file(package)

        let contents = try run("/usr/bin/dpkg-deb", ["--contents", path])
        let lines = contents.stdout.split(separator: "\n")
        #expect(lines.allSatisfy { $0.contains(" root/root ") }, "\(contents.stdout)")
        let files = Set(lines.compactMap { $0.split(separator: " ").last.map(String.init) })
        for expected in ["./usr/bin/crawler", "./etc/crawler/feeds.yaml",
                         "./lib/systemd/system/crawler.service", "./lib/systemd/system/crawler-once.service",
                         "./lib/systemd/system/crawler-once.timer",
                         "./usr/share/man/man1/crawler.1.gz", "./usr/share/man/man1/crawler-once.1.gz",
                         "./usr/share/man/man1/crawler-store-verify.1.gz", "./usr/share/man/man1/crawler-check.1.gz",
                         "./usr/share/bash-completion/completions/crawler", "./usr/share/zsh/vendor-completions/_crawler",
                         "./usr/share/fish/vendor_completions.d/crawler.fish",
                         "./usr/share/doc/crawler/copyright", "./usr/share/doc/crawler/changelog.gz",
                         "./usr/share/doc/crawler/README.md"] {
            #expect(files.contains(expected), "\(expected) missing from \(files.sorted())")
        }
        #expect(!files.contains { $0.hasPrefix("./etc/systemd/") || $0.hasPrefix("./usr/local/") })

        let fields = try run("/usr/bin/dpkg-deb", ["-f", path, "Package", "Version", "Depends"])
        #expect(fields.stdout.contains("Package: crawler\nVersion: 0."), "\(fields.stdout)")
        for library in ["libc6", "libcurl4", "libxml2", "libsqlite3-0", "libpq5", "libzstd1", "procps"] {
            #expect(fields.stdout.contains(library), "Depends lacks \(library): \(fields.stdout)")
        }
        #expect(try run("/usr/bin/dpkg-deb", ["-I", path, "conffiles"]).stdout == "/etc/crawler/feeds.yaml\n")
    }

    @Test func eachCommandsManPageComesFromItsHelp() throws {
        let out = folder.file("docs")
        let generated = try run(Self.repository + "/scripts/generate-docs.sh", [CrawlerProcess.binary, out])
        #expect(generated.status == 0, "\(generated.stderr)")
        let page = try #require(folder.read("docs/man/crawler-once.1"))
        #expect(page.hasPrefix(".TH \"CRAWLER-ONCE\" 1 "))
        // The option and its help as `crawler once --help` gives them.
        let help = try CrawlerProcess.run(["once", "--help"], in: folder.path).stdout
        #expect(help.contains("--feed"))
        #expect(page.contains("\\-\\-feed <feed>\\fR"), "\(page)")
        #expect(page.contains(".SH SEE ALSO\n\\fBcrawler\\fR(1)"))
        let top = try #require(folder.read("docs/man/crawler.1"))
        #expect(top.contains("\\fBcrawler\\-once\\fR(1)"))
        #expect(folder.read("docs/completions/crawler.bash")?.contains("complete") == true)
        #expect(folder.read("docs/completions/_crawler")?.hasPrefix("#compdef crawler") == true)
        #expect(folder.read("docs/completions/crawler.fish")?.contains("complete -c 'crawler'") == true)
    }
}
