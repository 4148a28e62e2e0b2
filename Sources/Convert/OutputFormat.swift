public import FeedModel
internal import Mustache

/// A front-matter dialect ready to write documents: the compiled form of an `OutputProfile`.
public struct OutputFormat: Sendable {
    private enum Kind: Sendable {
        case hexo, hugo, jekyll
        case template(MustacheTemplate)
    }

    private let kind: Kind

    public struct TemplateError: Error, CustomStringConvertible {
        public let message: String
        public var description: String { "template: \(message)" }
    }

    public static let hexo = OutputFormat(kind: .hexo)

    private init(kind: Kind) {
        self.kind = kind
    }

    /// Compiles the profile; a template that does not parse is an error naming the problem.
    public init(_ profile: OutputProfile) throws(TemplateError) {
        switch profile {
        case .hexo: kind = .hexo
        case .hugo: kind = .hugo
        case .jekyll: kind = .jekyll
        case .template(let text):
            do {
                kind = .template(try MustacheTemplate(string: text))
            } catch {
                throw TemplateError(message: "\(error)")
            }
        }
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
