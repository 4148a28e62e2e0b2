public import FeedModel
internal import Yams

/// Turns the text of feeds.yaml into a validated `CrawlerConfig`. Pure: the caller reads the file.
public struct ConfigParser: Sendable {
    /// Name used in error messages.
    public var fileName: String
    /// Folder that relative paths (the store) are resolved against.
    public var baseDirectory: String

    /// Asked about each file feeds.yaml names (`ca_file:`, `template:`), so that a problem is told
    /// at the line that names the file: why it is unusable, or nil. The loader looks at the disk;
    /// left nil (tests of the grammar alone), no file is looked at.
    public var fileProblem: (@Sendable (NamedFile, String) -> String?)?
    /// CRAWLER_DATABASE_URL, which the loader reads: it stands for `database:`.
    public var environmentDatabase: String?

    public enum NamedFile: Sendable {
        case caFile, template
    }

    public init(fileName: String, baseDirectory: String) {
        self.fileName = fileName
        self.baseDirectory = baseDirectory
    }

    static let globalKeys = ["store", "interval", "concurrency", "per_host_concurrency", "user_agent",
                             "timeout", "connect_timeout", "max_body_size", "default_image", "output", "template",
                             "document_path", "feeds",
                             "host_gap", "hosts", "low_speed_limit", "low_speed_time", "max_redirects", "proxy",
                             "revalidate_after", "adopt_redirect_after", "host_backoff_feeds",
                             "adaptive", "min_interval", "max_interval", "max_backoff", "database", "lease",
                             "allow_private_networks",
                             "max_items", "max_documents_per_day", "parse_time_limit", "max_backlog_bytes", "keep",
                             "revisions", "identity", "notify"]
        + RequestSettingsParser.globalKeys + RulesParser.keys.filter { $0 != "keep" } + ImageSettingsParser.globalKeys
    static let feedKeys = ["url", "name", "categories", "author", "image", "interval", "adaptive",
                           "min_interval", "max_interval",
                           "item_categories", "sanitize", "tls_verify", "allow_private_networks", "enabled", "site_url",
                           "max_items", "max_documents_per_day", "parse_time_limit", "keep", "revisions", "identity"]
        + RequestSettingsParser.feedKeys + RulesParser.keys.filter { $0 != "keep" } + ArticleSettingsParser.keys
        + ImageSettingsParser.feedKeys

    /// No rules: every scalar is text that the readers convert themselves, and `MappingReader`
    /// tells YAML's null apart by value. Yams' default resolver tries seven regular expressions
    /// on each key it checks for duplicates, which made loading 5,000 feeds take 0.1 s; even the
    /// null rule alone cost its regular expression's compilation at every start.
    static let resolver = Resolver.basic

    public func parse(_ text: String) throws(ConfigError) -> CrawlerConfig {
        let root: Node
        do {
            guard let node = try Yams.compose(yaml: text, Self.resolver) else {
                throw error(line: 0, key: "", "the file is empty; it needs at least a `feeds:` list")
            }
            root = node
        } catch let problem as ConfigError {
            throw problem
        } catch let problem as YamlError {
            throw yamlSyntaxError(problem)
        } catch {
            throw self.error(line: 0, key: "", "cannot read YAML: \(error)")
        }
        guard let mapping = root.mapping else {
            throw error(at: root, key: "", "the top level must be a mapping of settings (store:, feeds:, ...)")
        }
        return try parseGlobal(mapping)
    }

