@testable import Config

/// What the configuration suites share: a parser for a feeds.yaml in /srv/crawler, and the error
/// a text gets (nil when it parses).
protocol ParsesConfig {
    var parser: ConfigParser { get }
}

extension ParsesConfig {
    static var testParser: ConfigParser { ConfigParser(fileName: "feeds.yaml", baseDirectory: "/srv/crawler") }

    func error(_ yaml: String) -> ConfigError? {
        do {
            _ = try parser.parse(yaml)
            return nil
        } catch {
            return error
        }
    }
}
