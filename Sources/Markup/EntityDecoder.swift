/// Decodes character references in HTML text. Numeric references are decoded here; named ones
/// through `named`, a lookup the caller supplies (Parse uses libxml2's HTML entity table).
public struct EntityDecoder: Sendable {
    public typealias NamedLookup = @Sendable (String) -> Unicode.Scalar?
    private let named: NamedLookup

    /// The five XML entities only; enough for attribute values in well-formed markup.
    public static let xml = EntityDecoder(named: xmlScalar)

    /// XML's five and HTML 4's named references (the table libxml2 decodes HTML with).
    public static let html = EntityDecoder(named: HTMLEntities.scalar(named:))

    /// The character one of XML's five predefined entities names, or nil.
    @Sendable public static func xmlScalar(_ name: String) -> Unicode.Scalar? {
        switch name {
        case "amp": return "&"
        case "lt": return "<"
        case "gt": return ">"
        case "quot": return "\""
        case "apos": return "'"
        default: return nil
        }
    }

    public init(named: @escaping NamedLookup) {
        self.named = named
    }

    /// Returns `text` with every reference it recognises replaced; others stay as written.
    public func decode<Bytes: Collection<UInt8>>(_ text: Bytes) -> String where Bytes.Index == Int {
        guard text.contains(UInt8(ascii: "&")) else { return String(decoding: text, as: UTF8.self) }
        // Collect UTF-8 bytes and make one String at the end: appending scalars one by one to a
        // String cost more than all the lexing around it.
        var output: [UInt8] = []
        output.reserveCapacity(text.count)
        decode(text, appendingTo: &output)
        return String(decoding: output, as: UTF8.self)
    }

    /// Appends the decoded UTF-8 of `text` to `output`.
    func decode<Bytes: Collection<UInt8>>(_ text: Bytes, appendingTo output: inout [UInt8]) where Bytes.Index == Int {
        // Most text runs hold no reference: one search, one bulk copy.
        guard let firstReference = text.firstIndex(of: UInt8(ascii: "&")) else {
            output.append(contentsOf: text)
            return
        }
        var pendingStart = text.startIndex
        var index = firstReference
        while index < text.endIndex {
            guard text[index] == UInt8(ascii: "&"),
                  let (scalar, end) = reference(in: text, at: index) else {
                index += 1
                continue
            }
            output.append(contentsOf: text[pendingStart..<index])
            if let encoded = UTF8.encode(scalar) { output.append(contentsOf: encoded) }
            index = end
            pendingStart = end
        }
        output.append(contentsOf: text[pendingStart..<text.endIndex])
    }

    public func decode(_ text: String) -> String {
        decode(Array(text.utf8))
    }

    private func reference<Bytes: Collection<UInt8>>(in text: Bytes, at start: Int) -> (Unicode.Scalar, Int)?
    where Bytes.Index == Int {
        var end = start + 1
        while end < text.endIndex, end - start < 40, text[end] != UInt8(ascii: ";"), !isSpace(text[end]),
              text[end] != UInt8(ascii: "&"), text[end] != UInt8(ascii: "<") { end += 1 }
        guard end < text.endIndex, text[end] == UInt8(ascii: ";"), end > start + 1 else { return nil }
        let body = String(decoding: text[(start + 1)..<end], as: UTF8.self)
        if body.hasPrefix("#") {
            let digits = body.dropFirst()
            let value: UInt32?
            if digits.first == "x" || digits.first == "X" {
                value = UInt32(digits.dropFirst(), radix: 16)
            } else {
                value = UInt32(digits, radix: 10)
            }
            guard let value else { return nil }
            // Invalid code points become U+FFFD, as browsers do, rather than vanishing.
            return (Unicode.Scalar(value).flatMap { $0.value == 0 ? nil : $0 } ?? "\u{FFFD}", end + 1)
        }
        guard let scalar = named(body) else { return nil }
        return (scalar, end + 1)
    }
}
