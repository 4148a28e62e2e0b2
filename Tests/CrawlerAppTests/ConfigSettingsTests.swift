import CrawlerTestKit
import Foundation
import Testing

/// Settings whose values `check` took and the crawler then did something else with: a path cut at
/// a NUL, a site link that is no link, interval bounds the wrong way round blamed on a feed, and
/// waits longer than the scheduler keeps. Each is refused with its own line, nothing fetched.
@Suite struct ConfigSettingsTests {
    let folder = TemporaryFolder()

    private func crawler(_ arguments: [String]) throws -> CrawlerProcess.Run {
        try CrawlerProcess.run(arguments, in: folder.path)
    }

    private func refused(_ yaml: String, with message: String) throws {
        try ConfigRefusal.expect(yaml, with: message, in: folder)
    }

    /// `store: "./st\0ore"` passed `check`, was reported as `st\u0000ore`, and the documents went
    /// into `./st`: the system reads a path up to its first NUL. No path setting may hold a control.
    @Test func aControlCharacterInAPathSettingIsRefusedWithItsLine() throws {
        try refused("store: \"./st\\0ore\"\nfeeds:\n  - url: SERVER/healthy\n",
                    with: "feeds.yaml:1: store: './st\\u0000ore' holds a control character, which no path can hold")
        try refused("store: ./store\nca_file: \"/etc/ca\\npem\"\nfeeds:\n  - url: SERVER/healthy\n",
                    with: "feeds.yaml:2: ca_file: '/etc/ca\\u000apem' holds a control character, which no path can hold")
        try refused("store: ./store\nfeeds:\n  - url: SERVER/healthy\n    ca_file: \"ca\\u0085.pem\"\n",
                    with: "feeds.yaml:4: feeds[0].ca_file: 'ca\\u0085.pem' holds a control character, which no path can hold")
        try refused("store: ./store\noutput: template\ntemplate: \"post\\0.mustache\"\nfeeds:\n  - url: SERVER/healthy\n",
                    with: "feeds.yaml:3: template: 'post\\u0000.mustache' holds a control character, which no path can hold")
        #expect(folder.files(under: "st").isEmpty && folder.files(under: "store").isEmpty)
    }

    /// Round 33: `adaptive: true, max_interval: 1m` alone was taken, and the feed polled every
    /// twenty minutes: min_interval's default (5m) was above it. The same for a minimum alone.
    @Test func aBoundAgainstTheOthersDefaultIsRefused() throws {
        try refused("store: ./store\nfeeds:\n  - url: SERVER/healthy\n    adaptive: true\n    max_interval: 1m\n",
                    with: "feeds.yaml:5: feeds[0].max_interval: '1m' is shorter than min_interval's default for this feed "
                        + "(5m, the smaller of interval and 5m); set min_interval: too")
        try refused("store: ./store\nmin_interval: 2d\nfeeds:\n  - url: SERVER/healthy\n",
                    with: "feeds.yaml:2: min_interval: '2d' is longer than max_interval's default for this feed "
                        + "(1d, the larger of interval and 1d); set max_interval: too")
    }

    /// Round 33: a NUL in `password_env:` read another variable (the system stops at it), whose
    /// secret was sent; a line break in it forged a line of the summary. An empty path was taken
    /// as the folder feeds.yaml is in, and `~` as a folder named `~`.
    @Test func aVariableNameOrPathThatIsNoneIsRefusedWithItsLine() throws {
        try refused("store: ./store\nfeeds:\n  - url: SERVER/healthy\n    basic_auth: {username: u, password_env: \"HOME\\0X\"}\n",
                    with: "feeds.yaml:4: feeds[0].basic_auth.password_env: 'HOME\\u0000X' is no environment variable's name "
                        + "(letters, digits and _, not starting with a digit)")
        try refused("store: ./store\nfeeds:\n  - url: SERVER/healthy\n    basic_auth: {username: u, password_env: \"\"}\n",
                    with: "feeds.yaml:4: feeds[0].basic_auth.password_env: '' is no environment variable's name "
                        + "(letters, digits and _, not starting with a digit)")
        try refused("store: \"\"\nfeeds:\n  - url: SERVER/healthy\n",
                    with: "feeds.yaml:1: store: is empty; name a file or folder")
        try refused("store: \"~/st\"\nfeeds:\n  - url: SERVER/healthy\n",
                    with: "feeds.yaml:1: store: '~/st' starts with ~, which only a shell expands; write the whole path")
    }