    private func parseGlobal(_ mapping: Node.Mapping) throws(ConfigError) -> CrawlerConfig {
        let reader = MappingReader(parser: self, mapping: mapping, path: "")
        try reader.rejectUnknownKeys(allowed: Self.globalKeys)
        let store = try reader.path("store") ?? "./store"
        var config = CrawlerConfig(storePath: resolve(path: store))
        config.interval = try reader.wait("interval", atLeastASecond: true) ?? config.interval
        config.concurrency = try reader.positiveInt("concurrency") ?? config.concurrency
        config.perHostConcurrency = try reader.positiveInt("per_host_concurrency") ?? config.perHostConcurrency
        config.userAgent = try reader.string("user_agent") ?? config.userAgent
        if !RequestSettingsParser.isSafe(config.userAgent) {
            throw error(at: reader.node("user_agent")!, key: "user_agent", "must be one line of text")
        }
        config.timeout = try reader.duration("timeout") ?? config.timeout
        config.connectTimeout = try reader.duration("connect_timeout") ?? config.connectTimeout
        config.maxBodyBytes = try reader.size("max_body_size") ?? config.maxBodyBytes
        config.defaultImage = try reader.string("default_image")
        if let image = config.defaultImage, let problem = SiteURL.problem(with: image, key: "default_image") {
            throw error(at: reader.node("default_image")!, key: "default_image", problem)
        }
        try parseOutput(reader, into: &config)
        try parseFetchLimits(reader, into: &config)
        config.hostRules = try HostRulesParser(parser: self, defaults: config).parse(reader.node("hosts"))
        config.maxBackoff = try reader.wait("max_backoff") ?? config.maxBackoff
        try parseFleet(reader, into: &config)
        var defaults = FeedConfig(name: "", url: "", interval: config.interval)
        defaults.adaptive = try reader.bool("adaptive") ?? false
        let bounds = try IntervalBounds.read(reader)
        defaults.minInterval = bounds.low?.seconds
        defaults.maxInterval = bounds.high?.seconds
        defaults.allowPrivateNetworks = try reader.bool("allow_private_networks") ?? false
        config.allowPrivateNetworks = defaults.allowPrivateNetworks
        defaults.request = try RequestSettingsParser(parser: self).global(reader)
        defaults.revisions = try reader.revisions(default: .replace)
        defaults.identity = try reader.identity(default: .guid)
        config.notify = try NotifyParser(parser: self, allowPrivateNetworks: config.allowPrivateNetworks)
            .parse(reader.node("notify"))
        defaults.rules = try RulesParser(parser: self).parse(reader)
        try ImageSettingsParser(parser: self).parse(reader, into: &defaults.article, defaults: ArticleSettings())
        config.assetsURL = try ImageSettingsParser(parser: self).assetsURL(reader) ?? config.assetsURL
        let feeds = try parseFeeds(reader.node("feeds"), defaults: defaults, bounds: bounds)
        try refuseRetentionInFleet(reader, database: config.database)
        config.feeds.reserveCapacity(feeds.count)
        for (feed, enabled) in feeds {
            if enabled { config.feeds.append(feed) } else { config.disabledFeeds.append(feed) }
        }
        return config
    }

    /// Every entry, enabled or not: a disabled feed still holds its name and URL.
    private func parseFeeds(_ node: Node?, defaults: FeedConfig,
                            bounds: IntervalBounds) throws(ConfigError) -> [(FeedConfig, enabled: Bool)] {
        guard let node else { throw error(line: 0, key: "feeds", "missing; list the feeds to crawl under `feeds:`") }
        // `feeds:` with nothing under it (its last feed deleted) is an empty list, as `feeds: []` is.
        if MappingReader.isNull(node) { return [] }
        guard let sequence = node.sequence else {
            throw error(at: node, key: "feeds", "must be a list (each entry starting with `- url: ...`)")
        }
        var feeds: [(FeedConfig, enabled: Bool)] = []
        var seenNames: [String: (line: Int, name: String)] = [:]
        var seenURLs: [String: Int] = [:]
        feeds.reserveCapacity(sequence.count)
        seenNames.reserveCapacity(sequence.count)
        seenURLs.reserveCapacity(sequence.count)
        // Each entry's problem is kept and the next entry read: one run names them all.
        var problems: [ConfigError] = []
        for (index, entry) in sequence.enumerated() {
            let feed: FeedConfig, enabled: Bool
            do { (feed, enabled) = try parseFeed(entry, index: index, defaults: defaults, bounds: bounds) } catch {
                problems.append(Self.naming(error, entry))
                continue
            }
            let identity = URLIdentity.key(feed.url)
            let nameKey = FeedNames.key(feed.name)
            if let first = seenURLs[identity] {
                problems.append(error(at: entry, key: "feeds[\(index)].url", "duplicate of the feed on line \(first): \(feed.url)"))
            } else if let first = seenNames[nameKey] {
                problems.append(duplicateName(feed, of: first, at: entry, index: index))
            } else {
                seenURLs[identity] = feed.line
                seenNames[nameKey] = (feed.line, feed.name)
                feeds.append((feed, enabled))
            }
        }
        if var first = problems.first {
            first.further = Array(problems.dropFirst())
            throw first
        }
        return feeds
    }

