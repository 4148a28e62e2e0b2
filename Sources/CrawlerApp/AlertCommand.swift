internal import CLinux
internal import Glibc

/// Runs the `notify: command:` with `/bin/sh -c`, the digest's JSON on its stdin.
///
/// The command is done when the shell exits, and its exit status says whether it worked. A
/// mailer that forks its delivery (`... &`) leaves a child behind: that child is not ours to wait
/// for or to stop. So the shell inherits nothing we would wait on (no pipe but its stdin, which we
/// close as soon as it is written or the shell is gone), and we wait for the shell itself.
/// The shell gets a process group of its own: one still running after `timeout:` (or at the
/// shutdown's deadline, when its task is cancelled) is stopped with what it started meanwhile.
/// What it writes on stderr is kept in memory (`StderrCapture`) and logged as a value of the
/// send's own line: let through, a line of it could pass for one of the crawler's.
enum AlertCommand {
    struct Outcome {
        /// nil when it exited 0; else why not.
        var problem: String?
        /// The start of what it wrote on stderr ("" for nothing).
        var stderr = ""
    }

    static func run(_ command: String, input: String, timeout: Double) async -> Outcome {
        var ends: [Int32] = [0, 0]
        guard crawler_pipe_cloexec(&ends) == 0 else { return Outcome(problem: "cannot start /bin/sh: \(String(cString: strerror(errno)))") }
        var said = StderrCapture()
        defer { said.close() }
        let pid: pid_t
        do {
            defer { close(ends[0]) }
            pid = try spawn(command, stdin: ends[0], stderr: said.descriptor)
        } catch {
            close(ends[1])
            return Outcome(problem: "cannot start /bin/sh: \(String(cString: strerror(error.code)))")
        }
        let problem = await wait(for: pid, writing: input, to: ends[1], timeout: timeout)
        return Outcome(problem: problem, stderr: said.text())
    }

    /// nil when it exited 0; else why not.
    private static func wait(for pid: pid_t, writing input: String, to stdin: Int32, timeout: Double) async -> String? {
        var input = StdinWriter(descriptor: stdin, bytes: Array(input.utf8))
        defer { input.close() }
        let deadline = ContinuousClock.now + .milliseconds(Int(max(timeout, 1) * 1000))
        while true {
            // Written a pipe's worth at a time, between looks at the shell: a command that does
            // not read must not block anything, and one that exits without reading costs an EPIPE.
            input.writeWhatFits()
            if let status = exitStatus(of: pid) { return problem(status) }
            if Task.isCancelled || ContinuousClock.now >= deadline {
                stop(pid)
                // The command is not quoted: it may hold a password (`curl -u ops:secret`).
                return Task.isCancelled ? "the command was still running at shutdown; stopped"
                    : "the command was still running after \(Int(timeout))s; stopped"
            }
            try? await Task.sleep(for: .milliseconds(10))
        }
    }

    private struct SpawnError: Error {
        var code: Int32
    }

