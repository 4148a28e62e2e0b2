import ArgumentParser
import CLinux
import Config
import CrawlerApp
import FeedModel
import Foundation
import Logging
import Store

struct Run: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run as a daemon: poll every feed when it is due, until SIGTERM.",
        discussion: """
            Each feed is polled at its interval, never more often than its server asks, backing off \
            on failures. SIGHUP re-reads the configuration (a broken one is rejected and the running \
            one kept); SIGTERM or SIGINT stops within a second, keeping everything stored. Under \
            systemd (Type=notify) it reports readiness, status and watchdog pings.
            """
    )

    @Option(name: .shortAndLong, help: "The configuration file.")
    var config: String = "feeds.yaml"

    // Unconditional: `-5s` is a (wrong) value, not an unknown option ("Missing value" said nothing).
    @Option(name: .long, parsing: .unconditional, help: "Spread the first fetches of due feeds over this long, at most each feed's interval and 1d (0s: all at once).")
    var startupSpread: String = "60s"

    @Option(name: .long, help: "Serve Prometheus /metrics and /healthz on HOST:PORT, e.g. 127.0.0.1:9108.")
    var metrics: String?

    @Option(name: .long, help: "This node's name in a fleet (with `database:`); default HOSTNAME:PID.")
    var node: String?

    @OptionGroup var logging: LoggingOptions

    /// Here rather than in `run()`, so that a mistake prints `run`'s own usage.
    func validate() throws {
        _ = try Self.spread(startupSpread)
    }

    /// A day at most: a unit typed wrong on an ExecStart= line (`1d` for `1s`) would hold every
    /// new feed back for as long as its interval, with nothing in `status` to say why.
    private static func spread(_ text: String) throws -> Double {
        if text.hasPrefix("-"), ConfigDuration.seconds(String(text.dropFirst()), allowZero: true) != nil {
            throw ValidationError("--startup-spread '\(text)' is negative; write 0s to fetch every due feed at once")
        }
        guard let spread = ConfigDuration.seconds(text, allowZero: true) else {
            throw ValidationError("--startup-spread '\(text)' is not a duration; write it with its unit, such as 0s, 30s or 5m")
        }
        guard spread <= 86_400 else {
            throw ValidationError("--startup-spread \(text) is longer than a day; feeds due at start would wait that long")
        }
        return spread
    }

    func run() async throws {
        crawler_fix_malloc_mmap_threshold(128 << 10)  // glibc's own starting value, kept for good
        let logger = try logging.makeLogger()
        let signals = SignalWatcher()
        let spread = try Self.spread(startupSpread)
        let settings = try CrawlSetup.load(config, logger: logger)
        var registry: CrawlerMetrics?
        if let metrics {
            let collected = CrawlerMetrics()
            do {
                let server = try MetricsServer(address: metrics, metrics: collected, storeFolder: settings.database == nil ? settings.storePath : nil)
                logger.info("metrics", metadata: ["listen": "\(metrics)", "port": "\(server.port)"])
            } catch {
                // Most often the address of a daemon already running on this store: that is the news.
                if settings.database == nil, let holder = StoreReader.lockHolder(root: settings.storePath) {
                    printError("crawler: store \(settings.storePath) is in use by another crawler (\(StoreReader.describe(holder: holder))), "
                               + "which may hold --metrics \(metrics) too; stop it or use another store")
                    throw ExitStatus.storeUnavailable
                }
                printError("crawler: \(error)")
                throw ExitStatus.configError
            }
            registry = collected
        }
        try FleetSetup.checkNode(node, settings: settings, config: config)
        if settings.database != nil {
            let database = try FleetSetup.open(settings, node: node, asNode: true, logger: logger)
            let worker = try FleetWorker(configPath: config, config: settings, database: database, logger: logger,
                                         signals: signals, environment: ProcessInfo.processInfo.environment,
                                         metrics: registry)
            let status = await worker.run()
            if status != 0 { throw ExitCode(status) }
            return
        }
        let daemon = Daemon(configPath: config, config: settings, logger: logger, signals: signals,
                            environment: ProcessInfo.processInfo.environment, startupSpread: spread, metrics: registry)
        let status = await daemon.run()
        if status != 0 { throw ExitCode(status) }
    }
}
