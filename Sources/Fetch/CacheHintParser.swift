internal import FeedModel

/// Reads the headers a scheduler needs: validators, freshness and Retry-After.
enum CacheHintParser {
    /// `now` is the wall clock in seconds since 1970, to turn HTTP dates into delays. Expires and
    /// a Retry-After date count from the server's own `Date` when it sends one (RFC 9111, 4.2.1):
    /// a server whose clock ran six hours ahead asked, by ours, for six hours and five minutes.
    static func hints(from headers: [String: String], now: Int64) -> CacheHints {
        let serverNow = headers["date"].flatMap(HTTPDate.seconds) ?? now
        let lastModified = headers["last-modified"].flatMap(bounded)
        let kept = lastModified.flatMap { validator($0, now: now) }
        var hints = CacheHints(etag: headers["etag"].flatMap(bounded), lastModified: kept,
                               maxAge: headers["cache-control"].flatMap(maxAge(in:)),
                               expiresIn: headers["expires"].flatMap { secondsUntil(date: $0, now: serverNow) },
                               retryAfter: headers["retry-after"].flatMap { retryAfter($0, now: serverNow) })
        if kept == nil { hints.ignoredLastModified = lastModified }
        // Said however long (the log cuts it): one over a validator's length was dropped unsaid.
        if hints.retryAfter == nil, let written = headers["retry-after"] { hints.ignoredRetryAfter = written }
        return hints
    }

    static func maxAge(in cacheControl: String) -> Int? {
        for directive in cacheControl.split(separator: ",") {
            let pair = directive.split(separator: "=", maxSplits: 1)
            guard pair.count == 2, pair[0].trimmingSpaces().lowercased() == "max-age" else { continue }
            return ServerNumber.integer(pair[1].trimmingSpaces().trimmingQuotes(), in: 0...ServerNumber.maxSeconds)
        }
        return nil
    }

    /// The longest validator kept. Sent back as If-None-Match or If-Modified-Since, a longer one
    /// (100 KB from a hostile or broken server) is refused by servers (431), and the feed would
    /// fail on every later fetch for a value it did not choose. Real ETags are tens of bytes.
    static let maximumValidatorLength = 1_024

    static func bounded(_ validator: String) -> String? {
        validator.utf8.count <= maximumValidatorLength ? validator : nil
    }

    /// A Last-Modified more than a day ahead of our clock is no validator: sent back as
    /// If-Modified-Since, it makes every later change "not modified" to a server that compares
    /// dates, and the feed would look fine while it went unread. One that is not a date at all
    /// is kept: servers that compare the text as an opaque token still answer it.
    static func validator(_ lastModified: String, now: Int64) -> String? {
        guard let ahead = secondsUntil(date: lastModified, now: now), ahead > 86_400 else { return lastModified }
        return nil
    }

    /// Retry-After is either delay-seconds or an HTTP date; a date in the past means "now".
    static func retryAfter(_ value: String, now: Int64) -> Int? {
        let trimmed = HeaderText.trimmed(value[...])
        if let seconds = ServerNumber.integer(trimmed, in: 0...ServerNumber.maxSeconds) { return seconds }
        return secondsUntil(date: trimmed, now: now).map { max(0, $0) }
    }

    private static func secondsUntil(date: String, now: Int64) -> Int? {
        // All three HTTP date formats (RFC 1123, RFC 850, asctime).
        guard let parsed = HTTPDate.seconds(date) else { return nil }
        let (delay, overflow) = parsed.subtractingReportingOverflow(now)
        guard !overflow else { return nil }
        return ServerNumber.clamped(delay, to: -ServerNumber.maxSeconds...ServerNumber.maxSeconds)
    }
}

private extension String.SubSequence {
    func trimmingSpaces() -> String {
        HeaderText.trimmed(self)
    }
}

private extension String {
    func trimmingQuotes() -> String {
        guard count >= 2, first == "\"", last == "\"" else { return self }
        return String(dropFirst().dropLast())
    }
}
