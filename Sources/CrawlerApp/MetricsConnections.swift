internal import Glibc

/// The metrics server's connections, all on one thread with poll(2). A client that sends
/// nothing, or a byte a second, holds one slot until its deadline and never the thread, so every
/// other scrape is answered at once; past `limit` slots the oldest client still sending its
/// request gives way to the newcomer. Each request line is read into at most `maximumRequestLine`
/// bytes, so a client sending a megabyte costs no more memory than one sending a scrape.
final class MetricsConnections {
    static let limit = 64
    /// A request line is a few dozen bytes: `GET /metrics HTTP/1.1`.
    static let maximumRequestLine = 8 * 1024
    /// How long a client may take to send its request line, and then to take the response.
    static let deadline = 5.0
    /// After the response, the rest of the request is read and dropped for this long, so closing
    /// with unread bytes does not reset the connection before the client has read the response.
    static let drainTime = 2.0

    private enum Phase {
        case reading, writing, draining
    }

    private struct Connection {
        let descriptor: Int32
        var phase = Phase.reading
        var deadline: Double
        var received: [UInt8] = []
        var unsent: ArraySlice<UInt8> = []
    }

    private let listener: Int32
    private let responder: MetricsResponder
    private var connections: [Connection] = []

    init(listener: Int32, responder: MetricsResponder) {
        self.listener = listener
        self.responder = responder
    }

    /// Serves until the listening socket fails (the daemon exits without closing it).
    func run() {
        var polled: [pollfd] = []
        while true {
            polled = [pollfd(fd: listener, events: Int16(POLLIN), revents: 0)]
            for connection in connections {
                let events = connection.phase == .writing ? POLLOUT : POLLIN
                polled.append(pollfd(fd: connection.descriptor, events: Int16(events), revents: 0))
            }
            if poll(&polled, nfds_t(polled.count), waitMilliseconds()) < 0 {
                if errno == EINTR { continue }
                return
            }
            let now = Self.monotonicSeconds()
            for index in connections.indices where polled[index + 1].revents != 0 || connections[index].deadline <= now {
                advance(&connections[index], now: now, ready: polled[index + 1].revents != 0)
            }
            connections.removeAll { $0.descriptor < 0 }
            if polled[0].revents != 0 { acceptWaiting(now: now) }
        }
    }

    /// Until the nearest deadline (poll wakes sooner for any event).
    private func waitMilliseconds() -> Int32 {
        guard let nearest = connections.map(\.deadline).min() else { return -1 }
        return Int32(max(0, min(60_000, (nearest - Self.monotonicSeconds()) * 1000 + 1)))
    }

    private func acceptWaiting(now: Double) {
        while true {
            let descriptor = accept(listener, nil, nil)
            guard descriptor >= 0 else {
                // Out of descriptors: poll would report the waiting client at once, again and again.
                if errno == EMFILE || errno == ENFILE { usleep(100_000) }
                return
            }
            // accept4 sits behind _GNU_SOURCE; an accepted socket inherits neither flag.
            _ = fcntl(descriptor, F_SETFD, FD_CLOEXEC)
            _ = fcntl(descriptor, F_SETFL, fcntl(descriptor, F_GETFL) | O_NONBLOCK)
            if connections.count >= Self.limit {
                let oldest = connections.firstIndex { $0.phase == .reading } ?? 0
                close(connections.remove(at: oldest).descriptor)
            }
            connections.append(Connection(descriptor: descriptor, deadline: now + Self.deadline))
        }
    }

    /// One step of a connection that poll reported ready or whose deadline passed; a closed one
    /// is left with descriptor -1.
    private func advance(_ connection: inout Connection, now: Double, ready: Bool) {
        guard ready, connection.deadline > now else { return finish(&connection) }
        switch connection.phase {
        case .reading: read(&connection, now: now)
        case .writing: write(&connection, now: now)
        case .draining: drain(&connection)
        }
    }

    private func read(_ connection: inout Connection, now: Double) {
        var chunk = [UInt8](repeating: 0, count: 4096)
        let count = recv(connection.descriptor, &chunk, chunk.count, 0)
        guard count > 0 else {
            if count == 0 || errno != EAGAIN { finish(&connection) }
            return
        }
        connection.received += chunk[..<count]
        // The line's own length decides, wherever the read that ended it stopped: a 10 KB line
        // arriving in 4 KB reads ends after 8 KB were received without an end.
        let end = connection.received.firstIndex(of: UInt8(ascii: "\n"))
        if (end ?? connection.received.count) > Self.maximumRequestLine {
            respond(&connection, with: MetricsResponder.requestLineTooLong, now: now)
        } else if let end {
            respond(&connection, with: responder.response(toRequestLine: Array(connection.received[..<end])), now: now)
        }
    }

    private func respond(_ connection: inout Connection, with response: [UInt8], now: Double) {
        connection.received = []
        connection.unsent = response[...]
        connection.phase = .writing
        connection.deadline = now + Self.deadline
        write(&connection, now: now)
    }

    private func write(_ connection: inout Connection, now: Double) {
        let sent = connection.unsent.withUnsafeBytes {
            send(connection.descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL))
        }
        guard sent >= 0 else {
            if errno != EAGAIN { finish(&connection) }
            return
        }
        connection.unsent = connection.unsent.dropFirst(sent)
        guard connection.unsent.isEmpty else { return }
        shutdown(connection.descriptor, Int32(SHUT_WR))
        connection.phase = .draining
        connection.deadline = now + Self.drainTime
    }

    private func drain(_ connection: inout Connection) {
        var chunk = [UInt8](repeating: 0, count: 16 * 1024)
        let count = recv(connection.descriptor, &chunk, chunk.count, 0)
        if count == 0 || (count < 0 && errno != EAGAIN) { finish(&connection) }
    }

    private func finish(_ connection: inout Connection) {
        close(connection.descriptor)
        connection = Connection(descriptor: -1, deadline: 0)
    }

    private static func monotonicSeconds() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) * 1e-9
    }
}
