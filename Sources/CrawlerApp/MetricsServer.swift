internal import Glibc
internal import Foundation

/// Serves `/metrics` (Prometheus text format) and `/healthz` over plain HTTP on one address,
/// for `crawler run --metrics 127.0.0.1:9108`. One short request per connection; the
/// connections themselves are `MetricsConnections`' concern.
public final class MetricsServer: Sendable {
    public let port: Int
    private let listener: Int32

    public enum Failure: Error, CustomStringConvertible {
        case address(String)
        case socket(String, Int32)

        public var description: String {
            switch self {
            case .address(let text): return "--metrics: '\(text)' is not HOST:PORT with an IP address (e.g. 127.0.0.1:9108 or [::1]:9108)"
            case .socket(let text, let code): return "--metrics \(text): \(String(cString: strerror(code)))"
            }
        }
    }

    /// Listens on `address` (`HOST:PORT`; port 0 picks a free one).
    public init(address: String, metrics: CrawlerMetrics, storeFolder: String?) throws(Failure) {
        guard let endpoint = ListenAddress(address) else { throw .address(address) }
        // Non-blocking: the connections' thread accepts only when poll says a client waits.
        let descriptor = socket(endpoint.family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue)
                                    | Int32(SOCK_NONBLOCK.rawValue), 0)
        var reuse: Int32 = 1
        setsockopt(descriptor, SOL_SOCKET, SO_REUSEADDR, &reuse, socklen_t(MemoryLayout<Int32>.size))
        guard descriptor >= 0, endpoint.bind(descriptor) == 0, listen(descriptor, 128) == 0 else {
            let code = errno
            close(descriptor)
            throw .socket(address, code)
        }
        self.port = ListenAddress.port(of: descriptor)
        listener = descriptor
        let responder = MetricsResponder(metrics: metrics, storeFolder: storeFolder)
        let thread = Thread { MetricsConnections(listener: descriptor, responder: responder).run() }
        thread.name = "crawler-metrics"
        thread.start()
    }
}

/// The answer to one request line: the metrics, the health check, or a pointer to them.
struct MetricsResponder: Sendable {
    let metrics: CrawlerMetrics
    let storeFolder: String?

    func response(toRequestLine line: [UInt8]) -> [UInt8] {
        let words = String(decoding: line, as: UTF8.self).split(whereSeparator: { $0 == " " || $0 == "\r" })
        let method = words.first.map(String.init) ?? ""
        guard method == "GET" || method == "HEAD" else {
            return Self.response("405 Method Not Allowed", "text/plain", "only GET and HEAD\n")
        }
        let response = respond(toPath: words.dropFirst().first.map(Self.path(of:)) ?? "/")
        return method == "HEAD" ? Self.withoutBody(response) : response
    }

    /// The path of an origin-form (`/metrics?x=1`, a scraper's `params:`) or absolute-form target.
    static func path(of target: Substring) -> String {
        var target = target
        if let scheme = target.range(of: "://") {
            target = target[scheme.upperBound...].drop { $0 != "/" }
        }
        return String(target.prefix { $0 != "?" && $0 != "#" })
    }

    static func withoutBody(_ response: [UInt8]) -> [UInt8] {
        let end: [UInt8] = Array("\r\n\r\n".utf8)
        guard let index = (0...(response.count - end.count)).first(where: { response[$0..<($0 + end.count)].elementsEqual(end) })
        else { return response }
        return Array(response[..<(index + end.count)])
    }

    private func respond(toPath path: String) -> [UInt8] {
        switch path {
        case "/metrics":
            return Self.response("200 OK", "text/plain; version=0.0.4", metrics.exposition())
        case "/healthz":
            // A fleet node (no store folder) keeps documents in the database; its loop's liveness says it all.
            let writable = storeFolder.map(Self.isWritable) ?? true
            // The folder's mode says little on a full disk: the writes that failed say it.
            let failing = metrics.storeFailing
            let healthy = metrics.schedulerAlive && writable && failing == nil
            let store = failing.map { "failing (\($0))" }
                ?? (storeFolder == nil ? "in the shared database" : writable ? "writable" : "not writable")
            let detail = "scheduler \(metrics.schedulerAlive ? "alive" : "stalled"), store \(store)\n"
            return Self.response(healthy ? "200 OK" : "503 Service Unavailable", "text/plain", detail)
        default:
            return Self.response("404 Not Found", "text/plain", "try /metrics or /healthz\n")
        }
    }

    /// Whether the store's `tmp/` can be written; before the daemon has first opened the store
    /// (it has just started) there is no `tmp/` yet, and the folder that will hold it answers:
    /// a health check in the daemon's first moments said "store not writable".
    static func isWritable(_ store: String) -> Bool {
        if access(store + "/tmp", W_OK) == 0 { return true }
        guard errno == ENOENT else { return false }
        if access(store, W_OK) == 0 { return true }
        guard errno == ENOENT else { return false }
        let parent = (store as NSString).deletingLastPathComponent
        return access(parent.isEmpty ? "." : parent, W_OK) == 0
    }

    /// For a request line longer than any path this server knows, refused before it is read whole.
    static let requestLineTooLong = response("414 URI Too Long", "text/plain", "the request line is too long\n")

    static func response(_ status: String, _ type: String, _ body: String) -> [UInt8] {
        Array(("HTTP/1.1 \(status)\r\nContent-Type: \(type)\r\nContent-Length: \(body.utf8.count)\r\n"
            + "Connection: close\r\n\r\n" + body).utf8)
    }
}
