/// What a certificate that failed verification means for the operator. Every failure read as
/// "not trusted; name the CA in ca_file:" sent one whose `ca_file:` was right to look at it,
/// when the certificate named another host or had expired.
enum TLSFailureText {
    /// A handshake that failed before any certificate was looked at, in the operator's words where
    /// OpenSSL's are its own (`error:0A00014D:SSL routines::legacy sigalg disallowed or
    /// unsupported` for a TLS 1.0-only server); nil for a message that is no handshake's.
    static func handshake(_ detail: String) -> String? {
        let lowered = detail.lowercased()
        if lowered.contains("wrong version number") {
            return "TLS: the server did not answer in TLS (\(detail)): is the port a plain http:// one?"
        }
        if obsolete.contains(where: lowered.contains) {
            return "TLS: the server offers only an obsolete TLS version or signature (\(detail)); TLS 1.2 or later is needed"
        }
        if lowered.contains("ssl connection timeout") {
            return "TLS: the server took the connection and did not complete the TLS handshake within connect_timeout (\(detail))"
        }
        return nil
    }

    /// OpenSSL's reasons for a server that speaks only what it no longer accepts.
    private static let obsolete = ["alert protocol version", "unsupported protocol", "no protocols available",
                                   "legacy sigalg", "version too low", "no suitable signature algorithm"]

    static func unverified(_ detail: String) -> String {
        let lowered = detail.lowercased()
        if lowered.contains("subject name") || lowered.contains("does not match target host") {
            return "TLS: the server's certificate is for another host name (\(detail)); the feed's URL must name a "
                + "host the certificate is for"
        }
        if lowered.contains("expired") {
            return "TLS: the server's certificate has expired (\(detail)); the site must renew it"
        }
        if lowered.contains("not yet valid") {
            return "TLS: the server's certificate is not valid yet (\(detail)); is this machine's clock right?"
        }
        return "TLS: the server's certificate is not trusted (\(detail)); if a private CA signed it, "
            + "name that CA's PEM file in ca_file: (for this feed or globally)"
    }
}
