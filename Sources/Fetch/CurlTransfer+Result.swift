internal import CCurl
internal import FeedModel
internal import Glibc

extension CurlTransfer {
    /// Builds the result once libcurl reports the transfer done with `code`.
    func finish(code: CURLcode) -> FetchResult {
        let elapsed = Int(MonotonicClock.milliseconds() - startedAt)
        var result = code == CURLE_OK || acceptedBeforeBody
            ? FetchResult(request: submitted, outcome: .response(response()), milliseconds: elapsed)
            : failure(for: code, milliseconds: elapsed)
        result.timings = timings()
        result.waitMilliseconds = waited
        return result
    }

    /// Whether this transfer's failure was most likely the previous answer's leftovers: a kept
    /// plain-HTTP connection had bytes waiting before the request went out (`keptConnectionHoldsInput`),
    /// or one (TLS) gave back something that is no HTTP response, as a server that sent more than a
    /// Content-Length announced, after libcurl stopped reading, makes it do. Worth one more try on
    /// a connection of its own; a new connection that answers so is the server's own doing.
    func readLeftovers(code: CURLcode) -> Bool {
        guard !onFreshConnection, refusal == nil, !acceptedBeforeBody else { return false }
        if leftInputOnKeptConnection { return true }
        guard code == CURLE_UNSUPPORTED_PROTOCOL || code == CURLE_WEIRD_SERVER_REPLY else { return false }
        var connects = 0
        crawler_easy_get_long(handle, CURLINFO_NUM_CONNECTS, &connects)
        return connects == 0
    }

    /// The status of the answer libcurl finished with (0 for none).
    var status: Int {
        var status = 0
        crawler_easy_get_long(handle, CURLINFO_RESPONSE_CODE, &status)
        return status
    }

    private func response() -> FetchResponse {
        var status = self.status
        var wireBytes: curl_off_t = 0
        crawler_easy_get_offset(handle, CURLINFO_SIZE_DOWNLOAD_T, &wireBytes)
        var effective: UnsafeMutablePointer<CChar>?
        crawler_easy_get_string(handle, CURLINFO_EFFECTIVE_URL, &effective)
        let finalURL = effective.map { String(cString: $0) } ?? request.url
        // file:// transfers have no status line; a readable file is a 200.
        if status == 0 && finalURL.hasPrefix("file:") { status = 200 }
        // Validators and freshness a feed does not believe are dropped as received, so nothing
        // downstream sends them back or schedules by them; an unchanged body is still noticed
        // by its fingerprint.
        let headers = request.settings.ignoreCacheHeaders
            ? self.headers.filter { !["etag", "last-modified", "cache-control", "expires"].contains($0.key) }
            : self.headers
        var response = FetchResponse(status: status, finalURL: finalURL, headers: headers, body: body,
                                     wireBytes: Int(wireBytes))
        response.redirects = allRedirects
        response.cache = CacheHintParser.hints(from: headers, now: Int64(time(nil)))
        if (200..<300).contains(status) { response.bodyFingerprint = BodyFingerprint.of(body) }
        return response
    }

    private func timings() -> TransferTimings {
        func microseconds(_ info: CURLINFO) -> Int {
            var value: curl_off_t = 0
            crawler_easy_get_offset(handle, info, &value)
            return Int(value)
        }
        return TransferTimings(dns: microseconds(CURLINFO_NAMELOOKUP_TIME_T),
                               connect: microseconds(CURLINFO_CONNECT_TIME_T),
                               tls: microseconds(CURLINFO_APPCONNECT_TIME_T),
                               firstByte: microseconds(CURLINFO_STARTTRANSFER_TIME_T),
                               total: microseconds(CURLINFO_TOTAL_TIME_T))
    }

