extension FetchSettings {
    /// The politeness budget a feed's URL draws from: its key (the server, or the host rule's
    /// pattern: see `politeness(forURL:)`) and the minimum gap between two requests to it. The fleet leases hosts by this key.
    public func politenessBudget(forURL url: String) -> (key: String, gap: Double) {
        let (key, rule) = politeness(forURL: url)
        return (key, rule.gap)
    }
}
