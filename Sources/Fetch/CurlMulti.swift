internal import CCurl
internal import FeedModel

/// A libcurl multi handle driving a window of transfers with curl_multi_poll.
/// Not Sendable: created, used and freed on one thread.
final class CurlMulti {
    private let handle: UnsafeMutableRawPointer
    private let settings: FetchSettings
    private var running: [UnsafeMutableRawPointer: CurlTransfer] = [:]

    init(settings: FetchSettings) {
        curlGlobalInit()
        handle = curl_multi_init()!
        self.settings = settings
        crawler_multi_set_long(handle, CURLMOPT_MAX_TOTAL_CONNECTIONS, settings.concurrency)
        crawler_multi_set_long(handle, CURLMOPT_MAX_HOST_CONNECTIONS, settings.perHostConcurrency)
        crawler_multi_set_long(handle, CURLMOPT_PIPELINING, Int(CURLPIPE_MULTIPLEX))
    }

    deinit {
        for (easy, _) in running {
            curl_multi_remove_handle(handle, easy)
        }
        running.removeAll()
        curl_multi_cleanup(handle)
    }

    /// Runs every request, `concurrency` at a time, calling `deliver` as each finishes.
    /// Returns early, cancelling what runs, once `isCancelled` turns true.
    func run(_ requests: [FetchRequest], isCancelled: () -> Bool, deliver: (FetchResult) -> Void) {
        var pending = requests[...]
        while !isCancelled() {
            while running.count < settings.concurrency, let request = pending.popFirst() {
                start(request, deliver: deliver)
            }
            if running.isEmpty && pending.isEmpty { return }
            var stillRunning: Int32 = 0
            curl_multi_perform(handle, &stillRunning)
            collectFinished(deliver: deliver)
            if running.isEmpty && pending.isEmpty { return }
            if running.count >= settings.concurrency || pending.isEmpty {
                curl_multi_poll(handle, nil, 0, 200, nil)
            }
        }
        for transfer in running.values {
            deliver(FetchResult(request: transfer.request,
                                outcome: .failure(FetchFailure(kind: .cancelled, message: "cancelled by shutdown")),
                                milliseconds: 0))
        }
    }

    /// Interrupts a curl_multi_poll in progress; safe from any thread.
    func wakeUp() {
        curl_multi_wakeup(handle)
    }

    private func start(_ request: FetchRequest, deliver: (FetchResult) -> Void) {
        guard let transfer = CurlTransfer(request: request, settings: settings) else {
            deliver(FetchResult(request: request,
                                outcome: .failure(FetchFailure(kind: .other, message: "libcurl could not create a handle")),
                                milliseconds: 0))
            return
        }
        running[transfer.handle] = transfer
        curl_multi_add_handle(handle, transfer.handle)
    }

    private func collectFinished(deliver: (FetchResult) -> Void) {
        var queued: Int32 = 0
        while let message = curl_multi_info_read(handle, &queued) {
            guard message.pointee.msg == CURLMSG_DONE, let easy = message.pointee.easy_handle,
                  let transfer = running.removeValue(forKey: easy) else { continue }
            let code = message.pointee.data.result
            curl_multi_remove_handle(handle, easy)
            deliver(transfer.finish(code: code))
        }
    }
}

/// curl_global_init is not thread-safe; run it once, before the first handle.
private let curlGlobalInitialised: Bool = {
    curl_global_init(Int(CURL_GLOBAL_DEFAULT))
    return true
}()

private func curlGlobalInit() {
    _ = curlGlobalInitialised
}
