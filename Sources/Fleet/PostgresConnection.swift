// Fleet: many crawlers sharing one PostgreSQL database. This file is the only holder of libpq's
// `PGconn*`; everything above it sends SQL text and parameters and gets rows of strings back.
internal import CLibPQ
internal import Glibc

/// One connection to PostgreSQL. Not Sendable: one owner at a time.
public final class PostgresConnection {
    private let handle: OpaquePointer
    /// The URL without its password, for logs and errors.
    public let displayURL: String
    /// Statements sent so far (for the benchmark's round trips per feed).
    public private(set) var roundTrips = 0
    /// Run once a lost connection is back: what the session held (an advisory lock) went with it.
    public var afterReconnect: ((PostgresConnection) -> Void)?

    public init(url: String) throws(FleetError) {
        displayURL = Self.redacted(url)
        // libpq ends the user info at the first `@`, the mask at the last: the part between would
        // be printed as the host (and looked up in DNS). Not sent at all.
        if Self.atsBeforeHost(url) > 1 {
            throw .connection(url: displayURL, message: "the URL holds '@' more than once before its host: write an '@' "
                              + "in the user name or password as %40 (or put the password in PGPASSWORD or ~/.pgpass); "
                              + "nothing was sent")
        }
        guard let connection = PQconnectdb(url) else { throw .connection(url: displayURL, message: "out of memory") }
        guard PQstatus(connection) == CONNECTION_OK else {
            let message = Self.trimmed(PQerrorMessage(connection))
            PQfinish(connection)
            throw .connection(url: displayURL, message: message)
        }
        handle = connection
        _ = PQsetClientEncoding(handle, "UTF8")
        // Notices ("already exists, skipping") are not errors; libpq would print them on stderr.
        PQclear(PQexec(handle, "SET client_min_messages = warning"))
    }

    deinit {
        PQfinish(handle)
    }

    /// The `@`s of a `postgresql://` URL's authority (0 for libpq's `key=value` form).
    static func atsBeforeHost(_ url: String) -> Int {
        guard let scheme = url.range(of: "://") else { return 0 }
        let rest = url[scheme.upperBound...]
        return rest.prefix { $0 != "/" && $0 != "?" }.filter { $0 == "@" }.count
    }

    /// Runs one statement with `$1...` parameters sent apart from the SQL (never spliced into it).
    @discardableResult
    public func query(_ sql: String, _ parameters: [String?] = []) throws(FleetError) -> PostgresRows {
        try reconnectIfLost()
        roundTrips += 1
        let copies = parameters.map { $0.map { strdup($0) } ?? nil }
        defer { copies.forEach { free($0) } }
        let result = copies.withUnsafeBufferPointer { values in
            values.withMemoryRebound(to: UnsafePointer<CChar>?.self) { constValues in
                PQexecParams(handle, sql, Int32(parameters.count), nil, constValues.baseAddress, nil, nil, 0)
            }
        }
        return try rows(of: result, sql: sql)
    }

    /// Runs SQL text that may hold several statements and takes no parameters (migrations).
    public func execute(_ sql: String) throws(FleetError) {
        try reconnectIfLost()
        roundTrips += 1
        _ = try rows(of: PQexec(handle, sql), sql: sql)
    }

    /// Runs `body` in one transaction: all of it is committed, or none of it.
    public func transaction<T>(_ body: () throws(FleetError) -> T) throws(FleetError) -> T {
        try execute("BEGIN")
        do {
            let value = try body()
            try execute("COMMIT")
            return value
        } catch {
            try? execute("ROLLBACK")
            throw error
        }
    }

    private func rows(of result: OpaquePointer?, sql: String) throws(FleetError) -> PostgresRows {
        guard let result else { throw .query(message: Self.trimmed(PQerrorMessage(handle)), sqlState: nil, sql: sql) }
        defer { PQclear(result) }
        let status = PQresultStatus(result)
        guard status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK else {
            let state = PQresultErrorField(result, Int32(UInt8(ascii: "C"))).map { String(cString: $0) }
            throw .query(message: Self.trimmed(PQresultErrorMessage(result)), sqlState: state, sql: sql)
        }
        let columns = (0..<PQnfields(result)).map { String(cString: PQfname(result, $0)) }
        let rows = (0..<PQntuples(result)).map { row in
            (0..<Int32(columns.count)).map { column -> String? in
                PQgetisnull(result, row, column) == 1 ? nil : String(cString: PQgetvalue(result, row, column))
            }
        }
        return PostgresRows(columns: columns, rows: rows, affected: Int(String(cString: PQcmdTuples(result))) ?? 0)
    }

    /// A server restart or a dropped connection costs one failed statement, not the process.
    private func reconnectIfLost() throws(FleetError) {
        guard PQstatus(handle) != CONNECTION_OK else { return }
        PQreset(handle)
        guard PQstatus(handle) == CONNECTION_OK else {
            throw .connection(url: displayURL, message: Self.trimmed(PQerrorMessage(handle)))
        }
        afterReconnect?(self)
    }

    /// libpq's message on one line: its lines (`…Connection refused` and a tab-indented `Is the
    /// server running…`) joined by `; `. It comes from the server, or from whatever answers in its
    /// place, and went whole into the `crawler:` line: a line of the server's own there read as
    /// one of the crawler's log (round 66).
    private static func trimmed(_ message: UnsafePointer<CChar>?) -> String {
        guard let message else { return "unknown error" }
        return String(cString: message).split(whereSeparator: \.isNewline)
            .map { String($0).trimmingWhitespace() }.filter { !$0.isEmpty }.joined(separator: "; ")
    }

    /// `postgresql://user:secret@host/db` → `postgresql://user:***@host/db`.
    static func redacted(_ url: String) -> String {
        guard let scheme = url.firstRange(of: "://"), let at = url[scheme.upperBound...].firstIndex(of: "@") else {
            return url
        }
        let credentials = url[scheme.upperBound..<at]
        guard let colon = credentials.firstIndex(of: ":") else { return url }
        return String(url[..<colon]) + ":***" + String(url[at...])
    }
}

extension String {
    func trimmingWhitespace() -> String {
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }),
              let last = scalars.lastIndex(where: { !$0.properties.isWhitespace }) else { return "" }
        return String(scalars[first...last])
    }
}
