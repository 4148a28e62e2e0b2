/// `notify:` in feeds.yaml: where digests of alerts (failing, recovered, gone and silent feeds,
/// store errors) go, and how often at most.
public struct NotifySettings: Sendable, Hashable {
    /// Run with `/bin/sh -c`, the digest's JSON on its stdin.
    public var command: String?
    /// POSTed the digest's JSON.
    public var webhook: String?
    /// Seconds between two digests at most one is sent in.
    public var interval: Double
    /// Whether the webhook may be on a loopback or private address (default: the global setting).
    public var allowPrivateNetworks: Bool

    public init(command: String? = nil, webhook: String? = nil, interval: Double = 3600,
                allowPrivateNetworks: Bool = false) {
        self.command = command
        self.webhook = webhook
        self.interval = interval
        self.allowPrivateNetworks = allowPrivateNetworks
    }
}