    /// The entry's own `name:` on its problem, unless the name is the problem (or unwritable).
    private static func naming(_ error: ConfigError, _ entry: Node) -> ConfigError {
        guard !error.key.hasSuffix(".name"), let name = entry["name"]?.string,
              FeedNames.problem(with: name, madeFromURL: false) == nil, !name.contains("'") else { return error }
        var named = error
        named.feed = name
        return named
    }

    /// `Foo` beside `foo` is refused as `foo` beside `foo` is: `list`, the logs and `--feed` could
    /// not tell them apart.
    private func duplicateName(_ feed: FeedConfig, of first: (line: Int, name: String), at entry: Node,
                               index: Int) -> ConfigError {
        // Two URLs apart only in their query (`?cat=1`, `?cat=2`) make one name.
        let made = entry["name"] == nil ? " (made from its url's host and path, without the query)" : ""
        let spelled = first.name == feed.name ? "" : " (as '\(first.name)')"
        let advice = !made.isEmpty ? ": give one of them a name:" : spelled.isEmpty ? "" : ", whatever their case"
        return error(at: entry, key: "feeds[\(index)].name", "name '\(feed.name)'\(made) is already used by the "
                     + "feed on line \(first.line)\(spelled); names must be unique\(advice)")
    }

    private func parseFeed(_ node: Node, index: Int, defaults: FeedConfig,
                           bounds: IntervalBounds) throws(ConfigError) -> (FeedConfig, enabled: Bool) {
        let path = "feeds[\(index)]"
        guard let mapping = node.mapping else {
            throw error(at: node, key: path, "each feed must be a mapping with at least `url:`")
        }
        let reader = MappingReader(parser: self, mapping: mapping, path: path)
        try reader.rejectUnknownKeys(allowed: Self.feedKeys)
        guard let url = try reader.string("url") else {
            throw error(at: node, key: "\(path).url", "missing; every feed needs a url")
        }
        guard let parsed = FeedURL(url) else {
            throw error(at: reader.node("url") ?? node, key: "\(path).url", FeedURL.problem(with: url))
        }
        let name = try reader.string("name") ?? parsed.defaultName
        if let problem = FeedNames.problem(with: name, madeFromURL: reader.node("name") == nil) {
            throw error(at: reader.node("name") ?? node, key: "\(path).name", problem)
        }
        var feed = FeedConfig(name: name, url: url, line: node.mark?.line ?? 0)
        feed.categories = try reader.stringList("categories") ?? []
        // A category heads a line of the front matter and an OPML folder: no line break or control.
        if feed.categories.contains(where: { $0.unicodeScalars.contains(where: FeedNames.breaksLines) }) {
            throw error(at: reader.node("categories") ?? node, key: "\(path).categories",
                        "each must be one line of text, without line breaks, tabs or other C0 controls")
        }
        feed.author = try reader.string("author")
        feed.image = try reader.string("image")
        // Round 58: `image: img.png` passed check, then was left out of every document without a word.
        if let image = feed.image, let problem = SiteURL.problem(with: image, key: "image") {
            throw error(at: reader.node("image")!, key: "\(path).image", problem)
        }
        feed.interval = try reader.wait("interval", atLeastASecond: true) ?? defaults.interval
        feed.adaptive = try reader.bool("adaptive") ?? defaults.adaptive
        let own = try IntervalBounds.read(reader, over: bounds)
        feed.minInterval = own.low?.seconds
        feed.maxInterval = own.high?.seconds
        try own.refuseAgainstDefaults(interval: feed.interval, reader)
        feed.itemCategories = try reader.bool("item_categories") ?? false
        feed.sanitize = try reader.bool("sanitize") ?? true
        feed.verifyTLS = try reader.bool("tls_verify") ?? true
        feed.allowPrivateNetworks = try reader.bool("allow_private_networks") ?? defaults.allowPrivateNetworks
        feed.siteURL = try reader.string("site_url")
        if let site = feed.siteURL, let problem = SiteURL.problem(with: site) {
            throw error(at: reader.node("site_url")!, key: "\(path).site_url", problem)
        }
        // Left nil when not set here: the crawler-wide value applies (see CrawlerConfig.bounds(for:)).
        feed.maxItems = try reader.positiveInt("max_items")
        feed.maxDocumentsPerDay = try reader.positiveInt("max_documents_per_day")
        feed.parseTimeLimit = try reader.duration("parse_time_limit")
        feed.keep = try reader.retention("keep")
        feed.request = try RequestSettingsParser(parser: self).feed(reader, defaults: defaults.request,
                                                                     urlHasCredentials: URLUserInfo.has(url))
        feed.revisions = try reader.revisions(default: defaults.revisions)
        feed.identity = try reader.identity(default: defaults.identity)
        feed.rules = try RulesParser(parser: self).parse(reader).after(defaults.rules)
        feed.article = try ArticleSettingsParser(parser: self).parse(reader)
        try ImageSettingsParser(parser: self).parse(reader, into: &feed.article, defaults: defaults.article)
        return (feed, try reader.bool("enabled") ?? true)
    }

