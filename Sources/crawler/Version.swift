/// What `crawler --version` prints. Raised with every release that changes what an operator
/// sees: commands, configuration keys, documents or the store's layout.
enum CrawlerVersion {
    static let current = "0.1.0"
}
