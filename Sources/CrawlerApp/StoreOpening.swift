public import FeedModel
public import Store

extension DocumentStore {
    /// Opens the store a configuration names, laid out as it says.
    public convenience init(config: CrawlerConfig, setAsideBrokenIndex: Bool = false) throws(StoreError) {
        // Config validated the pattern; fall back to the standard layout if it somehow did not.
        let layout = DocumentLayout(pattern: config.documentPath) ?? .standard
        try self.init(path: config.storePath, layout: layout, checksHexoGrammar: config.output == .hexo,
                      setAsideBrokenIndex: setAsideBrokenIndex)
    }
}