    /// `output: hexo | hugo | jekyll | template` (+ `template: FILE`) and `document_path:`.
    /// A template's file is read by ConfigLoader; here `.template` carries its resolved path.
    private func parseOutput(_ reader: MappingReader, into config: inout CrawlerConfig) throws(ConfigError) {
        let template = try reader.path("template")
        switch try reader.string("output")?.lowercased() ?? "hexo" {
        case "hexo": config.output = .hexo
        case "hugo": config.output = .hugo
        case "jekyll": config.output = .jekyll
        case "template":
            guard let template else {
                throw error(at: reader.node("output")!, key: "output", "'template' needs `template: FILE` (a Mustache file)")
            }
            let path = resolve(path: template)
            if let problem = fileProblem?(.template, path) { throw error(at: reader.node("template")!, key: "template", problem) }
            config.output = .template(path)
        case let other:
            throw error(at: reader.node("output")!, key: "output", "'\(other)' is not one of hexo, hugo, jekyll, template")
        }
        if template != nil, config.output.name != "template" {
            throw error(at: reader.node("template")!, key: "template", "is only used with `output: template`")
        }
        config.documentPath = try reader.string("document_path") ?? config.output.defaultDocumentPath
        if let problem = DocumentPath.problem(with: config.documentPath) {
            throw error(at: reader.node("document_path") ?? reader.node("output")!, key: "document_path",
                        "'\(config.documentPath)' \(problem)")
        }
        if let problem = SiteDocumentPath.problem(config.documentPath, output: config.output) {
            throw error(at: reader.node("document_path") ?? reader.node("output")!, key: "document_path",
                        "'\(config.documentPath)' \(problem)")
        }
    }

    private func parseFetchLimits(_ reader: MappingReader, into config: inout CrawlerConfig) throws(ConfigError) {
        config.hostGap = try reader.duration("host_gap", allowZero: true) ?? config.hostGap
        config.lowSpeedBytesPerSecond = try reader.size("low_speed_limit") ?? config.lowSpeedBytesPerSecond
        config.lowSpeedTime = try reader.duration("low_speed_time") ?? config.lowSpeedTime
        config.maxRedirects = try reader.positiveInt("max_redirects") ?? config.maxRedirects
        config.proxy = try RequestSettingsParser(parser: self).proxy(reader)
        config.revalidateAfter = try reader.duration("revalidate_after") ?? config.revalidateAfter
        config.adoptRedirectAfter = try reader.positiveInt("adopt_redirect_after") ?? config.adoptRedirectAfter
        config.hostBackoffFeeds = try reader.positiveInt("host_backoff_feeds") ?? config.hostBackoffFeeds
        config.maxItems = try reader.positiveInt("max_items") ?? config.maxItems
        config.maxDocumentsPerDay = try reader.positiveInt("max_documents_per_day") ?? config.maxDocumentsPerDay
        config.parseTimeLimit = try reader.duration("parse_time_limit") ?? config.parseTimeLimit
        config.maxBacklogBytes = try reader.size("max_backlog_bytes") ?? config.maxBacklogBytes
        config.keep = try reader.retention("keep")
    }

