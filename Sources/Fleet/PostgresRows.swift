/// The rows a statement returned, every value in PostgreSQL's text form (nil for NULL).
public struct PostgresRows: Sendable {
    public let columns: [String]
    public let rows: [[String?]]
    /// Rows inserted, updated or deleted (the command tag's count).
    public let affected: Int

    public var count: Int { rows.count }
    public var isEmpty: Bool { rows.isEmpty }

    /// The value of `column` in row `row`; nil when NULL or when there is no such column.
    public func value(_ row: Int, _ column: String) -> String? {
        guard let index = columns.firstIndex(of: column) else { return nil }
        return rows[row][index]
    }

    /// Each row as a lookup by column name.
    public var records: [PostgresRecord] {
        rows.map { PostgresRecord(columns: columns, values: $0) }
    }
}

public struct PostgresRecord: Sendable {
    let columns: [String]
    let values: [String?]

    public subscript(_ column: String) -> String? {
        columns.firstIndex(of: column).flatMap { values[$0] }
    }
}
