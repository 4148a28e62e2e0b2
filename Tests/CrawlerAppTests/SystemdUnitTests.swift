import CrawlerTestKit
import Foundation
import Testing

/// The shipped units pass systemd's own checker (with ExecStart pointed at the built binary).
@Suite struct SystemdUnitTests {
    let folder = TemporaryFolder()

    static var repository: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }

    @Test func unitsPassSystemdAnalyzeVerify() throws {
        let analyzer = "/usr/bin/systemd-analyze"
        try #require(FileManager.default.isExecutableFile(atPath: analyzer), "install Debian's systemd package")
        let units = ["crawler.service", "crawler-once.service", "crawler-once.timer"]
        for unit in units {
            let text = try String(contentsOf: Self.repository.appendingPathComponent("systemd/" + unit), encoding: .utf8)
            try folder.write(text.replacingOccurrences(of: "/usr/local/bin/crawler", with: CrawlerProcess.binary), to: unit)
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: analyzer)
        process.arguments = ["verify"] + units.map(folder.file)
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "\(text)")
        #expect(text.isEmpty, "\(text)")
    }

    @Test func theServiceIsANotifyServiceThatReloadsWithHUP() throws {
        let text = try String(contentsOf: Self.repository.appendingPathComponent("systemd/crawler.service"), encoding: .utf8)
        let lines = Set(text.split(separator: "\n").map(String.init))
        for expected in ["Type=notify", "ExecReload=/bin/kill -HUP $MAINPID", "Restart=on-failure", "DynamicUser=yes",
                         "StateDirectory=crawler", "ProtectSystem=strict", "ProtectHome=yes", "PrivateTmp=yes",
                         "NoNewPrivileges=yes"] {
            #expect(lines.contains(expected), "missing \(expected)")
        }
    }
}
