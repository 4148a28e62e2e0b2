// CrawlerTestKit: support for tests only. A real HTTP/1.1 server on 127.0.0.1 that libcurl
// talks to for real, with the misbehaviours real servers have.
internal import Glibc
internal import Foundation
internal import Synchronization

/// A request as the server saw it.
public struct ReceivedRequest: Sendable {
    public var method: String
    public var path: String
    /// Header names lower-cased.
    public var headers: [String: String]
    /// Wall-clock seconds when the request's head had arrived.
    public var receivedAt: Double
    /// The body a Content-Length announced (a webhook's POST); empty for a GET.
    public var body: [UInt8] = []
    /// The request's head as it came, for bytes `headers` (read as UTF-8) cannot show.
    public var head: [UInt8] = []
}

/// What the server should answer.
public struct ServedResponse: Sendable {
    public var status: Int
    public var headers: [(String, String)]
    public var body: [UInt8]
    /// Wait this long before sending anything (a slow or stalled server).
    public var delay: Double
    /// How the body goes out: whole, or the ways hostile and broken servers send it.
    public var delivery: BodyDelivery
    /// Header lines sent as these bytes (a value that is not UTF-8), after `headers`.
    public var rawHeaders: [(String, [UInt8])] = []

    public init(status: Int = 200, headers: [(String, String)] = [], body: [UInt8] = [], delay: Double = 0,
                delivery: BodyDelivery = .whole) {
        self.status = status
        self.headers = headers
        self.body = body
        self.delay = delay
        self.delivery = delivery
    }

    public init(status: Int = 200, contentType: String = "application/rss+xml; charset=utf-8", text: String,
                delay: Double = 0) {
        self.init(status: status, headers: [("Content-Type", contentType)], body: Array(text.utf8), delay: delay)
    }
}

/// Listens on 127.0.0.1 on a free port; each connection is served on its own thread.
public final class LoopbackHTTPServer: Sendable {
    public typealias Handler = @Sendable (ReceivedRequest) -> ServedResponse
    public let port: Int
    private let listener: Int32
    private let handler: Handler
    private let log = Mutex<[ReceivedRequest]>([])
    private let leftEarly = Mutex<[String]>([])
    private let stopped = Atomic<Bool>(false)

    public enum ServerError: Error {
        case socket(Int32)
    }

    public init(handler: @escaping Handler) throws {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw ServerError.socket(errno) }
        var reuse: Int32 = 1
        setsockopt(descriptor, SOL_SOCKET, SO_REUSEADDR, &reuse, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(descriptor, 128) == 0 else {
            close(descriptor)
            throw ServerError.socket(errno)
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { _ = getsockname(descriptor, $0, &length) }
        }
        port = Int(UInt16(bigEndian: address.sin_port))
        listener = descriptor
        self.handler = handler
        let thread = Thread { [self] in acceptLoop() }
        thread.start()
    }

    deinit {
        stop()
    }

    /// A URL on this server.
    public func url(_ path: String) -> String {
        "http://127.0.0.1:\(port)" + (path.hasPrefix("/") ? path : "/" + path)
    }

    /// Every request received so far, in arrival order.
    public var requests: [ReceivedRequest] { log.withLock { $0 } }

    /// The paths of requests whose client hung up while the server still held back its answer
    /// (`delay`): the client stopped that transfer before it could end any other way.
    public var hungUp: [String] { leftEarly.withLock { $0 } }

    /// Stops accepting connections; idempotent. Only shuts the socket down: the accept thread closes
    /// it once it has left accept(), so the descriptor number cannot be reused by another server's
    /// socket while this server's thread still accepts on it.
    public func stop() {
        guard !stopped.exchange(true, ordering: .acquiringAndReleasing) else { return }
        shutdown(listener, Int32(SHUT_RDWR))
    }

    private func acceptLoop() {
        defer { close(listener) }
        while !stopped.load(ordering: .acquiring) {
            let connection = accept(listener, nil, nil)
            guard connection >= 0 else {
                if errno == EINTR { continue }
                return
            }
            let thread = Thread { [self] in serve(connection) }
            thread.start()
        }
    }

    private func serve(_ connection: Int32) {
        defer { close(connection) }
        while let request = readRequest(connection) {
            log.withLock { $0.append(request) }
            let response = handler(request)
            if response.delay > 0, !hold(connection, seconds: response.delay) {
                leftEarly.withLock { $0.append(request.path) }
                return
            }
            guard send(response, on: connection), request.headers["connection"]?.lowercased() != "close" else { return }
        }
    }

