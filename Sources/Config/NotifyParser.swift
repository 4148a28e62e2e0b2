internal import FeedModel
internal import Yams

/// `notify:`: a command and/or a webhook that receive digests of alerts, e.g.
/// `command: mail -s crawler ops@example.org`, `webhook: https://hooks.example.org/crawler`, `interval: 1h`.
struct NotifyParser {
    static let keys = ["command", "webhook", "interval", "allow_private_networks"]
    let parser: ConfigParser
    /// The global `allow_private_networks:`, the default for the webhook.
    let allowPrivateNetworks: Bool

    func parse(_ node: Node?) throws(ConfigError) -> NotifySettings? {
        guard let node, !MappingReader.isNull(node) else { return nil }
        guard let mapping = node.mapping else {
            throw parser.error(at: node, key: "notify", "must be a mapping (command:, webhook:, interval:)")
        }
        let reader = MappingReader(parser: parser, mapping: mapping, path: "notify")
        try reader.rejectUnknownKeys(allowed: Self.keys)
        var settings = NotifySettings(allowPrivateNetworks: try reader.bool("allow_private_networks") ?? allowPrivateNetworks)
        settings.command = try reader.string("command")
        // A NUL would end the command where the system reads it, as it ends a path.
        let controls = settings.command?.unicodeScalars.contains { $0.properties.generalCategory == .control && $0 != "\t" }
        if let command = settings.command, command.trimmingSpaces().isEmpty || controls == true {
            throw parser.error(at: reader.node("command")!, key: "notify.command",
                               "must be one line: a shell command, without control characters")
        }
        settings.webhook = try reader.string("webhook")
        if let webhook = settings.webhook {
            let scheme = FeedURL(webhook)?.scheme
            guard scheme == "http" || scheme == "https" else {
                let shown = webhook.trimmingSpaces().isEmpty ? "is empty: give an http(s) URL, or leave webhook: out"
                    : "'\(SecretRedaction.origin(webhook) ?? "the webhook")' is not an http(s) URL"
                throw parser.error(at: reader.node("webhook")!, key: "notify.webhook", shown)
            }
        }
        settings.interval = try reader.duration("interval") ?? settings.interval
        guard settings.command != nil || settings.webhook != nil else {
            throw parser.error(at: node, key: "notify", "needs a command: or a webhook: to send alerts to")
        }
        return settings
    }
}
