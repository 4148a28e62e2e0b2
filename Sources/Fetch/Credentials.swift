internal import FeedModel
internal import Glibc

/// Where a feed's basic-auth password comes from: feeds.yaml, or an environment variable read
/// when the request is made (so a secret kept out of the file can change with the service's
/// environment). The password itself goes to libcurl only, never into a message.
enum Credentials {
    static func password(of auth: BasicAuth) -> String? {
        switch auth.password {
        case .literal(let password): return password
        case .environment(let name): return fromEnvironment(name).password
        }
    }

    /// Why the request cannot be made as configured, if it cannot.
    static func problem(with request: FetchRequest) -> String? {
        guard let auth = request.settings.basicAuth, case .environment(let name) = auth.password else { return nil }
        return fromEnvironment(name).problem
    }

    /// The variable's value, or why it is no password. Bytes that are not UTF-8 (a Latin-1
    /// password) were sent as U+FFFD, and an empty value as an empty password: the server saw
    /// another password and the operator only a 401. Each fails the feed as an unset one does.
    private static func fromEnvironment(_ name: String) -> (password: String?, problem: String?) {
        let variable = "basic_auth: the environment variable \(name) (password_env)"
        guard let value = getenv(name) else { return (nil, "\(variable) is not set") }
        guard value.pointee != 0 else { return (nil, "\(variable) is empty") }
        guard let password = String(validatingCString: value) else { return (nil, "\(variable) is not UTF-8 text") }
        return (password, nil)
    }
}
