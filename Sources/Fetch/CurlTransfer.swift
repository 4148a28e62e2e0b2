internal import CCurl
internal import FeedModel

/// One transfer on an easy handle lent by a `CurlHandlePool`, and everything libcurl writes into
/// while it runs. The handle goes back to the pool (which resets it) once the result is read.
/// Not Sendable: it lives and dies on the engine's thread.
final class CurlTransfer {
    /// What this transfer asks for: the request as submitted, or a hop of its redirects.
    let request: FetchRequest
    /// Set on a hop the engine follows itself (see `followsRedirectsItself`).
    let chain: RedirectChain?
    /// The politeness budget this transfer draws from.
    let host: String
    let handle: UnsafeMutableRawPointer
    let maxBodyBytes: Int
    private var headerList: UnsafeMutablePointer<curl_slist>?
    let errorBuffer = UnsafeMutablePointer<CChar>.allocate(capacity: Int(CURL_ERROR_SIZE) + 1)
    private(set) var body: [UInt8] = []
    /// Headers of the last response only (earlier ones belong to redirects).
    private(set) var headers: [String: String] = [:]
    private(set) var redirects: [Redirect] = []
    private(set) var exceededBodyLimit = false
    /// A POST (a webhook) answered 2xx: the transfer stopped before the reply's body, which no
    /// one reads (a receiver that trickles or announces a large reply has taken the digest).
    private(set) var acceptedBeforeBody = false
    /// Why the transfer was refused: by the address check, or a redirect's target (`receiveHeader`).
    var refusal: String?
    /// The low-speed limit, from the answer's first line (see `AnswerPace`).
    private var pace: AnswerPace
    /// Set when `pace` stopped the transfer: its message.
    private(set) var tooSlow: String?
    /// A redirect loop found before libcurl followed it round again (`loopAhead`).
    private(set) var loop: String?
    /// Proxies the operator named by address: allowed whatever their range.
    let proxies: [Endpoint]
    /// The proxy feeds.yaml names for this transfer ("" for none), if it names one.
    let namedProxy: String?
    /// The proxy libcurl goes through (feeds.yaml's, else the environment's), if any: read only
    /// for a message that names it, not for each of a pass's transfers.
    var proxy: String? { ProxyEndpoints.inEffect(for: request.url, named: namedProxy) }
    /// `timeout:` as the operator would write it, for the message of a transfer it ended.
    let timeoutText: String
    let maxRedirects: Int
    /// Asked before a chunk is kept, with its size: false pauses the transfer (libcurl keeps the
    /// chunk and hands it over again on `resume`). Set by `CurlMulti`, which bounds memory.
    var admitsChunk: (CurlTransfer, Int) -> Bool = { _, _ in true }
    private(set) var isPaused = false
    private(set) var responseStatus = 0
    /// Between a status line and the blank line that ends its header block.
    private(set) var readingHeaders = false
    private(set) var responseURL: String
    /// Made when the transfer is added to libcurl, which is when it starts: nothing queues it
    /// after our own admission (see `AdmissionQueue`). A hop counts from its request's start.
    let startedAt: Int64
    /// Milliseconds it waited in the admission queue before starting.
    let waited: Int
    /// Set once a connection is ready and the request about to be sent.
    var connected = false
    /// Asked again on a connection of its own (see `readLeftovers`).
    let onFreshConnection: Bool
    /// Where connections' sockets are kept (`watch`), and whether this transfer opened one.
    var sockets: SocketTable?
    var openedSocket = false
    /// Set when the kept connection it was given had input waiting (`keptConnectionHoldsInput`).
    var leftInputOnKeptConnection = false

    /// `handle` must be new or reset: every option this transfer does not set is at its default.
    init(request: FetchRequest, host: String, waited: Int, handle: UnsafeMutableRawPointer,
         settings: FetchSettings, proxies: [Endpoint], chain: RedirectChain? = nil, onFreshConnection: Bool = false) {
        self.request = request
        self.chain = chain
        self.onFreshConnection = onFreshConnection
        self.waited = chain?.waited ?? waited
        startedAt = chain?.startedAt ?? MonotonicClock.milliseconds()
        self.proxies = proxies
        namedProxy = request.settings.proxy ?? settings.proxy
        maxRedirects = settings.maxRedirects
        timeoutText = settings.timeout.rounded() == settings.timeout ? "\(Int(settings.timeout))s" : "\(settings.timeout)s"
        self.host = host
        self.handle = handle
        self.maxBodyBytes = min(request.maxBodyBytes ?? settings.maxBodyBytes, settings.maxBodyBytes)
        pace = AnswerPace(bytesPerSecond: settings.lowSpeedBytesPerSecond, seconds: settings.lowSpeedSeconds)
        responseURL = request.url
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
        configureLimits(settings)
        configureIdentity(settings)
        configureCallbacks()
        configureAccess()
        setHeaders(request.conditional)
    }

