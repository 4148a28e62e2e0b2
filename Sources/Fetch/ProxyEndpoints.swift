internal import FeedModel
internal import Glibc

/// The proxies libcurl may connect to in place of a feed's server: the configured `proxy:`, else
/// those of the standard environment variables (which libcurl reads itself). Behind a proxy the
/// crawler sees only the proxy's address, never the server's, so a proxy the operator wrote as an
/// address or as `localhost` is always reachable; what lies beyond it is the proxy's to refuse.
enum ProxyEndpoints {
    static func of(_ settings: FetchSettings) -> [Endpoint] {
        let variables = ["http_proxy", "https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"]
        let proxies = settings.proxy.map { [$0] } ?? variables.compactMap { getenv($0).map { String(cString: $0) } }
        return proxies.flatMap(of(proxy:))
    }

    /// The proxy libcurl connects to for `url`: the one named, else the environment's for its
    /// scheme (`no_proxy` is not read: only a message naming this proxy's host is attributed to it).
    static func inEffect(for url: String, named: String?) -> String? {
        if let named { return named.isEmpty ? nil : named }
        let scheme = URLAuthority(url)?.scheme
        let variables = (scheme == "https" ? ["https_proxy", "HTTPS_PROXY"] : scheme == "http" ? ["http_proxy"] : [])
            + ["all_proxy", "ALL_PROXY"]
        return variables.lazy.compactMap { getenv($0).map { String(cString: $0) } }.first { !$0.isEmpty }
    }

    /// The endpoints of one proxy URL (a feed's own `proxy:`).
    static func of(proxy: String) -> [Endpoint] {
        guard !proxy.isEmpty else { return [] }
        // libcurl's default proxy port is 1080, whatever the scheme; a proxy without one is http.
        return Endpoint.addressed(by: proxy.contains("://") ? proxy : "http://" + proxy, defaultPort: 1080)
    }
}
