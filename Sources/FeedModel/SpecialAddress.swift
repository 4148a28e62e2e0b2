/// Addresses a feed must not make the crawler reach unless the operator allows it: this machine,
/// private and link-local networks (where cloud metadata services live), carrier-grade NAT, and
/// ranges that are not the public internet at all. An IPv6 address that carries an IPv4 one
/// (mapped, NAT64, 6to4, Teredo) is judged by the IPv4 address it leads to. Pure.
public enum SpecialAddress: String, Sendable, Hashable {
    case unspecified, loopback, privateNetwork = "private network", linkLocal = "link-local",
         sharedNAT = "shared (carrier-grade NAT)", uniqueLocal = "unique local", siteLocal = "site-local",
         multicast, broadcast, benchmarking, documentation, reserved

    /// The special range `address` falls in; nil for an ordinary public address.
    public static func range(of address: IPAddress) -> SpecialAddress? {
        address.isIPv4 ? ipv4Range(address.bytes) : ipv6Range(address)
    }

    /// (prefix bytes, prefix length in bits, range), most specific first where they overlap.
    private static let ipv4Table: [([UInt8], Int, SpecialAddress)] = [
        ([0, 0, 0, 0], 8, .unspecified),          // "this network": 0.0.0.0 reaches this machine on Linux
        ([10, 0, 0, 0], 8, .privateNetwork),
        ([100, 64, 0, 0], 10, .sharedNAT),
        ([127, 0, 0, 0], 8, .loopback),
        ([169, 254, 0, 0], 16, .linkLocal),       // 169.254.169.254: cloud metadata
        ([172, 16, 0, 0], 12, .privateNetwork),
        ([192, 0, 0, 0], 24, .reserved),          // IETF protocol assignments
        ([192, 0, 2, 0], 24, .documentation),
        ([192, 88, 99, 0], 24, .reserved),        // former 6to4 relay anycast
        ([192, 168, 0, 0], 16, .privateNetwork),
        ([198, 18, 0, 0], 15, .benchmarking),
        ([198, 51, 100, 0], 24, .documentation),
        ([203, 0, 113, 0], 24, .documentation),
        ([255, 255, 255, 255], 32, .broadcast),
        ([224, 0, 0, 0], 4, .multicast),
        ([240, 0, 0, 0], 4, .reserved),
    ]

    private static func ipv4Range(_ bytes: [UInt8]) -> SpecialAddress? {
        ipv4Table.first { matches(bytes, prefix: $0.0, bits: $0.1) }?.2
    }

    /// IPv6 ranges with no IPv4 address inside.
    private static let ipv6Table: [([UInt8], Int, SpecialAddress)] = [
        ([0x01, 0x00], 64, .reserved),                        // 100::/64 discard-only
        ([0x00, 0x64, 0xff, 0x9b, 0x00, 0x01], 48, .privateNetwork),  // 64:ff9b:1::/48 local-use NAT64
        ([0x20, 0x01, 0x0d, 0xb8], 32, .documentation),
        ([0x3f, 0xff], 20, .documentation),
        ([0xfc], 7, .uniqueLocal),
        ([0xfe, 0x80], 10, .linkLocal),
        ([0xfe, 0xc0], 10, .siteLocal),
        ([0xff], 8, .multicast),
    ]

    private static func ipv6Range(_ address: IPAddress) -> SpecialAddress? {
        let bytes = address.bytes
        if bytes.allSatisfy({ $0 == 0 }) { return .unspecified }
        if bytes.dropLast().allSatisfy({ $0 == 0 }) && bytes[15] == 1 { return .loopback }
        switch embedded(in: address) {
        // Reaching any of these depends on a translator the network may run; judge the IPv4
        // address it leads to, so ::ffff:127.0.0.1 is loopback and 64:ff9b::8.8.8.8 is public.
        case .ipv4(let ipv4)?: return range(of: ipv4)
        case .unroutable?: return .reserved
        case nil: break
        }
        return ipv6Table.first { matches(bytes, prefix: $0.0, bits: $0.1) }?.2
    }

    private enum Embedded {
        case ipv4(IPAddress)
        /// ::a.b.c.d, the deprecated IPv4-compatible form: nothing should route it.
        case unroutable
    }

    /// The IPv4 address inside an IPv6 one, if its prefix says there is one.
    private static func embedded(in address: IPAddress) -> Embedded? {
        let bytes = address.bytes
        let offset: Int
        if matches(bytes, prefix: [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff], bits: 96) {
            offset = 12  // ::ffff:0:0/96, IPv4-mapped
        } else if matches(bytes, prefix: [0, 0x64, 0xff, 0x9b], bits: 96) {
            offset = 12  // 64:ff9b::/96, NAT64
        } else if matches(bytes, prefix: [0x20, 0x02], bits: 16) {
            offset = 2   // 2002::/16, 6to4
        } else if matches(bytes, prefix: [0x20, 0x01, 0, 0], bits: 32) {
            // Teredo: the client's IPv4 address, bits inverted, in the last four bytes.
            return IPAddress(bytes: bytes[12...].map { ~$0 }).map { .ipv4($0) }
        } else if matches(bytes, prefix: [], bits: 96) {
            return .unroutable
        } else {
            return nil
        }
        return address.embeddedIPv4(at: offset).map { .ipv4($0) }
    }

    private static func matches(_ bytes: [UInt8], prefix: [UInt8], bits: Int) -> Bool {
        for index in 0..<((bits + 7) / 8) {
            let mask: UInt8 = index < bits / 8 ? 0xFF : ~(0xFF >> UInt8(bits % 8))
            guard index < bytes.count, bytes[index] & mask == (index < prefix.count ? prefix[index] : 0) & mask else {
                return false
            }
        }
        return true
    }
}