    /// The handle is the pool's again by now (reset, so it points at neither of these).
    deinit {
        curl_slist_free_all(headerList)
        errorBuffer.deallocate()
    }

    private func configureLimits(_ settings: FetchSettings) {
        crawler_easy_set_string(handle, CURLOPT_URL, request.url)
        crawler_easy_set_pointer(handle, CURLOPT_ERRORBUFFER, errorBuffer)
        // Empty string: offer every encoding this libcurl can decode (gzip, deflate, br, zstd).
        crawler_easy_set_string(handle, CURLOPT_ACCEPT_ENCODING, "")
        crawler_easy_set_long(handle, CURLOPT_FOLLOWLOCATION, followsRedirectsItself ? 0 : 1)
        crawler_easy_set_long(handle, CURLOPT_MAXREDIRS, settings.maxRedirects)
        // file:// only for a URL the operator wrote; never for a discovered or imported one.
        crawler_easy_set_string(handle, CURLOPT_PROTOCOLS_STR, request.access.allowsFiles ? "http,https,file" : "http,https")
        // A server must never redirect us to file:// or anything but the web.
        crawler_easy_set_string(handle, CURLOPT_REDIR_PROTOCOLS_STR, "http,https")
        crawler_easy_set_long(handle, CURLOPT_NOSIGNAL, 1)
        // A hop of a redirect chain the engine follows gets what is left of the request's time
        // (one millisecond at least, which libcurl then reports as a timeout).
        crawler_easy_set_long(handle, CURLOPT_TIMEOUT_MS, chain == nil ? Int(settings.timeout * 1000) : max(1, timeLeft(of: settings.timeout)))
        crawler_easy_set_long(handle, CURLOPT_CONNECTTIMEOUT_MS, Int(settings.connectTimeout * 1000))
        // HTTP/2 over TLS when the server offers it (ALPN), HTTP/1.1 otherwise. No PIPEWAIT: it
        // parked transfers inside libcurl while a first connection to their host was pending, on
        // a clock already running (a stalled first feed timed out the others before they began).
        // The admission queue does that wait instead, off the clock.
        crawler_easy_set_long(handle, CURLOPT_HTTP_VERSION, CURL_HTTP_VERSION_2TLS)
        crawler_easy_set_long(handle, CURLOPT_DNS_CACHE_TIMEOUT, 300)
        if onFreshConnection { crawler_easy_set_long(handle, CURLOPT_FRESH_CONNECT, 1) }
        // A POST's 2xx reply is not read, so its announced size does not matter (`acceptedBeforeBody`).
        if request.postBody == nil { crawler_easy_set_offset(handle, CURLOPT_MAXFILESIZE_LARGE, curl_off_t(maxBodyBytes)) }
        if let body = request.postBody {
            // Copied by libcurl, so the body need not outlive this call; the size comes first.
            crawler_easy_set_offset(handle, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(body.utf8.count))
            crawler_easy_set_string(handle, CURLOPT_COPYPOSTFIELDS, body)
            // A webhook that moved (301, 302: http to https, a new path) gets the body again; by
            // default libcurl, like a browser, asks the new place with a bodiless GET and the
            // digest is lost. A 303 says the POST was taken: its GET is right.
            crawler_easy_set_long(handle, CURLOPT_POSTREDIR, Int(CURL_REDIR_POST_301 | CURL_REDIR_POST_302))
        }
    }

