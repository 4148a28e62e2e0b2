internal import CCurl
internal import FeedModel

/// One easy handle and everything libcurl writes into while it runs.
/// Not Sendable: it lives and dies on the engine's thread.
final class CurlTransfer {
    let request: FetchRequest
    let handle: UnsafeMutableRawPointer
    private let maxBodyBytes: Int
    private var headerList: UnsafeMutablePointer<curl_slist>?
    private let errorBuffer = UnsafeMutablePointer<CChar>.allocate(capacity: Int(CURL_ERROR_SIZE) + 1)
    private(set) var body: [UInt8] = []
    private(set) var headers: [String: String] = [:]
    private(set) var exceededBodyLimit = false
    let startedAt = MonotonicClock.milliseconds()

    init?(request: FetchRequest, settings: FetchSettings) {
        guard let handle = curl_easy_init() else { return nil }
        self.request = request
        self.handle = handle
        self.maxBodyBytes = settings.maxBodyBytes
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
        configure(settings)
    }

    deinit {
        curl_easy_cleanup(handle)
        curl_slist_free_all(headerList)
        errorBuffer.deallocate()
    }

    private func configure(_ settings: FetchSettings) {
        let me = Unmanaged.passUnretained(self).toOpaque()
        crawler_easy_set_string(handle, CURLOPT_URL, request.url)
        crawler_easy_set_pointer(handle, CURLOPT_ERRORBUFFER, errorBuffer)
        crawler_easy_set_string(handle, CURLOPT_USERAGENT, settings.userAgent)
        // Empty string: offer every encoding this libcurl can decode (gzip, deflate, br, zstd).
        crawler_easy_set_string(handle, CURLOPT_ACCEPT_ENCODING, "")
        crawler_easy_set_long(handle, CURLOPT_FOLLOWLOCATION, 1)
        crawler_easy_set_long(handle, CURLOPT_MAXREDIRS, settings.maxRedirects)
        crawler_easy_set_string(handle, CURLOPT_PROTOCOLS_STR, "http,https,file")
        // A server must never redirect us to file:// or anything but the web.
        crawler_easy_set_string(handle, CURLOPT_REDIR_PROTOCOLS_STR, "http,https")
        crawler_easy_set_long(handle, CURLOPT_NOSIGNAL, 1)
        crawler_easy_set_long(handle, CURLOPT_TIMEOUT_MS, Int(settings.timeout * 1000))
        crawler_easy_set_long(handle, CURLOPT_CONNECTTIMEOUT_MS, Int(settings.connectTimeout * 1000))
        crawler_easy_set_long(handle, CURLOPT_LOW_SPEED_LIMIT, settings.lowSpeedBytesPerSecond)
        crawler_easy_set_long(handle, CURLOPT_LOW_SPEED_TIME, settings.lowSpeedSeconds)
        crawler_easy_set_long(handle, CURLOPT_PIPEWAIT, 1)
        crawler_easy_set_offset(handle, CURLOPT_MAXFILESIZE_LARGE, curl_off_t(settings.maxBodyBytes))
        crawler_easy_set_pointer(handle, CURLOPT_WRITEDATA, me)
        crawler_easy_set_data_callback(handle, CURLOPT_WRITEFUNCTION) { data, size, count, context in
            guard let data, let context else { return 0 }
            let transfer = Unmanaged<CurlTransfer>.fromOpaque(context).takeUnretainedValue()
            return transfer.receiveBody(UnsafeRawBufferPointer(start: data, count: size * count))
        }
        crawler_easy_set_pointer(handle, CURLOPT_HEADERDATA, me)
        crawler_easy_set_data_callback(handle, CURLOPT_HEADERFUNCTION) { data, size, count, context in
            guard let data, let context else { return 0 }
            let transfer = Unmanaged<CurlTransfer>.fromOpaque(context).takeUnretainedValue()
            transfer.receiveHeader(UnsafeRawBufferPointer(start: data, count: size * count))
            return size * count
        }
        setConditionalHeaders(request.conditional)
    }

    private func setConditionalHeaders(_ conditional: ConditionalHeaders) {
        if let etag = conditional.etag {
            headerList = curl_slist_append(headerList, "If-None-Match: \(etag)")
        }
        if let lastModified = conditional.lastModified {
            headerList = curl_slist_append(headerList, "If-Modified-Since: \(lastModified)")
        }
        if headerList != nil {
            crawler_easy_set_slist(handle, CURLOPT_HTTPHEADER, headerList)
        }
    }

    private func receiveBody(_ chunk: UnsafeRawBufferPointer) -> Int {
        guard body.count + chunk.count <= maxBodyBytes else {
            exceededBodyLimit = true
            return 0  // makes libcurl abort the transfer with CURLE_WRITE_ERROR
        }
        body.append(contentsOf: chunk)
        return chunk.count
    }

    private func receiveHeader(_ line: UnsafeRawBufferPointer) {
        let text = String(decoding: line, as: UTF8.self)
        // A new status line starts a new response (after a redirect or a 100 Continue).
        if text.hasPrefix("HTTP/") {
            headers = [:]
            return
        }
        guard let colon = text.firstIndex(of: ":") else { return }
        let name = text[..<colon].lowercased()
        let value = text[text.index(after: colon)...].trimmingCharacters(in: [" ", "\t", "\r", "\n"])
        headers[name] = value
    }

    /// Builds the result once libcurl reports the transfer done with `code`.
    func finish(code: CURLcode) -> FetchResult {
        let elapsed = Int(MonotonicClock.milliseconds() - startedAt)
        guard code == CURLE_OK else {
            return FetchResult(request: request, outcome: .failure(failure(for: code)), milliseconds: elapsed)
        }
        var status = 0
        crawler_easy_get_long(handle, CURLINFO_RESPONSE_CODE, &status)
        var wireBytes: curl_off_t = 0
        crawler_easy_get_offset(handle, CURLINFO_SIZE_DOWNLOAD_T, &wireBytes)
        var effective: UnsafeMutablePointer<CChar>?
        crawler_easy_get_string(handle, CURLINFO_EFFECTIVE_URL, &effective)
        let finalURL = effective.map { String(cString: $0) } ?? request.url
        // file:// transfers have no status line; a readable file is a 200.
        if status == 0 && finalURL.hasPrefix("file:") { status = 200 }
        let response = FetchResponse(status: status, finalURL: finalURL, headers: headers, body: body,
                                     wireBytes: Int(wireBytes))
        return FetchResult(request: request, outcome: .response(response), milliseconds: elapsed)
    }

    private func failure(for code: CURLcode) -> FetchFailure {
        let detail = String(cString: errorBuffer)
        let message = detail.isEmpty ? String(cString: curl_easy_strerror(code)) : detail
        if exceededBodyLimit || code == CURLE_FILESIZE_EXCEEDED {
            return FetchFailure(kind: .tooLarge, message: "body larger than \(maxBodyBytes) bytes; transfer cut")
        }
        return FetchFailure(kind: CurlErrorKind.kind(of: code), message: message)
    }
}

extension String {
    func trimmingCharacters(in set: Set<Character>) -> String {
        String(drop(while: { set.contains($0) }).reversed().drop(while: { set.contains($0) }).reversed())
    }
}
