import ArgumentParser
import Config
import FeedModel
import Foundation

/// feeds.yaml as text, for the commands that add feeds to it.
struct ConfigFile {
    let path: String
    /// The file as read: a new copy is written only over these same bytes.
    let bytes: [UInt8]
    let config: CrawlerConfig

    private static let byteOrderMark: [UInt8] = [0xEF, 0xBB, 0xBF]

    /// The text without its byte order mark, if it had one; the mark is written back with it.
    var text: String { String(decoding: hasByteOrderMark ? Array(bytes.dropFirst(3)) : bytes, as: UTF8.self) }
    private var hasByteOrderMark: Bool { bytes.starts(with: Self.byteOrderMark) }

    static func load(_ path: String) throws -> ConfigFile {
        do {
            let (config, bytes) = try ConfigLoader.loadFile(path: path)
            return ConfigFile(path: path, bytes: bytes, config: config)
        } catch {
            printError("crawler: \(error)")
            throw ExitStatus.configError
        }
    }

    /// Appends `feeds` (already checked for duplicates) and writes the file whole again.
    /// `dryRun`: the edit is made and checked as for real, and not written.
    /// Returns the lines added (as the file would have them), for a dry run to show.
    @discardableResult
    func append(_ feeds: [FeedConfig], disabled: Set<String> = [], comment: String, dryRun: Bool = false) throws -> String {
        let editor = FeedsFileEditor(parser: ConfigParser(fileName: path, baseDirectory: ConfigLoader.folder(of: path)))
        do {
            let updated = try editor.appending(feeds, disabled: disabled, to: text, comment: comment)
            let added = updated.hasPrefix(text) ? String(updated.dropFirst(text.count)) : updated
            if dryRun { return added }
            try FileReplacement.replace(path, expecting: bytes,
                                        with: (hasByteOrderMark ? Self.byteOrderMark : []) + Array(updated.utf8))
            return added
        } catch let failure as FeedsFileEditor.Failure {
            printError("crawler: \(failure)")
            throw ExitStatus.configError
        } catch let failure as FileReplacement.Failure {
            printError("crawler: \(failure)")
            throw ExitStatus.configError
        } catch {
            printError("crawler: cannot write \(path): \(error.localizedDescription)")
            throw ExitStatus.configError
        }
    }

    /// A name not in `taken` (the names in use as `FeedNames.key` compares them, so that `Foo`
    /// beside `foo` is numbered): `preferred`, else `preferred-2`, `-3`...
    static func uniqueName(_ preferred: String, taken: Set<String>) -> String {
        var counters: [String: Int] = [:]
        return uniqueName(preferred, taken: taken, counters: &counters)
    }

    /// `counters`: for names given in turn, the number each base got to, so that the thousandth
    /// feed of one title does not count up from 2 again (an OPML of 20,000 took 39 s).
    static func uniqueName(_ preferred: String, taken: Set<String>, counters: inout [String: Int]) -> String {
        let base = preferred.isEmpty ? "feed" : preferred
        var candidate = base
        var number = counters[base] ?? 2
        while taken.contains(FeedNames.key(candidate)) {
            candidate = "\(base)-\(number)"
            number += 1
        }
        counters[base] = number
        return candidate
    }

    /// The configured feed (enabled or not) at `url`, written the same or differently
    /// (`HTTP://Example.org:80/feed#top` is `http://example.org/feed`).
    func feed(at url: String) -> FeedConfig? {
        let key = URLIdentity.key(url)
        return (config.feeds + config.disabledFeeds).first { URLIdentity.key($0.url) == key }
    }
}
