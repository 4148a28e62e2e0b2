public import FeedModel
internal import Mustache

/// A front-matter dialect ready to write documents: the compiled form of an `OutputProfile`.
public struct OutputFormat: Sendable {
    private enum Kind: Sendable {
        case hexo, hugo, jekyll
        case template(MustacheTemplate)
    }

    private let kind: Kind

    /// A template that does not compile, with where: `post.mustache:3:12: template error: {{#link}} is never closed ...`.
    public struct TemplateError: Error, CustomStringConvertible {
        /// The template's file, when it came from one.
        public let file: String?
        public let line: Int
        public let column: Int
        public let message: String
        public var description: String {
            "\(file ?? "template"):\(line):\(column): template error: \(message)"
        }

        public init(file: String?, line: Int, column: Int, message: String) {
            self.file = file
            self.line = line
            self.column = column
            self.message = message
        }
    }

    public static let hexo = OutputFormat(kind: .hexo)

    private init(kind: Kind) {
        self.kind = kind
    }

    /// Compiles the profile; a template that does not parse is an error naming the file (when
    /// `templateFile` is given), the line and column, and the problem.
    public init(_ profile: OutputProfile, templateFile: String? = nil) throws(TemplateError) {
        switch profile {
        case .hexo: kind = .hexo
        case .hugo: kind = .hugo
        case .jekyll: kind = .jekyll
        case .template(let text):
            do {
                kind = .template(try MustacheTemplate(string: text))
            } catch {
                throw TemplateProblem.error(error, text: text, file: templateFile)
            }
            if let unknown = UnknownName.find(in: text) {
                let message = unknown.only.map {
                    "\(unknown.tag): \(unknown.name) has a value only inside \($0) (here it would be empty in every document)"
                } ?? "\(unknown.tag): no value is named \(unknown.name) (it would be empty in every "
                    + "document); the names are \(TemplateValues.names.sorted().joined(separator: ", "))"
                throw TemplateError(file: templateFile, line: unknown.line, column: unknown.column, message: message)
            }
            if let partial = PartialTag.find(in: text) {
                throw TemplateError(file: templateFile, line: partial.line, column: partial.column,
                                    message: "\(partial.text): partials are not supported (there is no other template to take "
                                        + "it from); write its text in place")
            }
        }
    }

    /// Whether this is a template (whose front matter is the operator's own).
    public var isTemplate: Bool {
        if case .template = kind { return true }
        return false
    }

    /// A document of made-up values dated `date`: where a front matter puts an item's date.
    public func sample(dated date: Timestamp) -> String {
        text(for: DocumentFields(title: "Title", categories: ["Category"], author: "Author", image: nil, date: date,
                                 body: "<p>Body</p>", link: "https://example.org/post", feedName: "feed",
                                 channelTitle: "Channel"))
    }

    func text(for fields: DocumentFields) -> String {
        switch kind {
        case .hexo: return HexoFormat.text(for: fields)
        case .hugo: return HugoFormat.text(for: fields)
        case .jekyll: return JekyllFormat.text(for: fields)
        case .template(let template): return template.render(TemplateValues.values(for: fields))
        }
    }
}
