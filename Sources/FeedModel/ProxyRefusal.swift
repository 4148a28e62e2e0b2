/// What a proxy's 407 tells the operator: the proxy wants a login, or refused the one it got.
/// Read as the feed's own "HTTP 407 client error", it sent them to the feed's server.
public enum ProxyRefusal {
    public static func text(proxy: String) -> String {
        let login = URLUserInfo.has(proxy) ? "refused the user and password in proxy:"
            : "asks for a user and password (proxy: http://USER:PASSWORD@HOST:PORT)"
        return "HTTP 407 Proxy Authentication Required: the proxy \(login); the feed's server was not asked"
    }
}
