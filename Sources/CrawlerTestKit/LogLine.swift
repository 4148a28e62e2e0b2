/// A logfmt line read back into its fields, so tests can assert log output as data.
public struct LogLine: Sendable {
    public let fields: [String: String]

    public init(_ line: String) {
        var fields: [String: String] = [:]
        var index = line.startIndex
        while index < line.endIndex {
            while index < line.endIndex, line[index] == " " { index = line.index(after: index) }
            guard let equals = line[index...].firstIndex(of: "=") else { break }
            let key = String(line[index..<equals])
            var cursor = line.index(after: equals)
            var value = ""
            if cursor < line.endIndex, line[cursor] == "\"" {
                cursor = line.index(after: cursor)
                while cursor < line.endIndex, line[cursor] != "\"" {
                    if line[cursor] == "\\", line.index(after: cursor) < line.endIndex {
                        cursor = line.index(after: cursor)
                        value.append(line[cursor] == "n" ? "\n" : line[cursor])
                    } else {
                        value.append(line[cursor])
                    }
                    cursor = line.index(after: cursor)
                }
                if cursor < line.endIndex { cursor = line.index(after: cursor) }
            } else {
                while cursor < line.endIndex, line[cursor] != " " {
                    value.append(line[cursor])
                    cursor = line.index(after: cursor)
                }
            }
            fields[key] = value
            index = cursor
        }
        self.fields = fields
    }

    public subscript(key: String) -> String? { fields[key] }
}
