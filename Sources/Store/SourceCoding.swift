internal import CZlib
public import FeedModel

/// An item's source values (`SourceValues`) as the index keeps them (and the fleet's `documents.source`): the fields, each
/// length-prefixed, compressed. Layout: a version byte, the payload's length (4 bytes,
/// little-endian), then the compressed payload: version 2 is a zstd frame, version 1 (stores
/// written before 2026-12-03) zlib's stream. The version also lets the field list grow.
public enum SourceCoding {
    static let version: UInt8 = 2
    static let zlibVersion: UInt8 = 1
    /// zstd's fastest regular level: every new document is encoded on the store's writer, and
    /// zlib's default level there was a fifth of a cold pass's CPU, for about 4% smaller blobs.
    static let level: Int32 = 1

    public static func encode(_ source: SourceValues) -> [UInt8] {
        var payload: [UInt8] = []
        payload.reserveCapacity(source.item.contentHTML.utf8.count + 512)
        let item = source.item
        for text in [item.id, item.title, item.link, item.author, item.published.map(decimal), item.updated.map(decimal),
                     item.contentHTML, item.bodyImage, item.mediaImage, item.baseURL, source.channelTitle,
                     decimal(source.firstSeen)] {
            append(text, to: &payload)
        }
        appendNumber(UInt64(item.categories.count), to: &payload)
        for category in item.categories { append(category, to: &payload) }
        // Enclosures last: a blob written before them ends after its categories, and has none.
        appendNumber(UInt64(item.enclosures.count), to: &payload)
        for enclosure in item.enclosures {
            append(enclosure.url, to: &payload)
            append(enclosure.type, to: &payload)
            append(enclosure.length.map(String.init), to: &payload)
        }
        return [version] + littleEndian(UInt32(payload.count)) + ZstdContexts.compress(payload, level: level)
    }

    public static func decode(_ bytes: [UInt8]) -> SourceValues? {
        guard bytes.count > 5 else { return nil }
        let length = Int(bytes[1]) | Int(bytes[2]) << 8 | Int(bytes[3]) << 16 | Int(bytes[4]) << 24
        let payload: [UInt8]?
        switch bytes[0] {
        case version: payload = ZstdContexts.decompress(bytes[5...], length: length)
        case zlibVersion: payload = inflate(Array(bytes[5...]), length: length)
        default: return nil
        }
        guard let payload else { return nil }
        var reader = Reader(bytes: payload)
        var fields: [String?] = []
        for _ in 0..<12 {
            guard let field = reader.text() else { return nil }
            fields.append(field)
        }
        guard let count = reader.number() else { return nil }
        var categories: [String] = []
        for _ in 0..<count {
            guard let category = reader.text() ?? nil else { return nil }
            categories.append(category)
        }
        var item = Item(id: fields[0], title: fields[1] ?? "", link: fields[2], author: fields[3],
                        published: fields[4].flatMap(timestamp), updated: fields[5].flatMap(timestamp),
                        categories: categories, contentHTML: fields[6] ?? "", mediaImage: fields[8], baseURL: fields[9])
        item.bodyImage = fields[7]
        guard let enclosures = reader.enclosures() else { return nil }
        item.enclosures = enclosures
        return SourceValues(item: item, channelTitle: fields[10] ?? "",
                            firstSeen: fields[11].flatMap(timestamp) ?? Timestamp(secondsSince1970: 0))
    }

    private static func decimal(_ timestamp: Timestamp) -> String { String(timestamp.secondsSince1970) }
    private static func timestamp(_ text: String) -> Timestamp? { Int64(text).map(Timestamp.init(secondsSince1970:)) }

    /// nil as 0; a text as its length + 1, then its UTF-8.
    private static func append(_ text: String?, to payload: inout [UInt8]) {
        guard let text else { return appendNumber(0, to: &payload) }
        appendNumber(UInt64(text.utf8.count) + 1, to: &payload)
        payload.append(contentsOf: text.utf8)
    }

    private static func appendNumber(_ value: UInt64, to payload: inout [UInt8]) {
        var value = value
        while value >= 0x80 {
            payload.append(UInt8(value & 0x7F) | 0x80)
            value >>= 7
        }
        payload.append(UInt8(value))
    }

    private static func littleEndian(_ value: UInt32) -> [UInt8] {
        [UInt8(value & 0xFF), UInt8(value >> 8 & 0xFF), UInt8(value >> 16 & 0xFF), UInt8(value >> 24)]
    }

    private struct Reader {
        let bytes: [UInt8]
        var offset = 0

        mutating func number() -> UInt64? {
            var value: UInt64 = 0, shift: UInt64 = 0
            while offset < bytes.count, shift < 64 {
                let byte = bytes[offset]
                offset += 1
                value |= UInt64(byte & 0x7F) << shift
                if byte < 0x80 { return value }
                shift += 7
            }
            return nil
        }

        /// The enclosures after the categories: none in a blob written before they were kept.
        mutating func enclosures() -> [Enclosure]? {
            guard offset < bytes.count else { return [] }
            guard let count = number() else { return nil }
            var enclosures: [Enclosure] = []
            for _ in 0..<count {
                guard let url = text() ?? nil, let type = text(), let length = text() else { return nil }
                enclosures.append(Enclosure(url: url, type: type, length: length.flatMap { Int($0) }))
            }
            return enclosures
        }

        /// The next field: `.some(nil)` for a nil one, nil when the bytes run out.
        mutating func text() -> String?? {
            guard let prefix = number() else { return nil }
            guard prefix > 0 else { return .some(nil) }
            let count = Int(prefix - 1)
            guard count <= bytes.count - offset else { return nil }
            defer { offset += count }
            return .some(String(decoding: bytes[offset..<(offset + count)], as: UTF8.self))
        }
    }

    /// Version 1's blobs, in stores and fleets written before zstd.
    private static func inflate(_ input: [UInt8], length: Int) -> [UInt8]? {
        var size = uLongf(length)
        var output = [UInt8](repeating: 0, count: max(length, 1))
        guard uncompress(&output, &size, input, uLong(input.count)) == Z_OK, Int(size) == length else { return nil }
        return Array(output[..<length])
    }
}
