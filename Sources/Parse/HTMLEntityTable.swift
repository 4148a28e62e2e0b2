internal import CLibXML2
public import Markup

/// Named HTML entities from libxml2's own table (HTML 4: &nbsp;, &mdash;, &hellip;, ...).
public enum HTMLEntityTable {
    public static let decoder = EntityDecoder { name in
        if let xml = EntityDecoder.xmlScalar(name) { return xml }
        guard let entry = htmlEntityLookup(name) else { return nil }
        return Unicode.Scalar(entry.pointee.value)
    }

    public static let text = HTMLText(decoder: decoder)
}
