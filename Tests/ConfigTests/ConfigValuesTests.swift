@testable import Config
import Testing

/// What a path, a site link and a wait the scheduler acts on may be, as rules of their own.
@Suite struct ConfigValuesTests: ParsesConfig {
    let parser = Self.testParser

    @Test func aPathWithAControlCharacterIsRefused() {
        #expect(error("store: \"./st\\0ore\"\nfeeds: []\n")?.key == "store")
        #expect(error("ca_file: \"a\\u0085b\"\nfeeds: []\n")?.key == "ca_file")
        #expect(error("store: ./store\nfeeds: []\n") == nil)
    }

    @Test(arguments: ["javascript:alert(1)", "http://", "https://example.org/\u{1}", "ftp://example.org/", "example.org"])
    func aSiteURLMustBeAWebLink(site: String) {
        #expect(SiteURL.problem(with: site) != nil)
    }

    @Test func aWaitPastTenYearsIsRefusedForPollSettingsOnly() {
        #expect(error("interval: 3651d\nfeeds: []\n")?.message.contains("3650d (ten years)") == true)
        #expect(error("max_backoff: 3650d\nfeeds: []\n") == nil)
        #expect(error("revalidate_after: 3651d\nfeeds: []\n") == nil)
    }

    @Test func globalIntervalBoundsTheWrongWayRoundAreNamedAtTheirOwnLine() {
        let problem = error("min_interval: 2h\nmax_interval: 1h\nfeeds: []\n")
        #expect(problem?.line == 1 && problem?.key == "min_interval", "\(String(describing: problem))")
    }
}
