import Foundation

/// Commands run under `strace -f`, and the names of the system calls a trace shows.
enum SyscallTrace {
    static let strace = "/usr/bin/strace"

    /// strace's arguments to follow every thread and child, quietly, into `file`; the command follows them.
    /// Run by root, the command runs as `nobody`, as the units' DynamicUser= does: some code takes
    /// other paths as root (SQLite fchowns its journal to the database's owner, which @privileged denies).
    static func arguments(output file: String) -> [String] {
        ["-f", "-qq", "-e", "trace=all", "-o", file] + (geteuid() == 0 ? ["-u", "nobody"] : [])
    }

    /// The system calls named in strace's output: `PID name(args) = result` and `PID name(args <unfinished ...>`;
    /// `<... name resumed>`, `--- SIGNAL` and `+++ exited` lines name nothing new.
    static func syscalls(in trace: String) -> Set<String> {
        var names: Set<String> = []
        for line in trace.split(separator: "\n") {
            let call = line.drop { $0.isNumber }.drop { $0 == " " }
            let name = call.prefix { $0.isLetter || $0.isNumber || $0 == "_" }
            guard !name.isEmpty, call.dropFirst(name.count).hasPrefix("("), !isErrorAsNumber(name) else { continue }
            names.insert(String(name))
        }
        return names
    }

    /// `syscall_0xfffffffffffffff5`: a number no system call has (-11, which is -EAGAIN, a return
    /// value): strace's reading of a thread's registers at one stop, seen once for the daemon in a
    /// full run of the suite under load, never when the test ran alone.
    static func isErrorAsNumber(_ name: Substring) -> Bool {
        guard name.hasPrefix("syscall_0x"), let number = UInt64(name.dropFirst(10), radix: 16) else { return false }
        return number >= UInt64.max - 4094
    }

    /// The PID of the traced command: the first line of the trace is its execve.
    static func tracee(trace file: String, timeout: Double = 10) -> Int32? {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            let text = (try? String(contentsOfFile: file, encoding: .utf8)) ?? ""
            if let line = text.split(separator: "\n").first, line.contains(" execve("),
               let pid = Int32(line.prefix { $0.isNumber }) {
                return pid
            }
            usleep(10_000)
        }
        return nil
    }
}
