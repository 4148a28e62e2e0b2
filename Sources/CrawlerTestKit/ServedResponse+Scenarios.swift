internal import Foundation

/// How a response's body is written.
public enum BodyDelivery: Sendable, Equatable {
    case whole
    /// One byte every `interval` seconds: the server that never quite stops.
    case trickle(interval: Double)
    /// Only the first bytes, then the connection closes (Content-Length promised more).
    case cut(after: Int)
    /// A chunked body that never ends.
    case endless
    /// The body its Content-Length announces, then `extra` bytes `after` seconds later on the
    /// kept-alive connection: read as the start of the next answer there.
    case overrun(extra: String, after: Double)
}

/// Ready-made answers for the behaviours the fetch engine must handle.
extension ServedResponse {
    /// 200 with validators, or 304 when the request carries a matching If-None-Match or If-Modified-Since.
    public static func conditional(_ request: ReceivedRequest, etag: String?, lastModified: String?,
                                   text: String) -> ServedResponse {
        var validators: [(String, String)] = []
        if let etag { validators.append(("ETag", etag)) }
        if let lastModified { validators.append(("Last-Modified", lastModified)) }
        let etagMatches = etag != nil && request.headers["if-none-match"] == etag
        // If-None-Match wins over If-Modified-Since when both are sent (RFC 9110, 13.2.2).
        let dateMatches = request.headers["if-none-match"] == nil && lastModified != nil
            && request.headers["if-modified-since"] == lastModified
        if etagMatches || dateMatches { return ServedResponse(status: 304, headers: validators) }
        return ServedResponse(status: 200, headers: validators + [("Content-Type", "application/rss+xml")],
                              body: Array(text.utf8))
    }

    public static func redirect(_ status: Int, to location: String) -> ServedResponse {
        ServedResponse(status: status, headers: [("Location", location)])
    }

    /// 429 or 503 with a Retry-After of seconds or an HTTP date.
    public static func throttled(_ status: Int, retryAfter: String) -> ServedResponse {
        ServedResponse(status: status, headers: [("Retry-After", retryAfter)], body: Array("slow down".utf8))
    }

    /// The body gzip-compressed by /bin/gzip, sent with Content-Encoding: gzip.
    public static func gzipped(_ body: [UInt8]) throws -> ServedResponse {
        ServedResponse(status: 200, headers: [("Content-Encoding", "gzip"), ("Content-Type", "application/rss+xml")],
                       body: try Gzip.compress(body))
    }
}

/// Compression through the system's gzip, so the tests need no compression library of their own.
public enum Gzip {
    /// Through files, not pipes: tests spawn processes in parallel (PostgreSQL, crawler), and a
    /// child spawned meanwhile could inherit a pipe's write end, so gzip never saw the end of its
    /// input and the test hung.
    public static func compress(_ bytes: [UInt8]) throws -> [UInt8] {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("crawler-gzip-\(UUID().uuidString)").path
        defer {
            try? FileManager.default.removeItem(atPath: path)
            try? FileManager.default.removeItem(atPath: path + ".gz")
        }
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/gzip")
        process.arguments = ["-9", "-n", "-f", path]
        try process.run()
        process.waitUntilExit()
        return [UInt8](try Data(contentsOf: URL(fileURLWithPath: path + ".gz")))
    }
}
