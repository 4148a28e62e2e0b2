internal import Fetch

/// The feeds.yaml keys whose change the running fetch engine cannot take (it lives as long as
/// the process, with its connections): named by a reload's line, and by `status` until a restart.
/// Round 60: a reload said the same list whatever changed, and `max_body_size`, which waits for a
/// restart too, was not in it.
enum EngineSettingsChange {
    static func keys(from running: FetchSettings, to fresh: FetchSettings) -> [String] {
        var keys: [String] = []
        func note(_ key: String, _ changed: Bool) { if changed { keys.append(key) } }
        note("user_agent", running.userAgent != fresh.userAgent)
        note("timeout", running.timeout != fresh.timeout)
        note("connect_timeout", running.connectTimeout != fresh.connectTimeout)
        note("max_body_size", running.maxBodyBytes != fresh.maxBodyBytes)
        note("concurrency", running.concurrency != fresh.concurrency)
        note("max_redirects", running.maxRedirects != fresh.maxRedirects)
        note("low_speed_limit", running.lowSpeedBytesPerSecond != fresh.lowSpeedBytesPerSecond)
        note("low_speed_time", running.lowSpeedSeconds != fresh.lowSpeedSeconds)
        note("proxy", running.proxy != fresh.proxy)
        note("per_host_concurrency", running.defaultHostRule.concurrency != fresh.defaultHostRule.concurrency)
        note("host_gap", running.defaultHostRule.gap != fresh.defaultHostRule.gap
             || running.defaultHostRule.burst != fresh.defaultHostRule.burst)
        note("hosts", running.hostRules != fresh.hostRules)
        note("host_backoff_feeds", running.hostBackoffFeeds != fresh.hostBackoffFeeds)
        // Its hold on whole hosts; a feed's own back-off takes the new value at once.
        note("max_backoff", running.maxHostPauseSeconds != fresh.maxHostPauseSeconds)
        note("max_backlog_bytes", running.maxBacklogBytes != fresh.maxBacklogBytes || running.maxBacklog != fresh.maxBacklog)
        // A setting added to the engine and not named above is still told, if not by its key.
        if keys.isEmpty && running != fresh { keys.append("fetch settings") }
        return keys
    }
}
