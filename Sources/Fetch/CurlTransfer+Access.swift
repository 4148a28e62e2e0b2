internal import CCurl
internal import FeedModel
internal import Glibc

/// The address check of `NetworkAccess`, on the addresses libcurl really uses: every socket it
/// opens (before connecting: nothing is sent to a refused address) and every request it is
/// about to send (a connection kept from another transfer opens no socket, and may have been
/// opened for a feed allowed to reach what this one may not).
extension CurlTransfer {
    func configureAccess() {
        let me = Unmanaged.passUnretained(self).toOpaque()
        crawler_easy_set_pointer(handle, CURLOPT_OPENSOCKETDATA, me)
        crawler_easy_set_opensocket_callback(handle) { context, _, address in
            guard let context, let address else { return CURL_SOCKET_BAD }
            let transfer = Unmanaged<CurlTransfer>.fromOpaque(context).takeUnretainedValue()
            return transfer.openSocket(address)
        }
        crawler_easy_set_pointer(handle, CURLOPT_PREREQDATA, me)
        crawler_easy_set_prereq_callback(handle) { context, primaryIP, _, primaryPort, localPort in
            guard let context else { return CURL_PREREQFUNC_ABORT }
            let transfer = Unmanaged<CurlTransfer>.fromOpaque(context).takeUnretainedValue()
            // No address (a file:// read): nothing was connected.
            guard let primaryIP, let address = IPAddress(literal: String(cString: primaryIP)) else {
                transfer.connected = true
                return CURL_PREREQFUNC_OK
            }
            guard transfer.mayUse(address, port: Int(primaryPort)) else { return CURL_PREREQFUNC_ABORT }
            guard !transfer.keptConnectionHoldsInput(localPort: Int(localPort)) else { return CURL_PREREQFUNC_ABORT }
            transfer.connected = true
            return CURL_PREREQFUNC_OK
        }
    }

    /// Connections close through `sockets` from now on, which this transfer's new sockets join.
    func watch(_ sockets: SocketTable) {
        self.sockets = sockets
        crawler_easy_set_pointer(handle, CURLOPT_CLOSESOCKETDATA, Unmanaged.passUnretained(sockets).toOpaque())
        crawler_easy_set_closesocket_callback(handle) { context, descriptor in
            if let context { Unmanaged<SocketTable>.fromOpaque(context).takeUnretainedValue().closed(descriptor) }
            return close(descriptor)
        }
    }

    /// A kept plain-HTTP connection with bytes waiting before our request is sent: what the last
    /// answer on it left past its end, which libcurl (7.88) would read as this one's answer, or a
    /// second answer a server slipped in for the next feed. The connection is shut down (libcurl
    /// drops it) and the request asked again on a new one (`readLeftovers`). TLS and HTTP/2
    /// connections are not looked at: records between requests are theirs (tickets, pings).
    private func keptConnectionHoldsInput(localPort: Int) -> Bool {
        // Through a proxy spoken to in TLS, the socket carries TLS records too.
        guard !openedSocket, let sockets, request.url.utf8.prefix(7).map({ $0 | 0x20 }) == Array("http://".utf8),
              namedProxy?.lowercased().hasPrefix("https://") != true,
              let descriptor = sockets.descriptor(localPort: localPort),
              SocketTable.hasInputWaiting(descriptor) else { return false }
        shutdown(descriptor, Int32(SHUT_RDWR))
        leftInputOnKeptConnection = true
        return true
    }

    private func openSocket(_ address: UnsafeMutablePointer<curl_sockaddr>) -> curl_socket_t {
        var bytes = [UInt8](repeating: 0, count: 16)
        var port: Int32 = 0
        let count = Int(crawler_sockaddr_peer(address, &bytes, &port))
        // Another family (a Unix socket) has no IP address to judge.
        if count > 0, let peer = IPAddress(bytes: Array(bytes.prefix(count))), !mayUse(peer, port: Int(port)) {
            return CURL_SOCKET_BAD
        }
        let descriptor = crawler_open_socket(address)
        if descriptor >= 0 {
            openedSocket = true
            sockets?.opened(descriptor)
        }
        return descriptor
    }

    /// Records why, when the answer is no: the transfer then fails with this message.
    private func mayUse(_ address: IPAddress, port: Int) -> Bool {
        guard let range = request.access.refusal(address: address, port: port),
              !proxies.contains(Endpoint(address: address, port: port)) else { return true }
        var effective: UnsafeMutablePointer<CChar>?
        crawler_easy_get_string(handle, CURLINFO_EFFECTIVE_URL, &effective)
        let url = effective.map { String(cString: $0) } ?? request.url
        refusal = request.access.refusalMessage(url: url, address: address, range: range)
        return false
    }
}
