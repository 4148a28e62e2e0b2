import Foundation

/// A unit's `SystemCallFilter=` lines as systemd applies them (systemd.exec(5)): the first line decides
/// the mode, an allow list (which starts from `@default`) or, with `~`, a deny list; every later line
/// adds its entries to that set or, when its mode is the other one, takes them out, in order.
struct SystemCallFilter {
    enum FilterError: Error, CustomStringConvertible {
        case unknownGroup(unit: String, line: Int, group: String)

        var description: String {
            switch self {
            case .unknownGroup(let unit, let line, let group):
                "\(unit):\(line): SystemCallFilter names \(group), which `systemd-analyze syscall-filter` does not list"
            }
        }
    }

    let unit: String
    private(set) var isAllowList = true
    /// Each system call in the set, with the entry (e.g. `@system-service`, `~@resources`) that put it there.
    private var members: [String: String] = [:]
    /// Each system call a line of the other mode took out of the set, with its entry.
    private var removed: [String: String] = [:]
    private var allowEntries: [String] = []

    init(unit: String, text: String, groups: SyscallGroups) throws {
        self.unit = unit
        var started = false
        for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            guard trimmed.hasPrefix("SystemCallFilter=") else { continue }
            var value = Substring(trimmed.dropFirst("SystemCallFilter=".count))
            if value.isEmpty {  // an empty assignment resets the filter
                (started, members, removed, allowEntries) = (false, [:], [:], [])
                continue
            }
            let inverted = value.hasPrefix("~")
            if inverted { value = value.dropFirst() }
            if !started {
                started = true
                isAllowList = !inverted
                if isAllowList { add(groups.members(of: "@default") ?? [], entry: "@default") }
            }
            for word in value.split(separator: " ") {
                let name = String(word.split(separator: ":").first ?? word)  // `name:EPERM` names an errno
                guard let calls = name.hasPrefix("@") ? groups.members(of: name) : [name] else {
                    throw FilterError.unknownGroup(unit: unit, line: number + 1, group: name)
                }
                let entry = (inverted ? "~" : "") + name
                if inverted != isAllowList {
                    add(calls, entry: entry)
                    if isAllowList { allowEntries.append(name) }
                } else {
                    for call in calls {
                        members[call] = nil
                        removed[call] = entry
                    }
                }
            }
        }
        if !started { isAllowList = false }  // no filter: everything is allowed
    }

    private mutating func add(_ calls: [String], entry: String) {
        for call in calls {
            members[call] = entry
            removed[call] = nil
        }
    }

    /// Nil when the unit lets `syscall` through; otherwise the entry that denies it.
    func denial(of syscall: String) -> String? {
        if isAllowList {
            if members[syscall] != nil { return nil }
            return removed[syscall] ?? "not in the allow list (" + allowEntries.joined(separator: " ") + ")"
        }
        return members[syscall]
    }
}

/// The system call groups systemd knows (`systemd-analyze syscall-filter`), nested groups expanded.
struct SyscallGroups {
    private let listed: [String: [String]]

    /// Parses the listing: a group is a `@name` line, then its indented members and `# comments`.
    init(listing: String) {
        var listed: [String: [String]] = [:]
        var current: String?
        for line in listing.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("@") {
                current = String(line.trimmingCharacters(in: .whitespaces))
                listed[current ?? ""] = []
            } else if line.hasPrefix(" "), let group = current {
                let member = line.trimmingCharacters(in: .whitespaces)
                if !member.isEmpty && !member.hasPrefix("#") { listed[group, default: []].append(member) }
            } else {
                current = nil
            }
        }
        self.listed = listed
    }

    /// Runs `systemd-analyze syscall-filter` and parses what it prints.
    static func fromSystemd(analyzer: String = "/usr/bin/systemd-analyze") throws -> SyscallGroups {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: analyzer)
        process.arguments = ["syscall-filter", "--no-pager"]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return SyscallGroups(listing: text)
    }

    var names: [String] { listed.keys.sorted() }

    /// Every system call of `group`, its nested groups expanded; nil for a group systemd does not list.
    func members(of group: String) -> [String]? {
        guard listed[group] != nil else { return nil }
        var seenGroups: Set<String> = []
        var calls: [String] = []
        var pending = [group]
        while let next = pending.popLast() {
            guard seenGroups.insert(next).inserted else { continue }
            for member in listed[next] ?? [] {
                if member.hasPrefix("@") { pending.append(member) } else { calls.append(member) }
            }
        }
        return calls
    }
}
