internal import FeedModel
internal import Fetch

/// POSTs a digest to `notify: webhook:` through the fetch engine, with the crawl's transfer
/// settings and the same private-address rules as feeds.
enum AlertWebhook {
    /// nil when the webhook answered 2xx; else why not.
    static func post(_ payload: String, to url: String, settings: NotifySettings, fetch: FetchSettings) async -> String? {
        let access = NetworkAccess.operatorURL(url, allowsPrivateNetworks: settings.allowPrivateNetworks,
                                               hint: "set allow_private_networks: true under notify: to allow it")
        var own = RequestSettings()
        // No "Expect: 100-continue" round trip: many webhook receivers never answer it.
        own.headers = [HeaderField(name: "Content-Type", value: "application/json"), HeaderField(name: "Expect", value: "")]
        var request = FetchRequest(feed: "notify", url: url, access: access, settings: own)
        request.postBody = payload
        // Cancelling this task (the shutdown's deadline) ends the stream, which stops the transfer.
        let result = await FetchEngine(settings: fetch).fetchAll([request]).first
        if Task.isCancelled { return "no answer by shutdown; stopped" }
        guard let result else { return "no result" }
        switch result.outcome {
        case .failure(let failure):
            return [url, SecretRedaction.redactURL(url)].reduce(failure.message) { $0.replacingOccurrences(of: $1, with: shown(url)) }
        case .response(let response):
            return (200..<300).contains(response.status) ? nil : "HTTP \(response.status)"
        }
    }

    /// The webhook as logs name it: its origin (`SecretRedaction.origin`).
    static func shown(_ url: String) -> String {
        SecretRedaction.origin(url) ?? "the webhook"
    }
}
