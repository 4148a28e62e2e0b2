internal import Markup

/// Small text helpers shared by the dialect adapters.
enum FieldText {
    /// Plain text of a field that may carry escaped markup (RSS titles often do).
    static func plain(_ text: String) -> String {
        HTMLText.html.text(of: text)
    }

    /// RSS's `<author>` is an e-mail address, often `jane@example.org (Jane Doe)`: the name
    /// is what a reader wants; a bare address stays as it is.
    static func personName(_ text: String) -> String {
        let plain = plain(text).trimmingASCIISpaces()
        guard plain.hasSuffix(")"), let open = plain.firstIndex(of: "("), plain[..<open].contains("@") else {
            return plain
        }
        let name = String(plain[plain.index(after: open)..<plain.index(before: plain.endIndex)]).trimmingASCIISpaces()
        return name.isEmpty ? plain : name
    }

    static func nonEmpty(_ text: String) -> String? {
        text.trimmingASCIISpaces().isEmpty ? nil : text
    }

    /// An element's HTML: its text (escaped markup or CDATA), or its child elements written back.
    static func html(of element: XMLElementValue) -> String {
        element.hasElementChildren ? element.innerMarkup : element.text
    }
}