    private static func spawn(_ command: String, stdin: Int32, stderr: Int32) throws(SpawnError) -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, stdin, 0)
        // Its stdout would mix with `once`'s summary.
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        if stderr >= 0 { posix_spawn_file_actions_adddup2(&actions, stderr, 2) }
        // Nothing else of ours: a background child holding a socket or the store's lock would
        // keep them for as long as it runs.
        crawler_spawn_close_from(&actions, 3)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        // The crawler ignores SIGPIPE, and the threads of Swift's pool block signals; both would
        // pass to the command and to what it starts (a mailer that never sees its SIGTERM).
        var none = sigset_t(), all = sigset_t()
        sigemptyset(&none)
        sigfillset(&all)
        posix_spawnattr_setsigmask(&attributes, &none)
        posix_spawnattr_setsigdefault(&attributes, &all)
        posix_spawnattr_setpgroup(&attributes, 0)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETPGROUP))
        let words: [String] = ["/bin/sh", "-c", command]
        var arguments = words.map { strdup($0) } + [nil]
        defer { arguments.forEach { free($0) } }
        var pid: pid_t = 0
        let result = posix_spawn(&pid, "/bin/sh", &actions, &attributes, &arguments, environ)
        guard result == 0 else { throw SpawnError(code: result) }
        return pid
    }

    /// nil while the shell runs; else its exit status, or -signal when a signal ended it
    /// (Int32.min if someone else took its status).
    private static func exitStatus(of pid: pid_t) -> Int32? {
        var status: Int32 = 0
        let waited = waitpid(pid, &status, WNOHANG)
        if waited == -1 && errno == ECHILD { return Int32.min }
        guard waited == pid else { return nil }
        let signal = status & 0x7f
        return signal == 0 ? (status >> 8) & 0xff : -signal
    }

    private static func problem(_ status: Int32) -> String? {
        switch status {
        case 0: nil
        case Int32.min: "the command's exit status is unknown"
        case ..<0: "the command ended by signal \(-status)"
        // The shell's own: what it says on stderr is logged beside this, but may be cut or empty.
        case 126: "the command exited with status 126 (the shell found it but could not run it: not executable?)"
        case 127: "the command exited with status 127 (the shell found no such command: not installed, or not on PATH?)"
        default: "the command exited with status \(status)"
        }
    }

    /// The shell's whole process group: what it started in the foreground and the background
    /// alike, since the command as a whole ran too long.
    private static func stop(_ pid: pid_t) {
        kill(-pid, SIGKILL)
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
    }
}

/// The command's stderr, in a file in memory that cannot grow past `size`: read once the shell
/// has exited, whatever a child it left behind still writes. Without one (no memfd here), the
/// command's stderr is the crawler's, as it was.
private struct StderrCapture {
    static let size = 16 << 10
    private(set) var descriptor = crawler_bounded_memory_file("crawler-notify-stderr", size)

    /// All of it: the log line cuts it as any value, to whole characters, saying how long it was.
    func text() -> String {
        guard descriptor >= 0 else { return "" }
        let written = max(0, Int(lseek(descriptor, 0, SEEK_CUR)))
        var bytes = [UInt8](repeating: 0, count: min(written, Self.size))
        let count = bytes.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress, $0.count, 0) }
        guard count > 0 else { return "" }
        var text = String(decoding: bytes[..<count], as: UTF8.self)
        while let last = text.unicodeScalars.last, last == "\n" || last == "\r" || last == " " { text.unicodeScalars.removeLast() }
        return text
    }

    mutating func close() {
        guard descriptor >= 0 else { return }
        _ = Glibc.close(descriptor)
        descriptor = -1
    }
}

/// The digest going into the command's stdin, without ever blocking: the pipe's write end is
/// non-blocking, and whatever does not fit waits for the next call.
private struct StdinWriter {
    private var descriptor: Int32
    private let bytes: [UInt8]
    private var written = 0

    init(descriptor: Int32, bytes: [UInt8]) {
        self.descriptor = descriptor
        self.bytes = bytes
        // A command that exits without reading its stdin must cost an EPIPE, not the crawler.
        signal(SIGPIPE, SIG_IGN)
        _ = fcntl(descriptor, F_SETFL, fcntl(descriptor, F_GETFL) | O_NONBLOCK)
    }

    /// Closed once all is written (the command sees its end of input) or the command stopped
    /// reading (EPIPE: it is its exit status that counts).
    mutating func writeWhatFits() {
        guard descriptor >= 0 else { return }
        while written < bytes.count {
            let count = bytes[written...].withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
            if count > 0 {
                written += count
            } else if count < 0 && (errno == EAGAIN || errno == EINTR) {
                return
            } else {
                break
            }
        }
        close()
    }

    mutating func close() {
        guard descriptor >= 0 else { return }
        _ = Glibc.close(descriptor)
        descriptor = -1
    }
}
