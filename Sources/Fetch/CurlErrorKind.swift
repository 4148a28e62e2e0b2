internal import CCurl
internal import FeedModel

/// The one place that maps libcurl's error codes onto our failure kinds.
enum CurlErrorKind {
    static func kind(of code: CURLcode) -> FetchFailure.Kind {
        switch code {
        case CURLE_OPERATION_TIMEDOUT: return .timeout
        case CURLE_COULDNT_CONNECT: return .connect
        case CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY: return .dns
        case CURLE_SSL_CONNECT_ERROR, CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CERTPROBLEM,
             CURLE_SSL_CIPHER, CURLE_SSL_CACERT_BADFILE: return .tls
        case CURLE_FILESIZE_EXCEEDED: return .tooLarge
        case CURLE_URL_MALFORMAT, CURLE_UNSUPPORTED_PROTOCOL: return .badURL
        case CURLE_ABORTED_BY_CALLBACK: return .cancelled
        case CURLE_TOO_MANY_REDIRECTS, CURLE_GOT_NOTHING, CURLE_RECV_ERROR, CURLE_SEND_ERROR,
             CURLE_PARTIAL_FILE, CURLE_HTTP2, CURLE_HTTP2_STREAM, CURLE_WEIRD_SERVER_REPLY,
             CURLE_BAD_CONTENT_ENCODING: return .protocolError
        default: return .other
        }
    }
}