    private func configureIdentity(_ settings: FetchSettings) {
        let own = request.settings
        crawler_easy_set_string(handle, CURLOPT_USERAGENT, own.userAgent ?? settings.userAgent)
        // Without an explicit proxy libcurl reads http_proxy, https_proxy and no_proxy itself.
        if let proxy = own.proxy ?? settings.proxy { crawler_easy_set_string(handle, CURLOPT_PROXY, proxy) }
        // Added to the system's CAs: libcurl keeps its default CA folder (/etc/ssl/certs) beside it.
        if let caFile = own.caFile { crawler_easy_set_string(handle, CURLOPT_CAINFO, caFile) }
        if !request.verifyTLS {
            crawler_easy_set_long(handle, CURLOPT_SSL_VERIFYPEER, 0)
            crawler_easy_set_long(handle, CURLOPT_SSL_VERIFYHOST, 0)
        }
        // Sent to the feed's own host only: libcurl drops credentials on a redirect to another one.
        if let auth = own.basicAuth, let password = Credentials.password(of: auth) {
            crawler_easy_set_long(handle, CURLOPT_HTTPAUTH, crawler_auth_basic)
            crawler_easy_set_string(handle, CURLOPT_USERNAME, auth.username)
            crawler_easy_set_string(handle, CURLOPT_PASSWORD, password)
        }
    }

    private func configureCallbacks() {
        let me = Unmanaged.passUnretained(self).toOpaque()
        crawler_easy_set_pointer(handle, CURLOPT_WRITEDATA, me)
        crawler_easy_set_data_callback(handle, CURLOPT_WRITEFUNCTION) { data, size, count, context in
            guard let data, let context else { return 0 }
            let transfer = Unmanaged<CurlTransfer>.fromOpaque(context).takeUnretainedValue()
            return transfer.receiveBody(UnsafeRawBufferPointer(start: data, count: size * count))
        }
        crawler_easy_set_long(handle, CURLOPT_NOPROGRESS, 0)
        crawler_easy_set_pointer(handle, CURLOPT_XFERINFODATA, me)
        // Called at least once a second while the transfer runs; non-zero stops it.
        crawler_easy_set_xferinfo_callback(handle) { context, _, _, _, _ in
            guard let context else { return 0 }
            return Unmanaged<CurlTransfer>.fromOpaque(context).takeUnretainedValue().keepsPace() ? 0 : 1
        }
        crawler_easy_set_pointer(handle, CURLOPT_HEADERDATA, me)
        crawler_easy_set_data_callback(handle, CURLOPT_HEADERFUNCTION) { data, size, count, context in
            guard let data, let context else { return 0 }
            let transfer = Unmanaged<CurlTransfer>.fromOpaque(context).takeUnretainedValue()
            // 0 makes libcurl abort the transfer (CURLE_WRITE_ERROR), `refusal` saying why.
            return transfer.receiveHeader(UnsafeRawBufferPointer(start: data, count: size * count)) ? size * count : 0
        }
    }

    /// A header line of these bytes (a validator's, which need not be UTF-8).
    private func appendHeader(_ name: String, _ value: [UInt8]) {
        let line = Array(name.utf8) + value + [0]
        headerList = line.withUnsafeBufferPointer { bytes in
            bytes.withMemoryRebound(to: CChar.self) { curl_slist_append(headerList, $0.baseAddress) }
        }
    }

    private func setHeaders(_ conditional: ConditionalHeaders) {
        // A validator is the server's own text sent back: one with a CR, LF or other control in it
        // would split our request (header injection), so it is not sent and the fetch is a full one.
        // A feed that ignores cache headers sends none: its server's validators are not believed.
        if !request.settings.ignoreCacheHeaders {
            // One kept before validators were bounded is not sent either (`CacheHintParser.bounded`).
            if let etag = conditional.etag.flatMap(CacheHintParser.bounded), HeaderText.isSafeValue(etag) {
                appendHeader("If-None-Match: ", HeaderText.validatorBytes(etag))
            }
            if let lastModified = conditional.lastModified.flatMap(CacheHintParser.bounded), HeaderText.isSafeValue(lastModified) {
                appendHeader("If-Modified-Since: ", HeaderText.validatorBytes(lastModified))
            }
        }
        // The feed's own headers, checked for controls when feeds.yaml was read, and checked again
        // here: a Referer is an item's link, someone else's text, and a line break in it would
        // add headers and requests of the feed author's choosing. Cookies go as a header rather
        // than CURLOPT_COOKIE: libcurl drops a Cookie header on a redirect to another host, as it
        // drops credentials.
        for field in request.settings.headers where HeaderText.isSafeName(field.name) && HeaderText.isSafeValue(field.value) {
            // libcurl reads `Name:` with nothing after it as "leave this header out"; `Name;` sends it empty.
            let empty = field.value.allSatisfy { $0 == " " || $0 == "\t" }
            headerList = curl_slist_append(headerList, empty ? "\(field.name);" : "\(field.name): \(field.value)")
        }
        if let cookies = request.settings.cookies, HeaderText.isSafeValue(cookies) {
            headerList = curl_slist_append(headerList, "Cookie: \(cookies)")
        }
        if headerList != nil {
            crawler_easy_set_slist(handle, CURLOPT_HTTPHEADER, headerList)
        }
    }