    private func failure(for code: CURLcode, milliseconds: Int) -> FetchResult {
        // Before anything else: a refused prerequest reads as "aborted by callback", a cancel.
        if let refusal {
            return .failed(submitted, .refused, refusal, milliseconds: milliseconds)
        }
        if let loop {
            return .failed(submitted, .protocolError, loop, milliseconds: milliseconds)
        }
        if let tooSlow, code == CURLE_ABORTED_BY_CALLBACK {
            return .failed(submitted, .timeout, tooSlow, milliseconds: milliseconds)
        }
        // Out of file descriptors: the crawler's own shortage, not the feed's server failing.
        // Not held against the feed: it is asked again in a minute.
        if ranOutOfDescriptors() {
            return .failed(submitted, .deferred, "not fetched; the crawler has no file descriptor left (open-file "
                           + "limit \(DescriptorBudget.openFileLimit()): raise LimitNOFILE= or ulimit -n, or lower concurrency:)",
                           milliseconds: milliseconds, retryAfter: 60)
        }
        if !exceededBodyLimit && code == CURLE_FILESIZE_EXCEEDED {
            // libcurl refused on the header alone: nothing of the body was read.
            return .failed(submitted, .tooLarge, "Content-Length announces \(announcedLength().map(String.init) ?? "more than \(maxBodyBytes)") "
                           + "bytes, over max_body_size \(maxBodyBytes); not fetched", milliseconds: milliseconds)
        }
        if exceededBodyLimit {
            return .failed(submitted, .tooLarge, "body larger than \(maxBodyBytes) bytes (max_body_size); transfer cut",
                           milliseconds: milliseconds)
        }
        let detail = Self.withoutProxyText(String(cString: errorBuffer))
        var message = detail.isEmpty ? String(cString: curl_easy_strerror(code)) : detail
        if code == CURLE_PEER_FAILED_VERIFICATION {
            message = TLSFailureText.unverified(message)
        } else if code == CURLE_SSL_CONNECT_ERROR || code == CURLE_OPERATION_TIMEDOUT, let text = TLSFailureText.handshake(message) {
            message = text
        } else if code == CURLE_SSL_CACERT_BADFILE {
            message = "TLS: cannot read the CA file \(request.settings.caFile ?? "") (\(message))"
        } else if code == CURLE_OPERATION_TIMEDOUT, chain != nil {
            // libcurl's message counts this hop alone; the timeout is the whole chain's.
            message = "Operation timed out after \(milliseconds) milliseconds, "
                + "\(allRedirects.count) redirect\(allRedirects.count == 1 ? "" : "s") included"
        } else if code == CURLE_TOO_MANY_REDIRECTS {
            // A URL that redirects to itself leaves no hop to note (the URL never changes).
            let url = URLUserInfo.removed(from: request.url)
            message = RedirectText.tooMany(allRedirects.isEmpty ? [Redirect(status: 0, from: url, to: url)] : allRedirects,
                                           limit: maxRedirects)
        } else if code == CURLE_UNSUPPORTED_PROTOCOL, message.hasPrefix("Protocol \""),
                  request.url.lowercased().hasPrefix("http") {
            // A redirect to file:, ftp:...: refused on purpose, which libcurl's words hid
            // ("not supported or disabled in libcurl" read as a broken install).
            let scheme = message.dropFirst("Protocol \"".count).prefix { $0 != "\"" }
            message = "a redirect to a \(scheme): URL is refused: only http:// and https:// are followed"
        } else if let encoding = undecodable(code, message) {
            message = encoding
        } else if message.contains("HTTP/0.9") {
            message = "the server did not answer with HTTP (no status line: another protocol on this port?)"
        } else if code == CURLE_OPERATION_TIMEDOUT, message.hasPrefix("Operation timed out") {
            message += " (timeout: \(timeoutText))"
        } else if message.contains("CONNECT tunnel failed, response 407"), let proxy {
            // An https feed through a proxy that wants a login: libcurl's words name neither.
            message = ProxyRefusal.text(proxy: proxy)
        } else if code == CURLE_COULDNT_CONNECT, let proxy {
            message = Self.namingProxy(message, proxy: proxy)
        } else if code == CURLE_OUT_OF_MEMORY, readingHeaders {
            // libcurl's code for a header line over its 100 KB limit (CURL_MAX_HTTP_HEADER).
            message = "response header too large: a header line over libcurl's limit of 100 KB"
        }
        return .failed(submitted, CurlErrorKind.kind(of: code), message, milliseconds: milliseconds)
    }

    /// The socket (or the resolver's) could not be made: EMFILE or ENFILE, as libcurl saw it.
    private func ranOutOfDescriptors() -> Bool {
        var number = 0
        crawler_easy_get_long(handle, CURLINFO_OS_ERRNO, &number)
        return number == Int(EMFILE) || number == Int(ENFILE)
    }

    /// A body libcurl could not decode from the Content-Encoding the server named: one it does not
    /// know, or a body not in it (brotli's decoder reports that as a write error).
    private func undecodable(_ code: CURLcode, _ message: String) -> String? {
        let decodes = code == CURLE_BAD_CONTENT_ENCODING || (code == CURLE_WRITE_ERROR && !isPaused)
        guard decodes, let value = headers["content-encoding"], !value.isEmpty else { return nil }
        let named = HeaderText.isSafeValue(value) && value.count <= 40 ? value : "an encoding"
        if message.contains("Unrecognized content encoding") {
            return "the server sent Content-Encoding: \(named), which this crawler cannot decode (gzip, deflate, br and zstd it can)"
        }
        return "the server said Content-Encoding: \(named), but the body is not \(named) (\(message))"
    }

    /// libcurl's messages about a proxy quote it, password and all, and cut the quote off at
    /// 256 bytes (where a long password ends no `@` the redaction could find): everything from
    /// the quote on goes, whatever proxy it names (one from the environment is checked by no one
    /// before). Not only up to the next quote: a password may hold one.
    static func withoutProxyText(_ message: String) -> String {
        guard message.lowercased().contains("proxy"), let open = message.firstIndex(of: "'") else { return message }
        return String(message[..<open]) + "the proxy"
    }

    /// Behind a proxy, libcurl's "Failed to connect to H port P" names the proxy, not the feed's
    /// server, and read as it is sends the operator to look at the wrong machine. Only a message
    /// naming the proxy's own host and port is changed (`no_proxy` may have sent this one direct).
    static func namingProxy(_ message: String, proxy: String) -> String {
        guard let authority = URLAuthority(proxy.contains("://") ? proxy : "http://" + proxy, defaultPort: 1080),
              message.contains("connect to \(authority.host) port \(authority.port) ") else { return message }
        return "cannot reach the proxy at \(authority.host) port \(authority.port), so the feed's server was "
            + "not asked: \(message)"
    }

    /// The body size the response's Content-Length announced, if it did.
    private func announcedLength() -> Int64? {
        if let header = headers["content-length"], let length = Int64(header) { return length }
        var length: curl_off_t = -1
        crawler_easy_get_offset(handle, CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &length)
        return length > 0 ? Int64(length) : nil
    }
}
