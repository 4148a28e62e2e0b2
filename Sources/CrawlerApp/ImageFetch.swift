internal import FeedModel
internal import Markup

/// `images: local`: one image's requests and what its answer means. The requests go through the
/// flow's fetch session behind the feeds (`FetchPriority.page`), with the politeness of the
/// image's host, the feed's private-address rules (as for its article pages) and
/// `max_image_size` as the transfer's size cap.
///
/// Hot-link protection: an image is asked for first with no Referer (most hosts serve that),
/// then with its own origin as Referer, then with the article's URL, each only after the one
/// before was refused with 401 or 403.
///
/// Types: the body must start like a PNG, JPEG, GIF, WebP or AVIF file, whatever the server's
/// Content-Type says (which must still be image/*). SVG is refused, not sanitized: it is a
/// document that can carry scripts and links, and a copy under the site's own origin would run
/// them there; the post keeps the remote URL, as a browser would show it.
struct ImageFetch: Sendable {
    let feed: FeedConfig

    /// The Referer of each attempt, in order.
    enum Attempt: Int, CaseIterable, Sendable {
        case noReferer, imageOrigin, article
    }

    enum Outcome: Sendable, Equatable {
        case image(bytes: [UInt8], fileExtension: String)
        /// Refused with 401/403: try the next Referer.
        case tryNextReferer(String)
        /// Will not become an image by asking again: too large, not an image, a refused address.
        case refused(String)
        /// May work on a later pass: a network error, a server error, every Referer refused.
        case failed(String)
    }

    func request(key: String, url: String, attempt: Attempt, article: String?) -> FetchRequest {
        let access = NetworkAccess.discovered(from: feed.url, allowsPrivateNetworks: feed.allowPrivateNetworks,
                                              hint: NetworkAccess.configHint)
        var settings = RequestSettings()
        // An image host is not the feed's site: the feed's own headers, cookies and credentials stay home.
        settings.userAgent = feed.request.userAgent
        settings.proxy = feed.request.proxy
        settings.caFile = feed.request.caFile
        settings.headers = [HeaderField(name: "Accept", value: "image/avif,image/webp,image/png,image/jpeg,image/gif,image/*;q=0.8")]
        if let referer = Self.referer(for: attempt, url: url, article: article) {
            settings.headers.append(HeaderField(name: "Referer", value: referer))
        }
        var request = FetchRequest(feed: key, url: url, verifyTLS: feed.verifyTLS, access: access, settings: settings)
        request.priority = .page
        request.maxBodyBytes = feed.article.maxImageBytes
        return request
    }

    static func referer(for attempt: Attempt, url: String, article: String?) -> String? {
        switch attempt {
        case .noReferer: return nil
        case .imageOrigin:
            guard let authority = URLAuthority(url) else { return nil }
            let port = authority.port == (authority.scheme == "https" ? 443 : 80) ? "" : ":\(authority.port)"
            return "\(authority.scheme)://\(authority.host)\(port)/"
        case .article: return article.map(refererForm)
        }
    }

    /// A URL as a Referer may carry it: without its fragment or user info (RFC 9110, 10.1.3).
    private static func refererForm(_ url: String) -> String {
        let withoutFragment = url.firstIndex(of: "#").map { String(url[..<$0]) } ?? url
        return URLUserInfo.removed(from: withoutFragment)
    }

    /// What a fetched image means. Pure.
    func read(_ result: FetchResult, attempt: Attempt) -> Outcome {
        let url = result.request.url
        switch result.outcome {
        case .failure(let failure):
            switch failure.kind {
            case .tooLarge: return .refused("larger than max_image_size (\(feed.article.maxImageBytes) bytes)")
            case .refused, .badURL: return .refused(failure.message)
            default: return .failed(failure.message)
            }
        case .response(let response):
            if response.status == 401 || response.status == 403 {
                let reason = "HTTP \(response.status) (Referer: \(Self.referer(for: attempt, url: url, article: nil) ?? "none"))"
                return attempt == .article ? .failed("HTTP \(response.status) whatever the Referer") : .tryNextReferer(reason)
            }
            // libcurl follows redirects to the web only: one it left leads elsewhere (file:, data:) or nowhere.
            if [301, 302, 303, 307, 308].contains(response.status) {
                let scheme = response.headers["location"].flatMap { location in
                    URLResolver.hasScheme(location) ? String(location.prefix { $0 != ":" }).lowercased() : nil
                }
                return .refused("HTTP \(response.status) to " + (scheme.map { "a \($0): URL, not the web" } ?? "no usable Location"))
            }
            guard (200..<300).contains(response.status) else {
                // A 304 to a request that sent no validators will not turn into an image either.
                let lasting = [304, 404, 410].contains(response.status)
                return lasting ? .refused("HTTP \(response.status)") : .failed("HTTP \(response.status)")
            }
            let type = (response.headers["content-type"] ?? "").split(separator: ";").first
                .map { String($0).trimmingASCIISpaces().lowercased() } ?? ""
            guard type.hasPrefix("image/") else { return .refused("not an image (Content-Type \(type.isEmpty ? "missing" : type))") }
            guard let fileExtension = ImageType.fileExtension(of: response.body) else {
                let svg = type == "image/svg+xml" ? "SVG is not kept (it can carry scripts)" : "its bytes are not PNG, JPEG, GIF, WebP or AVIF"
                return .refused("not an image we keep (Content-Type \(type); \(svg))")
            }
            return .image(bytes: response.body, fileExtension: fileExtension)
        }
    }
}

/// An image's type from its first bytes (its "magic"), never from what the server says.
enum ImageType {
    static func fileExtension(of bytes: [UInt8]) -> String? {
        func starts(_ prefix: [UInt8], at offset: Int = 0) -> Bool {
            bytes.count >= offset + prefix.count && Array(bytes[offset..<offset + prefix.count]) == prefix
        }
        if starts([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) { return "png" }
        if starts([0xFF, 0xD8, 0xFF]) { return "jpg" }
        if starts(Array("GIF87a".utf8)) || starts(Array("GIF89a".utf8)) { return "gif" }
        if starts(Array("RIFF".utf8)), starts(Array("WEBP".utf8), at: 8) { return "webp" }
        if starts(Array("ftyp".utf8), at: 4), starts(Array("avif".utf8), at: 8) || starts(Array("avis".utf8), at: 8) {
            return "avif"
        }
        return nil
    }
}
