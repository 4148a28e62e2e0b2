extension StoreReader {
    /// The output settings the documents were written with, as `store rerender` or the first crawl
    /// recorded them; nil when none are (an empty store, or an index from before they were kept).
    public func recordedProfile() -> String? {
        var value: String?
        try? database.prepare("SELECT value FROM store_profile WHERE key = 'output'").run([]) { value = $0.text(0) }
        return value
    }
}
