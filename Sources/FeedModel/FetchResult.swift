/// What one transfer gave: a response (any status) or a transport failure.
public struct FetchResult: Sendable {
    public var request: FetchRequest
    public var outcome: Outcome
    /// Wall time of the transfer in milliseconds.
    public var milliseconds: Int

    public enum Outcome: Sendable {
        case response(FetchResponse)
        /// No HTTP response at all: DNS, connect, TLS, timeout, size limit...
        case failure(FetchFailure)
    }

    public init(request: FetchRequest, outcome: Outcome, milliseconds: Int) {
        self.request = request
        self.outcome = outcome
        self.milliseconds = milliseconds
    }
}

public struct FetchResponse: Sendable {
    public var status: Int
    /// URL after redirects.
    public var finalURL: String
    /// Header names lower-cased; the last value wins.
    public var headers: [String: String]
    /// Decoded body (after Content-Encoding).
    public var body: [UInt8]
    /// Bytes received on the wire, before decoding.
    public var wireBytes: Int

    public init(status: Int, finalURL: String, headers: [String: String], body: [UInt8], wireBytes: Int) {
        self.status = status
        self.finalURL = finalURL
        self.headers = headers
        self.body = body
        self.wireBytes = wireBytes
    }

    /// The charset parameter of Content-Type, if the server named one.
    public var charset: String? {
        guard let contentType = headers["content-type"] else { return nil }
        for parameter in contentType.split(separator: ";").dropFirst() {
            let pair = parameter.split(separator: "=", maxSplits: 1)
            guard pair.count == 2,
                  pair[0].trimmingSpaces().lowercased() == "charset" else { continue }
            let value = pair[1].trimmingSpaces().trimmingQuotes()
            return value.isEmpty ? nil : value
        }
        return nil
    }

    public var validators: ConditionalHeaders {
        ConditionalHeaders(etag: headers["etag"], lastModified: headers["last-modified"])
    }
}

public struct FetchFailure: Sendable, Error, Hashable {
    public enum Kind: String, Sendable {
        case timeout, connect, dns, tls, tooLarge = "too_large", protocolError = "protocol",
             badURL = "bad_url", cancelled, other
    }
    public var kind: Kind
    /// Human reason, e.g. libcurl's message.
    public var message: String

    public init(kind: Kind, message: String) {
        self.kind = kind
        self.message = message
    }
}

extension Substring {
    func trimmingSpaces() -> String {
        String(drop(while: { $0 == " " || $0 == "\t" }).reversed().drop(while: { $0 == " " || $0 == "\t" }).reversed())
    }
}

extension String {
    func trimmingQuotes() -> String {
        guard count >= 2, first == "\"", last == "\"" else { return self }
        return String(dropFirst().dropLast())
    }
}
