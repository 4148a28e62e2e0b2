internal import Glibc

/// How many transfers the open-file limit leaves room for. Half the limit is the store's (a
/// batch holds a descriptor per document until it is durable); a transfer needs its socket and,
/// while its name resolves, the resolver's pair; the rest (stdio, the index and its journal, the
/// lock, the engine's wakers, the metrics server, idle connections) is kept aside. With a hard
/// limit of 32, a concurrency of 16 made nearly every connect fail with EMFILE, reported as the
/// feeds' servers refusing.
public enum DescriptorBudget {
    static let keptAside = 32
    static let perTransfer = 3

    public static func openFileLimit() -> Int {
        var limit = rlimit()
        return getrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &limit) == 0 ? Int(clamping: limit.rlim_cur) : 1024
    }

    /// The transfers at once the limit allows, at least one.
    public static func transfers(openFiles: Int = openFileLimit()) -> Int {
        max(1, (openFiles / 2 - keptAside) / perTransfer)
    }
}
