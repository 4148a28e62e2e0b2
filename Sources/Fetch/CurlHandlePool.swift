internal import CCurl

/// Easy handles kept between transfers. A handle made and freed for every feed cost a twentieth
/// of the fetch thread's time on a 304 pass (zeroing and freeing libcurl's per-handle state and
/// buffers); a reset keeps the allocations and clears every option, so a reused handle starts
/// as a new one would. Connections and the DNS cache live in the multi handle either way.
/// Not Sendable: it belongs to one `CurlMulti`, on the engine's thread.
final class CurlHandlePool {
    private var idle: [UnsafeMutableRawPointer] = []
    /// No more than can run at once are kept.
    private let capacity: Int

    init(capacity: Int) {
        self.capacity = capacity
    }

    deinit {
        idle.forEach(curl_easy_cleanup)
    }

    /// A handle with every option at its default; nil only when libcurl cannot make one.
    func take() -> UnsafeMutableRawPointer? {
        idle.popLast() ?? curl_easy_init()
    }

    /// Takes back a handle that is no longer in the multi handle and whose results were read.
    func give(_ handle: UnsafeMutableRawPointer) {
        guard idle.count < capacity else { return curl_easy_cleanup(handle) }
        curl_easy_reset(handle)
        idle.append(handle)
    }
}
