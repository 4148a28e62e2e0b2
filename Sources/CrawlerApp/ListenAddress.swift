internal import Glibc

/// `HOST:PORT` for a listening socket: an IPv4 address (`127.0.0.1:9108`) or an IPv6 one in
/// brackets (`[::1]:9108`, `[::]:9108`), as URLs write them.
enum ListenAddress {
    case ipv4(sockaddr_in)
    case ipv6(sockaddr_in6)

    init?(_ text: String) {
        guard let colon = text.lastIndex(of: ":"), let port = UInt16(text[text.index(after: colon)...]) else { return nil }
        let host = text[..<colon]
        if host.hasPrefix("[") && host.hasSuffix("]") {
            var address = sockaddr_in6()
            address.sin6_family = sa_family_t(AF_INET6)
            address.sin6_port = port.bigEndian
            guard inet_pton(AF_INET6, String(host.dropFirst().dropLast()), &address.sin6_addr) == 1 else { return nil }
            self = .ipv6(address)
        } else {
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = port.bigEndian
            guard inet_pton(AF_INET, String(host), &address.sin_addr) == 1 else { return nil }
            self = .ipv4(address)
        }
    }

    var family: Int32 {
        switch self {
        case .ipv4: return AF_INET
        case .ipv6: return AF_INET6
        }
    }

    /// Binds `descriptor` here; 0 on success, as bind(2).
    func bind(_ descriptor: Int32) -> Int32 {
        switch self {
        case .ipv4(var address):
            return withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
        case .ipv6(var address):
            return withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in6>.size)) }
            }
        }
    }

    /// The port `descriptor` is bound to (the one the kernel picked for port 0).
    static func port(of descriptor: Int32) -> Int {
        var address = sockaddr_in6()
        var length = socklen_t(MemoryLayout<sockaddr_in6>.size)
        withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { _ = getsockname(descriptor, $0, &length) }
        }
        // sin_port and sin6_port sit at the same offset, after the family.
        return Int(UInt16(bigEndian: address.sin6_port))
    }
}
