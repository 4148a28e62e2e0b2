internal import CSQLite
internal import Glibc

/// A SQLite connection: the only holder of `sqlite3*`. Not Sendable; one owner at a time.
final class SQLiteDatabase {
    private let handle: OpaquePointer
    let path: String
    /// Rows its statements stepped over in full table scans, so far: tests hold the store's lookups
    /// to its indexes with it (a scan per document grows with the store).
    fileprivate(set) var fullScanSteps = 0

    /// Read-only connections open by URI: `mode=ro`, or with `immutable`, `immutable=1`, which
    /// reads the file as it is, without the -shm file a WAL database otherwise needs (and cannot
    /// create in a folder the reader may not write).
    init(path: String, readOnly: Bool = false, immutable: Bool = false) throws(StoreError) {
        var connection: OpaquePointer?
        let creating = !readOnly && access(path, F_OK) != 0
        let flags = (readOnly ? SQLITE_OPEN_READONLY | SQLITE_OPEN_URI : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE)
            | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_NOFOLLOW
        let name = readOnly ? Self.uri(path, query: immutable ? "immutable=1" : "mode=ro") : path
        guard sqlite3_open_v2(name, &connection, flags, nil) == SQLITE_OK, let connection else {
            let message = connection.map { Self.message(of: $0) } ?? "cannot open"
            sqlite3_close(connection)
            throw .index(path: path, message: Self.permissionProblem(path) ?? message)
        }
        handle = connection
        self.path = path
        // The index holds feed URLs (perhaps with credentials): 0600 from the start. SQLite gives
        // its -wal and -shm files the main file's mode, so they follow.
        if creating {
            chmod(path, 0o600)
            Self.giveToFolderOwner(path)
        }
        sqlite3_busy_timeout(handle, 5000)
    }

    deinit {
        sqlite3_close_v2(handle)
    }

    /// Made by root in a store of another user's (the service's): that user's, as the store is,
    /// or the service could not open its own index. SQLite gives its -wal and -shm files the
    /// owner of the main file when it runs as root.
    private static func giveToFolderOwner(_ path: String) {
        guard geteuid() == 0, let slash = path.lastIndex(of: "/") else { return }
        var folder = stat()
        guard stat(String(path[..<slash]), &folder) == 0, folder.st_uid != 0 else { return }
        _ = lchown(path, folder.st_uid, folder.st_gid)
    }

    /// SQLite says "unable to open database file" whatever the cause. The index is made 0600 (it
    /// holds feed URLs, perhaps with credentials), so another user's `status` met exactly that.
    private static func permissionProblem(_ path: String) -> String? {
        var info = stat()
        guard stat(path, &info) == 0, access(path, R_OK) != 0, errno == EACCES else { return nil }
        return "permission denied for user \(getuid()): " + StoreError.permissionAdvice(info, user: getuid(), or: " or as root")
    }

    /// `file:` URI of an absolute path: the three characters a URI gives meaning to are escaped.
    private static func uri(_ path: String, query: String) -> String {
        var escaped = ""
        for character in path {
            switch character {
            case "%": escaped += "%25"
            case "?": escaped += "%3f"
            case "#": escaped += "%23"
            default: escaped.append(character)
            }
        }
        return "file:" + escaped + "?" + query
    }

    func execute(_ sql: String) throws(StoreError) {
        var message: UnsafeMutablePointer<CChar>?
        guard sqlite3_exec(handle, sql, nil, nil, &message) == SQLITE_OK else {
            let text = message.map { String(cString: $0) } ?? lastError
            sqlite3_free(message)
            throw .index(path: path, message: text)
        }
    }

    func prepare(_ sql: String) throws(StoreError) -> SQLiteStatement {
        var statement: OpaquePointer?
        guard sqlite3_prepare_v2(handle, sql, -1, &statement, nil) == SQLITE_OK, let statement else {
            throw .index(path: path, message: "\(lastError) in: \(sql)")
        }
        return SQLiteStatement(handle: statement, database: self)
    }

    /// Runs `body` in one transaction: all of it is committed, or none of it.
    func transaction<T>(_ body: () throws(StoreError) -> T) throws(StoreError) -> T {
        try run(body, after: "BEGIN IMMEDIATE")
    }

    /// Runs `body` in one read transaction: one snapshot, and SQLite's file locks taken once.
    func reading<T>(_ body: () throws(StoreError) -> T) throws(StoreError) -> T {
        try run(body, after: "BEGIN DEFERRED")
    }

    private func run<T>(_ body: () throws(StoreError) -> T, after begin: String) throws(StoreError) -> T {
        try execute(begin)
        do {
            let value = try body()
            try execute("COMMIT")
            return value
        } catch {
            try? execute("ROLLBACK")
            throw error
        }
    }

