/// Mends what JSONSerialization refuses but browsers' `JSON.parse` and other feed readers take,
/// so that one bad value does not cost a JSON Feed all its items:
/// - bytes that are not UTF-8 become U+FFFD, as they do in XML feeds;
/// - a surrogate escape without its partner (`"\ud83d"`: a string cut inside an emoji by a
///   JavaScript `substring`) becomes `\ufffd`;
/// - a number beyond a Double's range (`1e400`) becomes `null`: there is no value to keep;
/// - a control character written raw inside a string (a line break, a tab, an escape byte), as
///   templates that print JSON by hand do, is escaped (`\n`, `\u001b`).
/// Only asked after a document failed to parse; anything else stays broken and is reported.
enum JSONRepair {
    /// The mended bytes, or nil when none of these mistakes was found.
    static func repair(_ original: [UInt8]) -> [UInt8]? {
        let decoded = String(decoding: original, as: UTF8.self)
        let bytes = Array(decoded.utf8)
        var scan = Scan(input: bytes)
        scan.run()
        if scan.changed { return scan.output }
        return bytes == original ? nil : bytes
    }

    private static func escaped(control byte: UInt8) -> [UInt8] {
        switch byte {
        case 0x0A: return Array("\\n".utf8)
        case 0x0D: return Array("\\r".utf8)
        case 0x09: return Array("\\t".utf8)
        default:
            let hex = String(byte, radix: 16)
            return Array(("\\u00" + (hex.count == 1 ? "0" : "") + hex).utf8)
        }
    }

    private struct Scan {
        let input: [UInt8]
        var output: [UInt8] = []
        var changed = false
        private var index = 0

        init(input: [UInt8]) {
            self.input = input
            output.reserveCapacity(input.count)
        }

        mutating func run() {
            while index < input.count {
                let byte = input[index]
                if byte == UInt8(ascii: "\"") {
                    string()
                } else if byte == UInt8(ascii: "-") || (byte >= 0x30 && byte <= 0x39) {
                    number()
                } else {
                    output.append(byte)
                    index += 1
                }
            }
        }

        /// From the opening quote to past the closing one.
        private mutating func string() {
            output.append(input[index])
            index += 1
            while index < input.count {
                let byte = input[index]
                if byte == UInt8(ascii: "\"") {
                    output.append(byte)
                    index += 1
                    return
                }
                if byte < 0x20 {
                    output.append(contentsOf: JSONRepair.escaped(control: byte))
                    changed = true
                    index += 1
                    continue
                }
                guard byte == UInt8(ascii: "\\"), index + 1 < input.count else {
                    output.append(byte)
                    index += 1
                    continue
                }
                if input[index + 1] < 0x20 {  // a backslash before a raw line break: the break, escaped
                    output.append(contentsOf: JSONRepair.escaped(control: input[index + 1]))
                    changed = true
                    index += 2
                    continue
                }
                if input[index + 1] == UInt8(ascii: "u"), let unit = hexUnit(at: index + 2) {
                    surrogate(unit)
                } else {
                    output.append(contentsOf: input[index..<(index + 2)])
                    index += 2
                }
            }
        }

        /// `\uXXXX` at `index`: copied, with its low partner if it is a high surrogate that has one.
        private mutating func surrogate(_ unit: UInt16) {
            let isHigh = (0xD800...0xDBFF).contains(unit), isLow = (0xDC00...0xDFFF).contains(unit)
            let partnered = isHigh && index + 11 < input.count && input[index + 6] == UInt8(ascii: "\\")
                && input[index + 7] == UInt8(ascii: "u")
                && hexUnit(at: index + 8).map { (0xDC00...0xDFFF).contains($0) } == true
            if partnered {
                output.append(contentsOf: input[index..<(index + 12)])
                index += 12
            } else if isHigh || isLow {
                output.append(contentsOf: Array("\\ufffd".utf8))
                changed = true
                index += 6
            } else {
                output.append(contentsOf: input[index..<(index + 6)])
                index += 6
            }
        }

        private mutating func number() {
            var end = index
            while end < input.count, Self.isNumberByte(input[end]) { end += 1 }
            let token = input[index..<end]
            if let value = Double(String(decoding: token, as: UTF8.self)), value.isInfinite {
                output.append(contentsOf: Array("null".utf8))
                changed = true
            } else {
                output.append(contentsOf: token)
            }
            index = end
        }

        private func hexUnit(at start: Int) -> UInt16? {
            guard start + 4 <= input.count else { return nil }
            return UInt16(String(decoding: input[start..<(start + 4)], as: UTF8.self), radix: 16)
        }

        private static func isNumberByte(_ byte: UInt8) -> Bool {
            (byte >= 0x30 && byte <= 0x39) || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "+")
                || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "e") || byte == UInt8(ascii: "E")
        }
    }
}