    /// `database:` and `lease:`, the settings of a fleet sharing one PostgreSQL database.
    private func parseFleet(_ reader: MappingReader, into config: inout CrawlerConfig) throws(ConfigError) {
        if let database = try reader.string("database") {
            guard database.hasPrefix("postgresql://") || database.hasPrefix("postgres://") else {
                throw error(at: reader.node("database")!, key: "database",
                            "must be a PostgreSQL URL (postgresql://user@host:5432/dbname); "
                                + "put the password in PGPASSWORD or ~/.pgpass, not in this file")
            }
            config.database = database
            config.databasePasswordInFile = Self.holdsPassword(database)
        }
        // CRAWLER_DATABASE_URL wins over the file's, and is held to the same checks (round 61: a
        // mysql:// one passed `check`, and a `keep:` was ignored rather than refused).
        if let database = environmentDatabase {
            // libpq's `host=… user=…` form is taken there too; a URL must be PostgreSQL's.
            guard !database.contains("://") || database.hasPrefix("postgresql://") || database.hasPrefix("postgres://") else {
                throw error(line: 0, key: "CRAWLER_DATABASE_URL", "(in the environment) must be a PostgreSQL URL "
                            + "(postgresql://user@host:5432/dbname) or libpq's host=… user=… form")
            }
            config.database = database
        }
        config.lease = try reader.duration("lease") ?? config.lease
        // Leases are renewed between transfers, so one transfer must fit well inside a lease; a
        // crawler without a database holds none.
        if config.database != nil || reader.node("lease") != nil, config.lease < 2 * config.timeout {
            let message = "\(Int(config.lease))s must be at least twice the timeout (\(Int(config.timeout))s): "
                + "a node renews its leases between transfers"
            guard let node = reader.node("lease") ?? reader.node("timeout") else { throw error(line: 0, key: "lease", message) }
            throw error(at: node, key: "lease", message)
        }
    }

    /// `user:password@` before the host, or a `password=` parameter.
    static func holdsPassword(_ url: String) -> Bool {
        let rest = url.split(separator: "://", maxSplits: 1).last ?? ""
        let authority = rest.prefix { $0 != "/" && $0 != "?" }
        if let at = authority.lastIndex(of: "@"), authority[..<at].contains(":") { return true }
        guard let query = rest.split(separator: "?", maxSplits: 1).dropFirst().first else { return false }
        return query.split(separator: "&").contains { $0.lowercased().hasPrefix("password=") }
    }

    func resolve(path: String) -> String {
        if path.hasPrefix("/") { return path }
        let relative = path.hasPrefix("./") ? String(path.dropFirst(2)) : path
        return baseDirectory.hasSuffix("/") ? baseDirectory + relative : baseDirectory + "/" + relative
    }

    func error(line: Int, key: String, _ message: String) -> ConfigError {
        ConfigError(file: fileName, line: line, key: key, message: message)
    }

    func error(at node: Node, key: String, _ message: String) -> ConfigError {
        error(line: node.mark?.line ?? 0, key: key, message)
    }

    /// Where a duplicated block-style key comes again: Yams marks only its first. The next line
    /// holding `key:` at the first one's column, before the mapping ends (a line indented less).
    static func lineOfSecond(_ key: String, after first: Mark, in text: String) -> Int? {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        guard first.line >= 1, first.column >= 1, !key.isEmpty, first.line < lines.count else { return nil }
        for index in first.line..<lines.count {
            let line = lines[index].utf8
            let indent = line.prefix { $0 == UInt8(ascii: " ") }.count
            let rest = line.dropFirst(indent)
            if rest.isEmpty || rest.first == UInt8(ascii: "#") || rest.first == UInt8(ascii: "\r") { continue }
            if indent < first.column - 1 { return nil }
            guard indent == first.column - 1, rest.starts(with: key.utf8) else { continue }
            let after = rest.dropFirst(key.utf8.count).drop { $0 == UInt8(ascii: " ") }
            if after.first == UInt8(ascii: ":") { return index + 1 }
        }
        return nil
    }

    private func yamlSyntaxError(_ problem: YamlError) -> ConfigError {
        switch problem {
        case let .scanner(context, message, mark, _), let .parser(context, message, mark, _),
             let .composer(context, message, mark, _):
            let opened = context.flatMap { YAMLSyntaxAdvice.opened($0.text, line: $0.mark.line, problemLine: mark.line) }
            let advice = [opened, YAMLSyntaxAdvice.hint(for: message)].compactMap { $0 }.map { "; " + $0 }.joined()
            return error(line: mark.line, key: "", "YAML syntax: \(message) (column \(mark.column))" + advice)
        case let .duplicatedKeysInMapping(duplicates, context):
            let key = duplicates.first ?? ""
            let keys = duplicates.count > 1 ? duplicates.map { "'\($0)'" }.joined(separator: ", ") + "; " : ""
            let again = Self.lineOfSecond(key, after: context.mark, in: context.text).map { "again on line \($0)" }
            let detail = keys + (again ?? "")
            return error(line: context.mark.line, key: key,
                         "given more than once in one mapping" + (detail.isEmpty ? "" : " (\(detail))") + "; keep one")
        default:
            return error(line: 0, key: "", "YAML syntax: \(problem)")
        }
    }
}
