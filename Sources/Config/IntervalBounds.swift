/// `min_interval:` and `max_interval:`, the bounds of an adaptive interval, globally and per
/// feed, each with where it was written: a pair the wrong way round is refused at the key that
/// made it so. The global pair was checked only as each feed's, so with `feeds: []` it passed,
/// and with feeds it was blamed on the first feed's line as `feeds[0].min_interval`.
struct IntervalBounds {
    struct Bound {
        var seconds: Double
        var text: String
        var line: Int
    }

    var low: Bound?
    var high: Bound?

    /// The pair of one mapping, each over `defaults` (the global pair, for a feed).
    static func read(_ reader: MappingReader, over defaults: IntervalBounds = IntervalBounds()) throws(ConfigError) -> IntervalBounds {
        var bounds = defaults
        if let low = try bound(reader, "min_interval") { bounds.low = low }
        if let high = try bound(reader, "max_interval") { bounds.high = high }
        guard let low = bounds.low, let high = bounds.high, low.seconds > high.seconds else { return bounds }
        // The key this mapping wrote; when it wrote both, min_interval.
        if let node = reader.node("min_interval") {
            throw reader.parser.error(at: node, key: reader.qualified("min_interval"), "'\(low.text)' is longer than "
                                      + "max_interval (\(high.text), line \(high.line)); the bounds are the wrong way round")
        }
        guard let node = reader.node("max_interval") else { return bounds }
        throw reader.parser.error(at: node, key: reader.qualified("max_interval"), "'\(high.text)' is shorter than "
                                  + "min_interval (\(low.text), line \(low.line)); the bounds are the wrong way round")
    }

    /// One bound written against the other's default (`PollBounds`: the smaller of `interval`
    /// and 5m below, the larger of `interval` and 1d above): `max_interval: 1m` alone was taken,
    /// and the feed polled every twenty minutes.
    func refuseAgainstDefaults(interval: Double, _ reader: MappingReader) throws(ConfigError) {
        let low = self.low?.seconds ?? min(interval, 300), high = self.high?.seconds ?? max(interval, 86_400)
        guard low > high else { return }
        // The bound that was written (here, or globally) against the other's default.
        let (key, bound) = self.high == nil ? ("min_interval", self.low) : ("max_interval", self.high)
        guard let bound else { return }
        let written = reader.node(key) != nil ? reader.qualified(key) : key
        let other = self.high == nil ? "max_interval's default for this feed (\(Self.words(high)), the larger of interval and 1d)"
            : "min_interval's default for this feed (\(Self.words(low)), the smaller of interval and 5m)"
        throw reader.parser.error(line: bound.line, key: written, "'\(bound.text)' is \(self.high == nil ? "longer" : "shorter") "
                                  + "than \(other); set \(self.high == nil ? "max_interval" : "min_interval"): too")
    }

    private static func words(_ seconds: Double) -> String {
        seconds >= 86_400 && seconds.truncatingRemainder(dividingBy: 86_400) == 0 ? "\(Int(seconds / 86_400))d"
            : seconds >= 60 && seconds.truncatingRemainder(dividingBy: 60) == 0 ? "\(Int(seconds / 60))m" : "\(Int(seconds))s"
    }

    private static func bound(_ reader: MappingReader, _ key: String) throws(ConfigError) -> Bound? {
        guard let seconds = try reader.wait(key, atLeastASecond: true), let node = reader.node(key) else { return nil }
        return Bound(seconds: seconds, text: (try reader.string(key) ?? "").trimmingSpaces(), line: node.mark?.line ?? 0)
    }
}
