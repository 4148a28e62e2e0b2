#if canImport(Glibc)
internal import Glibc
#endif

/// Asks iconv (the library libxml2 decodes with) whether bytes read as an encoding, and converts
/// the encodings libxml2 cannot be told to read (UTF-32). Only for documents that are not UTF-8:
/// a pass over the bytes, never kept.
enum LegacyDecoding {
    /// Whether iconv knows the encoding at all (`bogus`, `u16` and the like are not encodings).
    static func isSupported(_ encoding: String) -> Bool {
        guard let converter = Converter(from: encoding) else { return false }
        _ = converter
        return true
    }

    /// How much of a document is checked: a wrong label shows in the first characters (the
    /// title), and a whole pass through iconv costs as much as the parse of a CJK feed.
    static let sampleSize = 64 << 10

    /// True when every byte sequence of the document's first `sampleSize` bytes is a character of
    /// `encoding`; a sample cut inside its last character still counts. GB18030 reads nearly any
    /// pair of bytes, Big5's too, some as private-use characters no font shows: read so, they are
    /// no text of it (`isMisread`).
    static func decodes(_ bytes: [UInt8], as encoding: String) -> Bool {
        guard let converter = Converter(from: encoding) else { return false }
        guard encoding == "GB18030" else { return converter.convert(Array(bytes.prefix(sampleSize)), keeping: false) != nil }
        guard let text = converter.convert(Array(bytes.prefix(sampleSize)), keeping: true) else { return false }
        return !isMisread(text, as: encoding)
    }

    /// Text converted from GB18030 with private-use characters (U+E000–U+F8FF) among more than
    /// one in a hundred of its characters beyond ASCII: GBK's user-defined areas, where other CJK
    /// charsets' bytes land (Big5 labelled GB2312) and real Chinese text almost never goes.
    /// `allowing`: private-use characters taken for damage, not misreading (a character cut in
    /// half shifts the next pair into GBK's user-defined rows).
    static func isMisread(_ utf8: [UInt8], as encoding: String, allowing: Int = 0) -> Bool {
        guard encoding == "GB18030" else { return false }
        var privateUse = 0, beyondASCII = 0
        for index in utf8.indices where utf8[index] >= 0xC0 {
            beyondASCII += 1
            // U+E000–U+F8FF: EE 80 80 … EF A3 BF.
            if utf8[index] == 0xEE || (utf8[index] == 0xEF && index + 1 < utf8.count && utf8[index + 1] <= 0xA3) {
                privateUse += 1
            }
        }
        return privateUse > allowing && privateUse * 100 >= beyondASCII
    }

    /// The bytes in UTF-8, or nil if they are not all `encoding`.
    static func utf8(_ bytes: ArraySlice<UInt8>, from encoding: String) -> [UInt8]? {
        Converter(from: encoding)?.convert(Array(bytes), keeping: true)
    }

    /// The bytes in UTF-8, each byte that is no character of `encoding` written as U+FFFD, and
    /// how many were; nil only when iconv does not know the encoding.
    static func utf8Replacing(_ bytes: [UInt8], from encoding: String) -> (bytes: [UInt8], replaced: Int)? {
        guard let converter = Converter(from: encoding, unit: unitSize(of: encoding)) else { return nil }
        return converter.convert(bytes, keeping: true, replacing: true)
    }

    /// Bytes to a code unit: a bad UTF-16 unit is skipped whole, or every unit after it is misread.
    private static func unitSize(of encoding: String) -> Int {
        let name = encoding.uppercased()
        if name.hasPrefix("UTF-16") || name.hasPrefix("UCS-2") { return 2 }
        if name.hasPrefix("UTF-32") || name.hasPrefix("UCS-4") { return 4 }
        return 1
    }

    /// One iconv descriptor, closed when done.
    private final class Converter {
        private let descriptor: iconv_t
        /// Bytes skipped past one that is no character.
        private let unit: Int

        init?(from encoding: String, unit: Int = 1) {
            let opened = iconv_open("UTF-8", encoding)
            guard let opened, Int(bitPattern: opened) != -1 else { return nil }
            descriptor = opened
            self.unit = unit
        }

        deinit { iconv_close(descriptor) }

        /// The converted bytes (empty unless `keeping`), or nil at the first byte that is no character.
        func convert(_ bytes: [UInt8], keeping: Bool) -> [UInt8]? {
            convert(bytes, keeping: keeping, replacing: false)?.bytes
        }

        /// With `replacing`, each unit that is no character is written as U+FFFD and counted,
        /// instead of ending the conversion.
        func convert(_ bytes: [UInt8], keeping: Bool, replacing: Bool) -> (bytes: [UInt8], replaced: Int)? {
            var replaced = 0
            var output: [UInt8] = []
            if keeping { output.reserveCapacity(bytes.count + bytes.count / 2) }
            var scratch = [UInt8](repeating: 0, count: 64 << 10)
            var input = bytes
            let ok = input.withUnsafeMutableBufferPointer { inBuffer -> Bool in
                scratch.withUnsafeMutableBufferPointer { outBuffer -> Bool in
                    var inPointer: UnsafeMutablePointer<CChar>? = inBuffer.baseAddress.map {
                        UnsafeMutableRawPointer($0).assumingMemoryBound(to: CChar.self)
                    }
                    var inLeft = inBuffer.count
                    while inLeft > 0 {
                        var outPointer: UnsafeMutablePointer<CChar>? = UnsafeMutableRawPointer(outBuffer.baseAddress!)
                            .assumingMemoryBound(to: CChar.self)
                        var outLeft = outBuffer.count
                        let result = iconv(descriptor, &inPointer, &inLeft, &outPointer, &outLeft)
                        if keeping { output.append(contentsOf: outBuffer[0..<(outBuffer.count - outLeft)]) }
                        if result == -1 {
                            switch errno {
                            case E2BIG: continue
                            case EINVAL where !replacing: return true  // cut inside the last character
                            default:
                                guard replacing else { return false }
                                // The unit is no character (or the document ends inside one): U+FFFD,
                                // and on, in the shift state it was read in (ISO-2022-JP, UTF-7 keep theirs).
                                replaced += 1
                                if keeping { output += [0xEF, 0xBF, 0xBD] }
                                let skipped = min(unit, inLeft)
                                inPointer = inPointer.map { $0 + skipped }
                                inLeft -= skipped
                            }
                        }
                    }
                    return true
                }
            }
            return ok ? (output, replaced) : nil
        }
    }
}
