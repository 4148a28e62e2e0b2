internal import Glibc

/// Speaks systemd's notify protocol (READY=1, STATUS=..., WATCHDOG=1, STOPPING=1) over the
/// datagram socket named by $NOTIFY_SOCKET, without libsystemd. Does nothing outside systemd.
public struct SystemdNotifier: Sendable {
    private let socketPath: String?

    public init(environment: [String: String]) {
        let path = environment["NOTIFY_SOCKET"]
        socketPath = (path?.isEmpty ?? true) ? nil : path
    }

    public var isActive: Bool { socketPath != nil }
    /// NOTIFY_SOCKET as given, for a message.
    public var socketName: String { socketPath ?? "" }

    /// The watchdog interval systemd expects pings within, if WatchdogSec= is set for us.
    public static func watchdogInterval(environment: [String: String]) -> Double? {
        guard let micros = environment["WATCHDOG_USEC"].flatMap(Double.init), micros > 0 else { return nil }
        if let owner = environment["WATCHDOG_PID"].flatMap(Int32.init), owner != getpid() { return nil }
        return micros / 1_000_000
    }

    /// systemd reads its socket at once. One that is not read (a stuck manager) fills its queue,
    /// and a plain send would then block the daemon for good: a change of state waits for room at
    /// most `stateChangeWait`, a ping or a status line not at all (the queue already holds one).
    static let stateChangeWait = 1.0

    @discardableResult
    public func ready(status: String) -> Bool { send("READY=1\nSTATUS=\(status)", waitingUpTo: Self.stateChangeWait) }
    public func status(_ text: String) { send("STATUS=\(text)") }
    public func watchdog() { send("WATCHDOG=1") }
    public func stopping(status: String) { send("STOPPING=1\nSTATUS=\(status)", waitingUpTo: Self.stateChangeWait) }
    /// With the monotonic time, which a `Type=notify-reload` unit requires to tell this reload
    /// from an earlier one; `ready` then says it is done.
    public func reloading() {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        send("RELOADING=1\nMONOTONIC_USEC=\(Int64(now.tv_sec) * 1_000_000 + Int64(now.tv_nsec) / 1000)",
             waitingUpTo: Self.stateChangeWait)
    }

    /// Sends one datagram, waiting up to `seconds` for room in the socket's queue; failures are
    /// ignored, as sd_notify's callers usually do.
    @discardableResult
    public func send(_ message: String, waitingUpTo seconds: Double = 0) -> Bool {
        guard let socketPath else { return false }
        let descriptor = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else { return false }
        defer { close(descriptor) }
        var wait = timeval(tv_sec: Int(seconds), tv_usec: Int((seconds - seconds.rounded(.down)) * 1_000_000))
        if seconds > 0, setsockopt(descriptor, SOL_SOCKET, SO_SNDTIMEO, &wait, socklen_t(MemoryLayout<timeval>.size)) != 0 {
            return false
        }
        let flags = Int32(MSG_NOSIGNAL) | (seconds > 0 ? 0 : Int32(MSG_DONTWAIT))
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        var pathBytes = Array(socketPath.utf8)
        // "@name" is an abstract socket: its name starts with a NUL byte.
        if pathBytes.first == UInt8(ascii: "@") { pathBytes[0] = 0 }
        let capacity = MemoryLayout.size(ofValue: address.sun_path)
        guard pathBytes.count < capacity else { return false }
        withUnsafeMutableBytes(of: &address.sun_path) { buffer in
            for (index, byte) in pathBytes.enumerated() { buffer[index] = byte }
        }
        let length = socklen_t(MemoryLayout<sa_family_t>.size + pathBytes.count)
        let sent = message.withCString { text in
            withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    sendto(descriptor, text, strlen(text), flags, $0, length)
                }
            }
        }
        return sent >= 0
    }
}
