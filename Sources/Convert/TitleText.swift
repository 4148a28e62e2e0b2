/// The title rules of SPEC.md: white space, the 13-character map, and quoting.
public enum TitleText {
    /// Trimmed; a run of white space containing a line break becomes one space; a TAB becomes a
    /// space; other control characters are dropped.
    public static func normalise(_ raw: String) -> String {
        var output = String.UnicodeScalarView()
        var run = String.UnicodeScalarView()
        var runHasBreak = false
        func flushRun() {
            if runHasBreak { output.append(" ") } else { output.append(contentsOf: run) }
            run = String.UnicodeScalarView()
            runHasBreak = false
        }
        for scalar in raw.unicodeScalars {
            if scalar == "\n" || scalar == "\r" || scalar == "\u{2028}" || scalar == "\u{2029}" || scalar == "\u{85}" {
                runHasBreak = true
                run.append(" ")
            } else if scalar == "\t" {
                run.append(" ")
            } else if scalar.properties.isWhitespace {
                run.append(scalar)
            } else if scalar.properties.generalCategory == .control {
                continue
            } else {
                flushRun()
                output.append(scalar)
            }
        }
        flushRun()
        return trimmed(String(output))
    }

    static let replacedCharacters: Set<Character> = [":", "/", "\\", "?", "*", "“", "”", "<", ">", "|", "[", "]"]

    /// The YAML value for `title:`: mapped, then quoted.
    public static func quoted(_ title: String) -> String {
        let mapped = String(title.map { replacedCharacters.contains($0) ? "_" : $0 })
        if mapped.contains("'") && !mapped.contains("\"") {
            return "\"" + mapped + "\""
        }
        return "'" + mapped.replacingAll("'", with: "''") + "'"
    }

    static func trimmed(_ text: String) -> String {
        let scalars = text.unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }),
              let last = scalars.lastIndex(where: { !$0.properties.isWhitespace }) else { return "" }
        return String(scalars[first...last])
    }
}
