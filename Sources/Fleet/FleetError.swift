/// Why the shared database could not do what was asked. Messages name the database (password hidden).
public enum FleetError: Error, Sendable, Hashable, CustomStringConvertible {
    case connection(url: String, message: String)
    case query(message: String, sqlState: String?, sql: String)
    /// The database was migrated by a newer crawler than this one.
    case schemaTooNew(found: Int, known: Int)
    case malformed(String)

    public var description: String {
        switch self {
        case let .connection(url, message):
            return "cannot connect to \(url): \(message)"
        case let .query(message, state, sql):
            let firstLine = sql.split(separator: "\n").first.map(String.init)?.trimmingWhitespace() ?? sql
            return "database: \(message)\(state.map { " [\($0)]" } ?? "") in: \(firstLine)"
        case let .schemaTooNew(found, known):
            return "the database's schema is version \(found), newer than this crawler's (\(known)); upgrade the crawler"
        case let .malformed(what):
            return "database: \(what)"
        }
    }
}