    /// The first column of the first row of `sql`, as an integer (0 when there is none).
    func integer(_ sql: String) throws(StoreError) -> Int64 {
        var value: Int64 = 0
        try prepare(sql).run([]) { value = $0.integer(0) ?? 0 }
        return value
    }

    var lastError: String { Self.message(of: handle) }

    /// SQLite's message, with the system's reason when a system call failed: "disk I/O error"
    /// alone did not say that the disk was full.
    static func message(of handle: OpaquePointer) -> String {
        let message = String(cString: sqlite3_errmsg(handle))
        let code = sqlite3_extended_errcode(handle) & 0xFF
        let number = sqlite3_system_errno(handle)
        guard [SQLITE_IOERR, SQLITE_FULL, SQLITE_CANTOPEN].contains(code), number != 0 else { return message }
        let reason = String(cString: strerror(number))
        return message.contains(reason) ? message : "\(message) (\(reason))"
    }
}

/// A prepared statement; reset and re-bound for every use.
final class SQLiteStatement {
    private let handle: OpaquePointer
    private unowned let database: SQLiteDatabase
    private let parameterCount: Int

    init(handle: OpaquePointer, database: SQLiteDatabase) {
        self.handle = handle
        self.database = database
        parameterCount = Int(sqlite3_bind_parameter_count(handle))
    }

    deinit {
        sqlite3_finalize(handle)
    }

    enum Value {
        case text(String?)
        case integer(Int64?)
        case real(Double?)
        case blob([UInt8]?)
    }

    /// Binds `values` to ?1, ?2... and steps once per row, handing each row to `row`.
    func run(_ values: [Value], row: ((SQLiteStatement) -> Void)? = nil) throws(StoreError) {
        sqlite3_reset(handle)
        // Every use binds every parameter (nil as NULL), so the previous values need clearing
        // only when fewer are given.
        if values.count < parameterCount { sqlite3_clear_bindings(handle) }
        for (offset, value) in values.enumerated() {
            let index = Int32(offset + 1)
            switch value {
            case .text(let text?): bind(text, at: index)
            case .integer(let number?): sqlite3_bind_int64(handle, index, number)
            case .real(let number?): sqlite3_bind_double(handle, index, number)
            case .blob(let bytes?): crawler_sqlite_bind_blob(handle, index, bytes, Int32(bytes.count))
            case .text(nil), .integer(nil), .real(nil), .blob(nil): sqlite3_bind_null(handle, index)
            }
        }
        defer { database.fullScanSteps += Int(sqlite3_stmt_status(handle, Int32(SQLITE_STMTSTATUS_FULLSCAN_STEP), 1)) }
        while true {
            let status = sqlite3_step(handle)
            if status == SQLITE_DONE { return }
            guard status == SQLITE_ROW else {
                throw .index(path: database.path, message: database.lastError)
            }
            row?(self)
        }
    }

    /// The text up to its first NUL, as SQLite reads a C string (the length told, so that no C
    /// string is made of it first: every document's row binds a dozen).
    private func bind(_ text: String, at index: Int32) {
        var text = text
        text.withUTF8 { bytes in
            guard let base = bytes.baseAddress, !bytes.isEmpty else {
                crawler_sqlite_bind_text(handle, index, "", 0)
                return
            }
            let length = memchr(base, 0, bytes.count).map { UnsafePointer($0.assumingMemoryBound(to: UInt8.self)) - base }
            crawler_sqlite_bind_text(handle, index, UnsafeRawPointer(base).assumingMemoryBound(to: CChar.self),
                                     Int32(length ?? bytes.count))
        }
    }

    func text(_ column: Int32) -> String? {
        guard let pointer = sqlite3_column_text(handle, column) else { return nil }
        return String(cString: pointer)
    }

    func double(_ column: Int32) -> Double? {
        sqlite3_column_type(handle, column) == SQLITE_NULL ? nil : sqlite3_column_double(handle, column)
    }

    func integer(_ column: Int32) -> Int64? {
        sqlite3_column_type(handle, column) == SQLITE_NULL ? nil : sqlite3_column_int64(handle, column)
    }

    /// Every column of the current row, as SQLite typed it.
    func values() -> [Value] {
        (0..<sqlite3_column_count(handle)).map { column in
            switch sqlite3_column_type(handle, column) {
            case SQLITE_INTEGER: .integer(sqlite3_column_int64(handle, column))
            case SQLITE_FLOAT: .real(sqlite3_column_double(handle, column))
            case SQLITE_BLOB: .blob(blob(column) ?? [])
            case SQLITE_NULL: .text(nil)
            default: .text(text(column))
            }
        }
    }

    func blob(_ column: Int32) -> [UInt8]? {
        let count = Int(sqlite3_column_bytes(handle, column))
        guard let pointer = sqlite3_column_blob(handle, column) else { return nil }
        return Array(UnsafeRawBufferPointer(start: pointer, count: count))
    }
}
