internal import CCurl
internal import Glibc

/// The sockets of libcurl's connections, opened and closed through our callbacks, so that the
/// socket of a kept connection can be found by its local port (all libcurl tells a prerequest
/// callback) and looked at before a request goes out on it. Lives on the engine's thread, as
/// long as the multi handle whose connections close through it.
final class SocketTable {
    /// Descriptor → local port (nil: not asked yet).
    private var ports: [Int32: Int?] = [:]

    func opened(_ descriptor: Int32) {
        ports[descriptor] = .some(nil)
    }

    func closed(_ descriptor: Int32) {
        ports[descriptor] = nil
    }

    /// The socket bound to `localPort`, asking the kernel for the ports not known yet (one not
    /// bound yet, port 0, is asked again next time; one that cannot be asked, never).
    func descriptor(localPort: Int) -> Int32? {
        for (descriptor, port) in ports where port == nil {
            let bound = Self.localPort(of: descriptor) ?? -1
            if bound != 0 { ports[descriptor] = .some(bound) }
        }
        return ports.first { $0.value == localPort }?.key
    }

    /// Bytes, the server's close or an error waiting on a connection between two requests: what
    /// an answer left past its end (a body longer than its Content-Length) would be read as the
    /// next answer, and a closed one would fail it.
    static func hasInputWaiting(_ descriptor: Int32) -> Bool {
        var byte: UInt8 = 0
        let count = recv(descriptor, &byte, 1, Int32(MSG_PEEK | MSG_DONTWAIT))
        return count >= 0 || (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
    }

    private static func localPort(of descriptor: Int32) -> Int? {
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let named = withUnsafeMutablePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
        }
        guard named == 0 else { return nil }
        switch Int32(storage.ss_family) {
        case AF_INET:
            return withUnsafePointer(to: &storage) { $0.withMemoryRebound(to: sockaddr_in.self, capacity: 1) {
                Int(UInt16(bigEndian: $0.pointee.sin_port)) } }
        case AF_INET6:
            return withUnsafePointer(to: &storage) { $0.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) {
                Int(UInt16(bigEndian: $0.pointee.sin6_port)) } }
        default:
            return nil
        }
    }
}
