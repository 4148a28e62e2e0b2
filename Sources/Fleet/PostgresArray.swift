/// PostgreSQL array literals (`{"a","b"}`) for sending many values as one parameter.
enum PostgresArray {
    static func literal(_ values: [String]) -> String {
        "{" + values.map(quoted).joined(separator: ",") + "}"
    }

    /// Texts or NULLs.
    static func literal(_ values: [String?]) -> String {
        "{" + values.map { $0.map(quoted) ?? "NULL" }.joined(separator: ",") + "}"
    }

    static func literal(_ values: [Double]) -> String {
        "{" + values.map { "\($0)" }.joined(separator: ",") + "}"
    }

    /// Numbers or NULLs.
    static func literal(_ values: [Int64?]) -> String {
        "{" + values.map { $0.map { "\($0)" } ?? "NULL" }.joined(separator: ",") + "}"
    }

    static func literal(_ values: [Bool]) -> String {
        "{" + values.map { $0 ? "t" : "f" }.joined(separator: ",") + "}"
    }

    private static func quoted(_ value: String) -> String {
        var text = "\""
        for character in value.unicodeScalars {
            if character == "\"" || character == "\\" { text.unicodeScalars.append("\\") }
            text.unicodeScalars.append(character)
        }
        return text + "\""
    }
}
