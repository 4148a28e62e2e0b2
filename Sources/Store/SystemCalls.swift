internal import Glibc
internal import CLinux
internal import Synchronization

@inline(__always) func strerrorText(_ code: Int32) -> UnsafeMutablePointer<CChar> {
    strerror(code)
}

let ENOSPC = Glibc.ENOSPC
let EROFS = Glibc.EROFS
let EACCES = Glibc.EACCES
let EPERM = Glibc.EPERM
let EDQUOT = Glibc.EDQUOT
let EIO = Glibc.EIO
let EFBIG = Glibc.EFBIG

/// The calls that put documents on disk, each able to fail on demand: `CRAWLER_FAULT` names
/// which call fails, with which error, from which invocation on, e.g.
/// `CRAWLER_FAULT=syncfs:EIO:2` (the second syncfs fails), `link:ENOSPC:3+` (the third link and
/// every later one), `rename:KILL:2` (the process is killed at the second rename; `STOP` pauses it there), several rules
/// separated by commas. Read once, when the first store opens;
/// inert when unset (one load of a nil per call).
///
/// A seam here rather than `strace -e inject=`: strace counts invocations per thread (a batch
/// is staged on one thread and named on another), needs ptrace (which containers often refuse)
/// and cannot tell the store's writes from SQLite's; this counts the store's document calls
/// alone, process-wide, so a test through the binary knows exactly which call fails.
enum SystemCalls {
    enum Call: String, CaseIterable, Sendable {
        case open, write, syncfs, link, rename, unlink, mkdir
    }

    static let faults = FaultPlan(parsing: getenv("CRAWLER_FAULT").map { String(cString: $0) })

    /// `errno` set and -1 returned when the plan says this invocation of `call` fails.
    @inline(__always) private static func injected(_ call: Call) -> Bool {
        guard let faults, let code = faults.failure(of: call) else { return false }
        // `KILL` stands for a crash at exactly this call: tests of recovery use it. `STOP` pauses
        // the process there (SIGSTOP), lock held, for a test to look at the store mid-way; the
        // call is then made as usual once the test sends SIGCONT.
        if code == FaultPlan.kill { Glibc.kill(getpid(), SIGKILL) }
        if code == FaultPlan.stop {
            Glibc.kill(getpid(), SIGSTOP)
            return false
        }
        if code == FaultPlan.hang {
            Glibc.sleep(40)
            return false
        }
        errno = code
        return true
    }

    static func openat(_ folder: Int32, _ name: String, _ flags: Int32, _ mode: mode_t = 0) -> Int32 {
        injected(.open) ? -1 : Glibc.openat(folder, name, flags, mode)
    }

    static func openUnnamed(in folder: Int32) -> Int32 {
        injected(.open) ? -1 : crawler_open_unnamed(folder)
    }

    static func write(_ descriptor: Int32, _ bytes: UnsafeRawPointer?, _ count: Int) -> Int {
        injected(.write) ? -1 : Glibc.write(descriptor, bytes, count)
    }

    static func syncfs(_ descriptor: Int32) -> Int32 {
        injected(.syncfs) ? -1 : crawler_syncfs(descriptor)
    }

    static func linkUnnamed(_ descriptor: Int32, into folder: Int32, as name: String, throughProc: Bool) -> Int32 {
        injected(.link) ? -1 : crawler_link_unnamed(descriptor, folder, name, throughProc ? 1 : 0)
    }

    static func renameat(_ from: Int32, _ source: String, _ to: Int32, _ destination: String) -> Int32 {
        injected(.rename) ? -1 : Glibc.renameat(from, source, to, destination)
    }

    static func unlinkat(_ folder: Int32, _ name: String) -> Int32 {
        injected(.unlink) ? -1 : Glibc.unlinkat(folder, name, 0)
    }

    static func mkdirat(_ folder: Int32, _ name: String) -> Int32 {
        injected(.mkdir) ? -1 : Glibc.mkdirat(folder, name, 0o755)
    }
}

/// Which invocations of which calls fail (see `SystemCalls`), counted across every thread.
final class FaultPlan: Sendable {
    struct Rule: Sendable {
        let call: SystemCalls.Call
        let code: Int32
        let first: Int
        let andLater: Bool
    }

    private let rules: [Rule]
    private let counts = Mutex<[SystemCalls.Call: Int]>([:])

    /// Nil when `text` is nil or empty. A rule that does not parse is ignored, with a line on
    /// stderr: the variable exists for tests, and a typo must not pass for a clean run.
    init?(parsing text: String?) {
        guard let text, !text.isEmpty else { return nil }
        rules = text.split(separator: ",").compactMap { rule in
            let parsed = Self.rule(String(rule))
            if parsed == nil {
                let line = "CRAWLER_FAULT: ignored '\(rule)' (want call:ERRNO:N or call:ERRNO:N+)\n"
                _ = line.withCString { Glibc.write(STDERR_FILENO, $0, strlen($0)) }
            }
            return parsed
        }
    }

    private static let codes: [String: Int32] = [
        "EIO": EIO, "ENOSPC": ENOSPC, "EDQUOT": EDQUOT, "EROFS": EROFS, "EACCES": EACCES, "EPERM": EPERM,
        "KILL": kill, "STOP": stop, "HANG": hang,
    ]

    /// Not an errno: the process is killed (SIGKILL) at that call, before it is made.
    static let kill: Int32 = -9
    /// Not an errno: the process stops itself (SIGSTOP) at that call, then makes it.
    static let stop: Int32 = -19
    /// Not an errno: the calling thread waits 40 s at that call, then makes it, as on a frozen
    /// or hung filesystem; the rest of the process goes on.
    static let hang: Int32 = -40

    private static func rule(_ text: String) -> Rule? {
        let parts = text.split(separator: ":").map(String.init)
        guard parts.count == 3, let call = SystemCalls.Call(rawValue: parts[0]), let code = codes[parts[1]] else { return nil }
        let andLater = parts[2].hasSuffix("+")
        guard let first = Int(andLater ? String(parts[2].dropLast()) : parts[2]), first > 0 else { return nil }
        return Rule(call: call, code: code, first: first, andLater: andLater)
    }

    /// Counts this invocation of `call`; the error it must fail with, if any.
    func failure(of call: SystemCalls.Call) -> Int32? {
        let invocation = counts.withLock { counts in
            counts[call, default: 0] += 1
            return counts[call, default: 0]
        }
        return rules.first { $0.call == call && ($0.andLater ? invocation >= $0.first : invocation == $0.first) }?.code
    }
}
