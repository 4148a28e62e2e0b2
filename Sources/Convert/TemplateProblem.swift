internal import Mustache
internal import Foundation

/// swift-mustache's parse errors in words an operator can act on, at the line and column of the
/// tag at fault.
enum TemplateProblem {
    static func error(_ error: any Error, text: String, file: String?) -> OutputFormat.TemplateError {
        guard let parse = error as? MustacheTemplate.ParserError else {
            return OutputFormat.TemplateError(file: file, line: 1, column: 1, message: "\(error)")
        }
        // The parser reports an unclosed section where the text ends; the tag that opened it is
        // what needs fixing.
        if case .expectedSectionEnd? = parse.error as? MustacheTemplate.Error,
           let open = UnclosedSection.find(in: text) {
            return OutputFormat.TemplateError(file: file, line: open.line, column: open.column,
                                              message: "\(open.tag) is never closed (no {{/\(open.name)}})")
        }
        let context = parse.context
        return OutputFormat.TemplateError(file: file, line: context.lineNumber, column: context.columnNumber,
                                          message: message(parse.error) + " (in: \(context.line))")
    }

    static func message(_ error: any Error) -> String {
        guard let error = error as? MustacheTemplate.Error else { return "\(error)" }
        switch error {
        case .sectionCloseNameIncorrect: return "this closing tag does not match the section that is open"
        case .unfinishedName: return "a tag is not finished (a missing }} or a character not allowed in a name)"
        case .expectedSectionEnd: return "a section {{#name}} or {{^name}} is never closed"
        case .invalidSetDelimiter: return "a delimiter change {{=<% %>=}} is badly formed"
        case .transformAppliedToInheritanceSection: return "a transform cannot apply to an inherited section"
        case .illegalTokenInsideInheritSection, .textInsideInheritSection:
            return "only blocks {{$name}} may be inside {{<partial}}"
        case .invalidConfigVariableSyntax: return "a setting {{% name: value}} is badly formed"
        case .unrecognisedConfigVariable: return "an unknown setting {{% name: value}}"
        }
    }
}

/// The first section tag (`{{#name}}`, `{{^name}}`) with no matching `{{/name}}`, found by a plain
/// scan of `{{…}}` tags (a template that changes its delimiters is not scanned).
struct UnclosedSection {
    let tag: String
    let name: String
    let line: Int
    let column: Int

    static func find(in text: String) -> UnclosedSection? {
        guard !text.contains("{{=") else { return nil }
        var open: [UnclosedSection] = []
        var line = 1, column = 1
        var rest = Substring(text)
        while let first = rest.first {
            if rest.hasPrefix("{{"), let end = rest.range(of: "}}") {
                let tag = String(rest[..<end.upperBound])
                let inner = tag.dropFirst(2).dropLast(2)
                let name = inner.dropFirst().trimmingSpaces()
                if inner.first == "#" || inner.first == "^" {
                    open.append(UnclosedSection(tag: tag, name: name, line: line, column: column))
                } else if inner.first == "/", open.last?.name == name {
                    open.removeLast()
                }
                column += tag.count
                rest = rest[end.upperBound...]
                continue
            }
            if first == "\n" { line += 1; column = 1 } else { column += 1 }
            rest = rest.dropFirst()
        }
        return open.first
    }
}

/// The first tag naming a value no document has (`TemplateValues.names`), found by the same plain
/// scan as `UnclosedSection` (a template that changes its delimiters is not scanned). Comments,
/// partials and settings name no value.
struct UnknownName {
    let tag: String
    let name: String
    let line: Int
    let column: Int

    static func find(in text: String) -> UnknownName? {
        guard !text.contains("{{=") else { return nil }
        var line = 1, column = 1
        var rest = Substring(text)
        while let first = rest.first {
            if rest.hasPrefix("{{"), let end = rest.range(of: "}}") {
                var tag = String(rest[..<end.upperBound])
                if rest[end.upperBound...].hasPrefix("}"), tag.hasPrefix("{{{") { tag += "}" }
                var inner = Substring(tag.dropFirst(2).dropLast(2))
                if inner.first == "{" { inner = inner.dropFirst().dropLast(inner.last == "}" ? 1 : 0) }
                let sigil = inner.first.map { "#^/&".contains($0) } == true
                let skipped = inner.first.map { "!>%$<".contains($0) } == true
                let name = (sigil ? inner.dropFirst() : inner).trimmingSpaces()
                let head = name == "." ? "." : String(name.prefix { $0 != "." })
                if !skipped, !name.isEmpty, !TemplateValues.names.contains(head) {
                    return UnknownName(tag: tag, name: name, line: line, column: column)
                }
                column += tag.count
                rest = rest[rest.index(rest.startIndex, offsetBy: tag.count)...]
                continue
            }
            if first == "\n" { line += 1; column = 1 } else { column += 1 }
            rest = rest.dropFirst()
        }
        return nil
    }
}

extension Substring {
    func trimmingSpaces() -> String {
        String(drop(while: { $0 == " " }).reversed().drop(while: { $0 == " " }).reversed())
    }
}
