internal import Markup

/// Small text helpers shared by the dialect adapters.
enum FieldText {
    /// Plain text of a field that may carry escaped markup (RSS titles often do).
    static func plain(_ text: String) -> String {
        HTMLEntityTable.text.text(of: text)
    }

    static func nonEmpty(_ text: String) -> String? {
        text.trimmingASCIISpaces().isEmpty ? nil : text
    }

    /// An element's HTML: its text (escaped markup or CDATA), or its child elements written back.
    static func html(of element: XMLElementValue) -> String {
        element.hasElementChildren ? element.innerMarkup : element.text
    }
}

