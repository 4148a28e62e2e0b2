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
        guard let error = error as? MustacheTemplate.Error else {
            // The scanner's own word for running out of text inside a tag (`{{{title}}`).
            let said = "\(error)"
            return said == "overflow" ? "a tag is not finished before the template ends (a missing } or }})" : said
        }
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

/// The `{{…}}` tags of a template (`{{{…}}}` whole), with the line and column each starts at, by
/// a plain scan; nil for a template that changes its delimiters (`{{=<% %>=}}`), which is not scanned.
struct TemplateTag {
    let text: String
    let line: Int
    let column: Int

    /// Between the braces.
    var inner: Substring {
        let inner = text.dropFirst(2).dropLast(2)
        return inner.first == "{" ? inner.dropFirst().dropLast(inner.last == "}" ? 1 : 0) : inner
    }

    static func all(in text: String) -> [TemplateTag]? {
        guard !text.contains("{{=") else { return nil }
        var tags: [TemplateTag] = []
        var line = 1, column = 1
        var rest = Substring(text)
        while let first = rest.first {
            if rest.hasPrefix("{{"), let end = rest.range(of: "}}") {
                var tag = String(rest[..<end.upperBound])
                if tag.hasPrefix("{{{"), rest[end.upperBound...].hasPrefix("}") { tag += "}" }
                tags.append(TemplateTag(text: tag, line: line, column: column))
                column += tag.count
                rest = rest.dropFirst(tag.count)
                continue
            }
            if first == "\n" { line += 1; column = 1 } else { column += 1 }
            rest = rest.dropFirst()
        }
        return tags
    }
}

/// The first section tag (`{{#name}}`, `{{^name}}`) with no matching `{{/name}}`.
struct UnclosedSection {
    let tag: String
    let name: String
    let line: Int
    let column: Int

    static func find(in text: String) -> UnclosedSection? {
        var open: [UnclosedSection] = []
        for tag in TemplateTag.all(in: text) ?? [] {
            let inner = tag.inner
            let name = inner.dropFirst().trimmingSpaces()
            if inner.first == "#" || inner.first == "^" {
                open.append(UnclosedSection(tag: tag.text, name: name, line: tag.line, column: tag.column))
            } else if inner.first == "/", open.last?.name == name {
                open.removeLast()
            }
        }
        return open.first
    }
}

/// The first tag naming a value no document has where it stands (`TemplateValues`): a list's
/// names (`{{name}}`) outside its section, and `{{.}}` outside any, render empty in every
/// document (round 59). Comments and settings name no value; a partial is refused apart.
struct UnknownName {
    let tag: String
    let name: String
    let line: Int
    let column: Int
    /// Where the name would have a value, when it has one somewhere.
    var only: String?

    static func find(in text: String) -> UnknownName? {
        var open: [String] = []
        for tag in TemplateTag.all(in: text) ?? [] {
            let inner = tag.inner
            guard let first = inner.first, !"!%$<>".contains(first) else { continue }
            let name = ("#^/&".contains(first) ? inner.dropFirst() : inner).trimmingSpaces()
            if first == "/" {
                if open.last == name { open.removeLast() }
                continue
            }
            let head = name == "." ? "." : String(name.prefix { $0 != "." })
            if !name.isEmpty, !known(head, in: open) {
                let list = TemplateValues.listNames.first { $0.value.contains(head) }?.key
                return UnknownName(tag: tag.text, name: name, line: tag.line, column: tag.column,
                                   only: list.map { "{{#\($0)}}" } ?? (head == "." ? "a section" : nil))
            }
            if first == "#" || first == "^" { open.append(name) }
        }
        return nil
    }

    private static func known(_ head: String, in open: [String]) -> Bool {
        if head == "." { return !open.isEmpty }
        return TemplateValues.itemNames.contains(head) || open.contains { TemplateValues.listNames[$0]?.contains(head) == true }
    }
}

/// The first partial (`{{> name}}`): there is no library of templates to take it from, so it
/// would render empty.
struct PartialTag {
    static func find(in text: String) -> TemplateTag? {
        (TemplateTag.all(in: text) ?? []).first { $0.inner.first == ">" }
    }
}

extension Substring {
    func trimmingSpaces() -> String {
        String(drop(while: { $0 == " " }).reversed().drop(while: { $0 == " " }).reversed())
    }
}
