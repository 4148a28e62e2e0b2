/// What a certificate that failed verification means for the operator. Every failure read as
/// "not trusted; name the CA in ca_file:" sent one whose `ca_file:` was right to look at it,
/// when the certificate named another host or had expired.
enum TLSFailureText {
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
