internal import Store

/// Which feeds of the database `feeds sync` renames, decided from names and URLs alone (pure).
enum FleetRenamePlan {
    /// `database` and `file`: (name, URL) of each feed, in order.
    static func renames(database: [(name: String, url: String)], file: [(name: String, url: String)])
        -> [FeedRenames.Rename] {
        let fileURL = Dictionary(file.map { ($0.name, $0.url) }, uniquingKeysWith: { first, _ in first })
        let databaseNames = Set(database.map(\.name))
        var candidates: [FeedRenames.Rename] = []
        for feed in database where fileURL[feed.name] != feed.url {
            // The file's feed at this URL, under another name (the first, if two share it).
            guard let target = file.first(where: { $0.url == feed.url && $0.name != feed.name }),
                  !candidates.contains(where: { $0.to == target.name }) else { continue }
            candidates.append(FeedRenames.Rename(from: feed.name, to: target.name))
        }
        // Onto a free name, or one renamed away in the same sync: never over a feed that stays.
        while let blocked = candidates.firstIndex(where: { rename in
            databaseNames.contains(rename.to) && !candidates.contains { $0.from == rename.to }
        }) {
            candidates.remove(at: blocked)
        }
        return candidates
    }
}