    /// False, with `tooSlow` saying why, when the answer came slower than the low-speed limit.
    private func keepsPace() -> Bool {
        guard pace.isTooSlow(at: MonotonicClock.milliseconds(), paused: isPaused) else { return true }
        tooSlow = "too slow: \(pace.words) (low_speed_limit, low_speed_time)"
        return false
    }

    private func receiveBody(_ chunk: UnsafeRawBufferPointer) -> Int {
        guard body.count + chunk.count <= maxBodyBytes else {
            exceededBodyLimit = true
            return 0  // makes libcurl abort the transfer with CURLE_WRITE_ERROR
        }
        guard admitsChunk(self, chunk.count) else {
            isPaused = true
            return Int(CURL_WRITEFUNC_PAUSE)
        }
        body.append(contentsOf: chunk)
        pace.count(chunk.count)
        return chunk.count
    }

    /// Lets a paused transfer go on. libcurl may hand over the chunk it kept at once, from here.
    func resume() {
        guard isPaused else { return }
        isPaused = false
        curl_easy_pause(handle, CURLPAUSE_RECV_CONT)
    }

    /// Called for every header line of every response, so it works on the bytes: no String of the
    /// whole line, no Foundation character sets.
    /// False when the transfer must stop here (`refusal` says why).
    private func receiveHeader(_ line: UnsafeRawBufferPointer) -> Bool {
        pace.count(line.count)
        // A new status line starts a new response: after a redirect, libcurl has moved on to its target.
        if line.starts(with: "HTTP/".utf8) {
            pace.begin(at: MonotonicClock.milliseconds())
            noteRedirectIfFollowed()
            // Room for a response's usual dozen headers at once: grown from empty, the
            // dictionary was rebuilt three times over for each response.
            headers = Dictionary(minimumCapacity: 16)
            responseStatus = HeaderText.statusCode(ofStatusLine: line)
            readingHeaders = true
            return true
        }
        if line.allSatisfy({ $0 == UInt8(ascii: "\r") || $0 == UInt8(ascii: "\n") }) {
            readingHeaders = false
            // After an interim answer (1xx), a redirect libcurl follows or a proxy's CONNECT reply,
            // the wait for the next status line is the timeout's again (a `301` to https first, then
            // a feed slow to begin, failed as too slow).
            if !(200..<300).contains(responseStatus) { pace.stop() }
            if let loop = loopAhead() {
                self.loop = loop
                return false
            }
            if request.postBody != nil, (200..<300).contains(responseStatus) {
                acceptedBeforeBody = true
                return false
            }
        }
        guard let colon = line.firstIndex(of: UInt8(ascii: ":")) else { return true }
        let name = HeaderText.lowercasedName(line[..<colon])
        // Values are kept byte-exact (ETag quotes and all); only the framing white space goes.
        let isValidator = name == "etag" || name == "last-modified"
        let value = isValidator ? HeaderText.validator(line[(colon + 1)...]) : HeaderText.trimmed(line[(colon + 1)...])
        headers[name] = value
        if name == "location", (300..<400).contains(responseStatus), value.utf8.count > Self.maximumURLBytes {
            refusal = "a redirect (HTTP \(responseStatus)) to a URL of \(value.utf8.count) bytes is refused: "
                + "longer than the \(Self.maximumURLBytes) a feed's url: may be"
            return false
        }
        return true
    }

    /// The longest URL a redirect may lead to, as feeds.yaml's `url:` (`FeedURL.maximumBytes`):
    /// one of 100 KB was followed, answered 414, and written whole into each fetch's log line.
    static let maximumURLBytes = 8_192

    private func noteRedirectIfFollowed() {
        guard (300..<400).contains(responseStatus) else { return }
        var effective: UnsafeMutablePointer<CChar>?
        crawler_easy_get_string(handle, CURLINFO_EFFECTIVE_URL, &effective)
        let now = effective.map { String(cString: $0) } ?? responseURL
        guard now != responseURL else { return }
        redirects.append(Redirect(status: responseStatus, from: responseURL, to: now))
        responseURL = now
    }
}
