internal import Foundation
extension StoreReader {
    /// The output settings the documents were written with, as `store rerender` or the first crawl
    /// recorded them; nil when none are (an empty store, or an index from before they were kept).
    public func recordedProfile() -> String? {
        var value: String?
        try? database.prepare("SELECT value FROM store_profile WHERE key = 'output'").run([]) { value = $0.text(0) }
        return value
    }

    /// The settings of a `store rerender` under way, or cut short (nil: none).
    public func rerendering() -> String? {
        RevisionIndex.rerendering(in: database)
    }

    /// The process holding the store's lock now, by the PID it wrote there, if it is alive.
    public func lockHolder() -> Int32? {
        guard let text = try? String(contentsOfFile: root + "/lock", encoding: .utf8),
              let pid = Int32(text.trimmingCharacters(where: { $0 == "\n" || $0 == " " })), pid > 0 else { return nil }
        return kill(pid, 0) == 0 || errno == EPERM ? pid : nil
    }
}
