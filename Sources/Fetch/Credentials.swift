internal import FeedModel
internal import Glibc

/// Where a feed's basic-auth password comes from: feeds.yaml, or an environment variable read
/// when the request is made (so a secret kept out of the file can change with the service's
/// environment). The password itself goes to libcurl only, never into a message.
enum Credentials {
    static func password(of auth: BasicAuth) -> String? {
        switch auth.password {
        case .literal(let password): return password
        case .environment(let name): return getenv(name).map { String(cString: $0) }
        }
    }

    /// Why the request cannot be made as configured, if it cannot.
    static func problem(with request: FetchRequest) -> String? {
        guard let auth = request.settings.basicAuth, case .environment(let name) = auth.password,
              password(of: auth) == nil else { return nil }
        return "basic_auth: the environment variable \(name) (password_env) is not set"
    }
}