    /// Waits `seconds`, or less when the client hangs up meanwhile; false when it did.
    private func hold(_ connection: Int32, seconds: Double) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while case let left = deadline.timeIntervalSinceNow, left > 0 {
            var watched = pollfd(fd: connection, events: Int16(POLLIN), revents: 0)
            guard poll(&watched, 1, Int32(min(left, 0.2) * 1000) + 1) > 0 else { continue }
            var byte: UInt8 = 0
            let peeked = recv(connection, &byte, 1, Int32(MSG_PEEK | MSG_DONTWAIT))
            if peeked == 0 || (peeked < 0 && errno != EAGAIN && errno != EINTR) { return false }
            // Bytes of a next request wait: keep holding without spinning on them.
            Thread.sleep(forTimeInterval: min(max(left, 0), 0.05))
        }
        return true
    }

    private func readRequest(_ connection: Int32) -> ReceivedRequest? {
        var buffer: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while !buffer.containsHeaderEnd {
            let count = recv(connection, &chunk, chunk.count, 0)
            guard count > 0 else { return nil }
            buffer += chunk[..<count]
            if buffer.count > 64 * 1024 { return nil }
        }
        let head = String(decoding: buffer[..<buffer.headerEnd], as: UTF8.self).components(separatedBy: "\r\n")
        let requestLine = head[0].split(separator: " ")
        guard requestLine.count >= 2 else { return nil }
        var headers: [String: String] = [:]
        for line in head.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        var request = ReceivedRequest(method: String(requestLine[0]), path: String(requestLine[1]), headers: headers,
                                      receivedAt: Date().timeIntervalSince1970, head: Array(buffer[..<buffer.headerEnd]))
        guard let length = headers["content-length"].flatMap({ Int($0) }), length > 0, length <= 1 << 20 else { return request }
        var body = Array(buffer[(buffer.headerEnd + 4)...])
        while body.count < length {
            let count = recv(connection, &chunk, chunk.count, 0)
            guard count > 0 else { return nil }
            body += chunk[..<count]
        }
        request.body = Array(body.prefix(length))
        return request
    }

    private func send(_ response: ServedResponse, on connection: Int32) -> Bool {
        var head = "HTTP/1.1 \(response.status) \(response.status == 200 ? "OK" : "Status")\r\n"
        for (name, value) in response.headers { head += "\(name): \(value)\r\n" }
        if response.delivery == .endless {
            head += "Transfer-Encoding: chunked\r\n"
        } else if !response.headers.contains(where: { $0.0.lowercased() == "content-length" }) {
            head += "Content-Length: \(response.body.count)\r\n"
        }
        let raw = response.rawHeaders.flatMap { Array("\($0.0): ".utf8) + $0.1 + Array("\r\n".utf8) }
        return BodySender(connection: connection, stopped: { [self] in stopped.load(ordering: .acquiring) })
            .send(head: Array(head.utf8) + raw + Array("\r\n".utf8), response: response)
    }
}

/// Writes a response's bytes the way its `delivery` says; returns false when the connection is done.
struct BodySender {
    let connection: Int32
    let stopped: () -> Bool

    func send(head: [UInt8], response: ServedResponse) -> Bool {
        switch response.delivery {
        case .whole:
            return writeAll(head + response.body)
        case .trickle(let interval):
            guard writeAll(head) else { return false }
            for byte in response.body {
                Thread.sleep(forTimeInterval: interval)
                guard !stopped(), writeAll([byte]) else { return false }
            }
            return true
        case .cut(let after):
            _ = writeAll(head + response.body.prefix(after))
            return false  // closing mid-body is the point
        case .endless:
            return sendEndless(head: head)
        case .overrun(let extra, let after):
            guard writeAll(head + response.body) else { return false }
            Thread.sleep(forTimeInterval: after)
            return writeAll(Array(extra.utf8))
        }
    }

    /// Chunks of filler until the client hangs up, or 30 s at most so a test can never hang on it.
    private func sendEndless(head: [UInt8]) -> Bool {
        guard writeAll(head) else { return false }
        let chunk = Array("4000\r\n".utf8) + [UInt8](repeating: 0x3C, count: 0x4000) + Array("\r\n".utf8)
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline, !stopped() {
            guard writeAll(chunk) else { return false }
        }
        return false
    }

    private func writeAll(_ bytes: [UInt8]) -> Bool {
        var sent = 0
        while sent < bytes.count {
            let count = bytes[sent...].withUnsafeBytes {
                Glibc.send(connection, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL))
            }
            guard count > 0 else { return false }
            sent += count
        }
        return true
    }

}

extension [UInt8] {
    /// Where the blank line after the head starts (only when `containsHeaderEnd`).
    var headerEnd: Int {
        guard count >= 4 else { return count }
        for index in 0...(count - 4) where self[index] == 13 && self[index + 1] == 10 && self[index + 2] == 13 && self[index + 3] == 10 {
            return index
        }
        return count
    }

    var containsHeaderEnd: Bool {
        guard count >= 4 else { return false }
        for index in 0...(count - 4) where self[index] == 13 && self[index + 1] == 10 && self[index + 2] == 13 && self[index + 3] == 10 {
            return true
        }
        return false
    }
}
