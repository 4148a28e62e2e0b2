internal import CCurl
internal import Synchronization

/// Wakes the engine thread out of curl_multi_poll from any thread (curl_multi_wakeup is documented
/// thread-safe). The lock only guards against waking a handle that has just been freed.
final class CurlWaker: Sendable {
    private let address = Mutex<UInt?>(nil)

    init() {}

    /// Called by the owner once its handle exists.
    func attach(_ handle: UnsafeMutableRawPointer) {
        address.withLock { $0 = UInt(bitPattern: handle) }
    }

    func wake() {
        address.withLock { value in
            guard let value, let handle = UnsafeMutableRawPointer(bitPattern: value) else { return }
            curl_multi_wakeup(handle)
        }
    }

    /// Called by the owner before it frees the handle.
    func invalidate() {
        address.withLock { $0 = nil }
    }
}
