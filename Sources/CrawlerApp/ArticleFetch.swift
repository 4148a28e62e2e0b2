public import FeedModel
internal import Fetch
internal import Parse
internal import Markup
internal import Extract
public import Convert

/// `full_content: true`: the pages a feed's items link to, fetched through the fetch engine (its
/// politeness per host, timeouts, size cap and private-address rules) and read down to their
/// main content. A link is someone else's URL: it may reach a private address only where the
/// feed may (`allow_private_networks`), or the address the operator wrote the feed's URL with.
public struct ArticleFetch: Sendable {
    public let feed: FeedConfig
    public let config: CrawlerConfig

    public init(feed: FeedConfig, config: CrawlerConfig) {
        self.feed = feed
        self.config = config
    }

    /// An item's page read down to its content, or why not.
    public enum Outcome: Sendable {
        case article(ArticleBody)
        case failed(String)
        /// Not asked: its host held it back (it throttled several requests). No failure of the
        /// page's, whatever the item's age: it is asked for at the next fetch.
        case notAsked(String)
    }

    /// The request for one item's page; `key` tells the results apart.
    func request(key: String, link: String) -> FetchRequest {
        let access = NetworkAccess.discovered(from: feed.url, allowsPrivateNetworks: feed.allowPrivateNetworks,
                                              hint: NetworkAccess.configHint)
        var settings = RequestSettings()
        // The feed's headers (an API key, perhaps) go to the feed's own origin only (not over plain
        // http from an https feed): an item may link anywhere, and the engine keeps them from the
        // hops of a redirect elsewhere. Its cookies and credentials are for the feed alone.
        if URLAuthority.keepsSecrets(from: feed.url, to: link) { settings.headers = feed.request.headers }
        settings.userAgent = feed.request.userAgent
        settings.proxy = feed.request.proxy
        settings.caFile = feed.request.caFile
        var request = FetchRequest(feed: key, url: link, verifyTLS: feed.verifyTLS, access: access, settings: settings)
        // Behind the feeds: a feed's fetch never waits for its items' pages.
        request.priority = .page
        return request
    }

    /// Fetches the pages of `links` (key → URL) at once and reads each.
    public func fetch(_ links: [(key: String, url: String)]) async -> [String: Outcome] {
        var outcomes: [String: Outcome] = [:]
        var requests: [FetchRequest] = []
        for link in links {
            guard URLAuthority.isWeb(link.url) else {
                outcomes[link.key] = .failed("the item's link \(link.url) is not an http(s) URL")
                continue
            }
            requests.append(request(key: link.key, link: link.url))
        }
        guard !requests.isEmpty else { return outcomes }
        let engine = FetchEngine(settings: FetchSettings(config))
        for result in await engine.fetchAll(requests) {
            outcomes[result.request.feed] = read(result)
        }
        return outcomes
    }

    /// A fetched page → its content. Pure.
    func read(_ result: FetchResult) -> Outcome {
        switch result.outcome {
        case .failure(let failure):
            // The engine's message names the URL already.
            return failure.kind == .deferred ? .notAsked(failure.message) : .failed(failure.message)
        case .response(let response):
            guard (200..<300).contains(response.status) else {
                return .failed("\(result.request.url): HTTP \(response.status)")
            }
            // A PDF, an image or a video behind the link has no article to read.
            let type = (response.headers["content-type"] ?? "").split(separator: ";").first
                .map { String($0).trimmingASCIISpaces().lowercased() } ?? ""
            guard type.isEmpty || type == "text/html" || type == "application/xhtml+xml" else {
                return .failed("\(response.finalURL): not an HTML page (\(type))")
            }
            return Self.extract(response.body, url: URLUserInfo.removed(from: response.finalURL), charset: response.charset,
                                settings: feed.article)
        }
    }

    /// Pure: a page's bytes → its content, by the feed's selectors or the scorer.
    public static func extract(_ body: [UInt8], url: String, charset: String?, settings: ArticleSettings) -> Outcome {
        let page = HTMLPageReader.read(body, url: url, httpCharset: charset)
        do {
            let selector = try settings.contentSelector.map { selector throws(CSSSelector.ParseError) in try CSSSelector(selector) }
            var remove: [CSSSelector] = []
            for text in settings.remove { remove.append(try CSSSelector(text)) }
            let article = try ArticleExtractor(contentSelector: selector, remove: remove).extract(page.root, url: url)
            return .article(ArticleBody(html: article.html, url: article.base))
        } catch let problem as ArticleExtractor.Failure {
            return .failed("\(url): \(problem)")
        } catch {
            return .failed("\(url): \(error)")
        }
    }
}
