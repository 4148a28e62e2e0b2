/// What libyaml's syntax messages usually mean in a hand-edited feeds.yaml: its words name the
/// parser's state ("did not find expected '-' indicator"), not the edit that caused it. Pure.
enum YAMLSyntaxAdvice {
    /// The likely edit behind `message`, or nil when there is no common one.
    static func hint(for message: String) -> String? {
        if message.contains("tab character") {
            return "indent with spaces: YAML does not allow tabs in indentation"
        }
        if message.contains("mapping values are not allowed") {
            return "this line is indented more than the key above it, or a value holding ': ' needs quotes"
        }
        if message.contains("did not find expected '-' indicator") || message.contains("did not find expected key") {
            return "this line's indentation does not match the lines above it (a feed's keys line up under its `url:`)"
        }
        if message.contains("could not find expected ':'") {
            return "a key needs a ':' after it"
        }
        return nil
    }

    /// An unclosed quote or bracket, named where it opened: the parser notices it only lines later,
    /// often at the end of the file. Other constructs it was reading say nothing the advice does not.
    static func opened(_ context: String, line: Int, problemLine: Int) -> String? {
        guard line > 0, line < problemLine else { return nil }
        if context.contains("quoted scalar") { return "a quote opened on line \(line) is not closed" }
        if context.contains("flow") { return "a [ or { opened on line \(line) is not closed" }
        return nil
    }
}
