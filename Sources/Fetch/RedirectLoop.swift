internal import CCurl
internal import FeedModel

/// A redirect back to a URL the request has already asked (itself, or one hop before): the same
/// request again, which no cookie or credential of ours changes, so the same answer. Stopped at
/// the first repeat rather than at `max_redirects` (a self-redirect cost six requests a poll).
enum RedirectLoop {
    /// `location` resolved against `base`, as libcurl follows it; nil when either does not parse.
    static func target(of location: String, from base: String) -> String? {
        guard let url = curl_url() else { return nil }
        defer { curl_url_cleanup(url) }
        guard curl_url_set(url, CURLUPART_URL, base, 0) == CURLUE_OK,
              curl_url_set(url, CURLUPART_URL, location, 0) == CURLUE_OK else { return nil }
        var text: UnsafeMutablePointer<CChar>?
        guard curl_url_get(url, CURLUPART_URL, &text, 0) == CURLUE_OK, let text else { return nil }
        defer { curl_free(text) }
        return String(cString: text)
    }

    /// Whether `target` is one of the URLs already asked: the first, and each hop's.
    static func revisits(_ target: String, first: String, hops: [Redirect]) -> Bool {
        ([first] + hops.map(\.to)).contains { (Self.target(of: $0, from: $0) ?? $0) == target }
    }
}

extension CurlTransfer {
    /// On a redirect answer libcurl is about to follow: the loop it would go round, said as
    /// `max_redirects` would have said it, or nil.
    func loopAhead() -> String? {
        guard !followsRedirectsItself, [301, 302, 303, 307, 308].contains(responseStatus),
              let location = headers["location"], !location.isEmpty,
              let target = RedirectLoop.target(of: location, from: responseURL),
              RedirectLoop.revisits(target, first: URLUserInfo.removed(from: submitted.url), hops: allRedirects) else { return nil }
        let hops = allRedirects + [Redirect(status: responseStatus, from: responseURL, to: target)]
        return RedirectText.tooMany(hops, limit: maxRedirects)
    }
}
