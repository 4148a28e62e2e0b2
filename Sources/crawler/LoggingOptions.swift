import ArgumentParser
import CrawlerApp
import Logging

struct LoggingOptions: ParsableArguments {
    @Option(name: .long, help: "Least severe log level to print: debug, info, warning, error.")
    var logLevel: String = "info"

    func makeLogger() throws -> Logger {
        guard let level = Logger.Level(rawValue: logLevel.lowercased()) else {
            throw ValidationError("--log-level must be one of: debug, info, notice, warning, error")
        }
        return Logger(label: "crawler") { _ in LogfmtHandler(level: level) }
    }
}