    /// `min_interval: 2h` over `max_interval: 1h` passed `check` with `feeds: []`, and with feeds was
    /// blamed on the first feed's line as `feeds[0].min_interval`.
    @Test func globalIntervalBoundsTheWrongWayRoundAreRefusedAtTheirOwnLine() throws {
        let message = "feeds.yaml:2: min_interval: '2h' is longer than max_interval (1h, line 3); the bounds are the wrong way round"
        try refused("store: ./store\nmin_interval: 2h\nmax_interval: 1h\nfeeds: []\n", with: message)
        try refused("store: ./store\nmin_interval: 2h\nmax_interval: 1h\nfeeds:\n  - url: SERVER/healthy\n", with: message)
        // A feed's own bound against the other global one is the feed's mistake, named at its key.
        try refused("store: ./store\nmax_interval: 1h\nfeeds:\n  - url: SERVER/healthy\n    min_interval: 2h\n",
                    with: "feeds.yaml:5: feeds[0].min_interval: '2h' is longer than max_interval (1h, line 2); "
                        + "the bounds are the wrong way round")
        try refused("store: ./store\nmin_interval: 2h\nfeeds:\n  - url: SERVER/healthy\n    max_interval: 1h\n",
                    with: "feeds.yaml:5: feeds[0].max_interval: '1h' is shorter than min_interval (2h, line 2); "
                        + "the bounds are the wrong way round")
    }

    /// `interval: 36500d` was taken and logged as 36500d while the scheduler holds every wait to
    /// ten years: what the log says is not what is done. Past ten years a poll setting is refused.
    @Test(arguments: ["interval", "min_interval", "max_interval", "max_backoff"])
    func aWaitLongerThanTheSchedulerKeepsIsRefused(key: String) throws {
        try refused("store: ./store\n\(key): 3651d\nfeeds:\n  - url: SERVER/healthy\n",
                    with: "feeds.yaml:2: \(key): '3651d' is longer than 3650d (ten years), the longest wait the scheduler keeps")
        if key != "max_backoff" {
            try refused("store: ./store\nfeeds:\n  - url: SERVER/healthy\n    \(key): 36500d\n",
                        with: "feeds.yaml:4: feeds[0].\(key): '36500d' is longer than 3650d (ten years), the longest wait the scheduler keeps")
        }
        // A minimum of ten years needs a maximum as long (its default is a day).
        let maximum = key == "min_interval" ? "max_interval: 3650d\n" : ""
        try folder.write("store: ./store\n\(key): 3650d\n\(maximum)feeds:\n  - url: http://127.0.0.1:9/feed\n", to: "feeds.yaml")
        let check = try crawler(["check"])
        #expect(check.status == 0, "\(check.stderr)")
    }

    /// `site_url: "javascript:alert(1)"` passed `check` and `export-opml` wrote it as an htmlUrl,
    /// a script link for whatever reader imports the file; controls and line breaks passed too.
    @Test func aSiteURLThatIsNoWebLinkIsRefusedWithItsLine() throws {
        let cases = [
            ("javascript:alert(1)", "'javascript:alert(1)' is not an http:// or https:// URL"),
            ("not a url\\u0001\\b", "'not a url\\u0001\\u0008' holds a line break or another control character"),
            ("http://example.org/\\nx", "'http://example.org/\\u000ax' holds a line break or another control character"),
            ("https://example.org/a b", "'https://example.org/a b' contains a space; write a space in a URL as %20"),
            ("file:///etc/passwd", "'file:///etc/passwd' is not an http:// or https:// URL"),
        ]
        for (site, problem) in cases {
            try refused("store: ./store\nfeeds:\n  - url: SERVER/healthy\n    site_url: \"\(site)\"\n",
                        with: "feeds.yaml:4: feeds[0].site_url: \(problem)")
        }
        try folder.write("store: ./store\nfeeds:\n  - url: http://127.0.0.1:9/feed\n    site_url: https://example.org/\n",
                         to: "feeds.yaml")
        let export = try crawler(["export-opml"])
        #expect(export.status == 0 && export.stdout.contains("htmlUrl=\"https://example.org/\""), "\(export.stderr)")
    }
}
