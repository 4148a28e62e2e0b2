internal import Foundation
internal import Glibc
internal import CLinux

/// Debian's nginx on 127.0.0.1 with TLS, serving files from a folder: the real HTTPS (and HTTP/2)
/// server the tests fetch from. Everything it writes (config, pid, logs, temp files) stays in a
/// temp folder; it runs in the foreground as a child of the test and is stopped with it.
public final class NginxServer: Sendable {
    public struct Options: Sendable {
        /// `listen ... ssl http2` when true, plain `ssl` (HTTP/1.1 only) when false.
        public var http2 = true
        /// nginx's `ssl_protocols`, e.g. "TLSv1.2" or "TLSv1.3".
        public var tlsProtocols = "TLSv1.2 TLSv1.3"
        /// A second port serving the same files in plain HTTP (`plainPort`).
        public var plainListener = false
        /// nginx's `ssl_ciphers` ("DEFAULT:@SECLEVEL=0" lets a TLS 1.0-only server answer at all).
        public var ciphers = "HIGH:!aNULL:!MD5"

        public init(http2: Bool = true, tlsProtocols: String = "TLSv1.2 TLSv1.3", plainListener: Bool = false) {
            self.http2 = http2
            self.tlsProtocols = tlsProtocols
            self.plainListener = plainListener
        }
    }

    /// One request as nginx logged it.
    public struct AccessLogEntry: Sendable {
        /// nginx's connection serial number: equal for requests that shared a connection.
        public var connection: String
        /// The request's position on its connection, from 1.
        public var connectionRequests: Int
        /// `HTTP/2.0`, `HTTP/1.1`...
        public var serverProtocol: String
        /// `TLSv1.2`, `TLSv1.3`.
        public var tlsProtocol: String
        public var status: Int
        public var path: String
    }

    public enum ServerError: Error, CustomStringConvertible {
        case notInstalled
        case didNotStart(String)

        public var description: String {
            switch self {
            case .notInstalled: return "nginx is not installed (apt-get install -y nginx-light: scripts/install-deps.sh)"
            case .didNotStart(let log): return "nginx did not start: \(log)"
            }
        }
    }

    public let port: Int
    /// The plain HTTP port, with `Options.plainListener`.
    public let plainPort: Int?
    public let certificates: TestCertificates
    private let folder: TemporaryFolder
    private let pid: pid_t

    public init(_ options: Options = Options(), certificates: TestCertificates? = nil) throws {
        guard FileManager.default.isExecutableFile(atPath: Self.binary) else { throw ServerError.notInstalled }
        let folder = TemporaryFolder(prefix: "crawler-nginx")
        for sub in ["www", "temp"] {
            try FileManager.default.createDirectory(atPath: folder.file(sub), withIntermediateDirectories: true)
        }
        self.certificates = try certificates ?? TestCertificates(in: folder.path)
        self.folder = folder
        var attempt = 0
        while true {
            let port = LoopbackPort.unused()
            let plainPort = options.plainListener ? LoopbackPort.unused() : nil
            let pid = try Self.start(folder: folder, options: options, certificates: self.certificates,
                                     ports: (port, plainPort))
            if Self.waitUntilListening(port: port, pid: pid) {
                self.port = port
                self.plainPort = plainPort
                self.pid = pid
                return
            }
            Self.stop(pid)
            attempt += 1
            // Another test may have taken the port between our check and nginx's bind: try another.
            guard attempt < 3 else {
                throw ServerError.didNotStart((folder.read("error.log") ?? "") + (folder.read("stderr.log") ?? ""))
            }
        }
    }

    deinit {
        stop()
    }

    /// Stops nginx and reaps it; idempotent.
    public func stop() {
        Self.stop(pid)
    }

    /// SIGTERM, and SIGKILL if it is still there a few seconds later: a test must not hang on it.
    private static func stop(_ pid: pid_t) {
        guard isRunning(pid) else { return }
        kill(pid, SIGTERM)
        let deadline = Date().addingTimeInterval(3)
        while isRunning(pid) {
            guard Date() < deadline else {
                kill(pid, SIGKILL)
                var status: Int32 = 0
                while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
                return
            }
            Thread.sleep(forTimeInterval: 0.01)
        }
    }

    /// False once the process has exited (and reaps it then).
    private static func isRunning(_ pid: pid_t) -> Bool {
        var status: Int32 = 0
        return waitpid(pid, &status, WNOHANG) == 0
    }

    /// An https URL on this server.
    public func url(_ path: String) -> String {
        "https://127.0.0.1:\(port)" + (path.hasPrefix("/") ? path : "/" + path)
    }

    /// Places a file to be served at `path`.
    public func serve(_ text: String, at path: String) throws {
        try folder.write(text, to: "www/" + (path.hasPrefix("/") ? String(path.dropFirst()) : path))
    }

    /// Every request logged so far, in order.
    public var accessLog: [AccessLogEntry] {
        (folder.read("access.log") ?? "").split(separator: "\n").compactMap { line in
            let fields = line.split(separator: " ").map(String.init)
            guard fields.count == 6, let requests = Int(fields[1]), let status = Int(fields[4]) else { return nil }
            return AccessLogEntry(connection: fields[0], connectionRequests: requests, serverProtocol: fields[2],
                                  tlsProtocol: fields[3], status: status, path: fields[5])
        }
    }

    static let binary = "/usr/sbin/nginx"

    private static func start(folder: TemporaryFolder, options: Options, certificates: TestCertificates,
                              ports: (tls: Int, plain: Int?)) throws -> pid_t {
        let temp = folder.file("temp")
        // Run as root, nginx's workers would switch to `nobody`; one process, in the foreground, instead.
        let config = """
            worker_processes 1;
            master_process off;
            pid \(folder.file("nginx.pid"));
            error_log \(folder.file("error.log")) info;
            events { worker_connections 256; }
            http {
                log_format crawler_test '$connection $connection_requests $server_protocol $ssl_protocol $status $uri';
                access_log \(folder.file("access.log")) crawler_test;
                client_body_temp_path \(temp)/body;
                proxy_temp_path \(temp)/proxy;
                fastcgi_temp_path \(temp)/fastcgi;
                uwsgi_temp_path \(temp)/uwsgi;
                scgi_temp_path \(temp)/scgi;
                types { application/rss+xml xml; }
                server {
                    listen 127.0.0.1:\(ports.tls) ssl\(options.http2 ? " http2" : "");
                    \(ports.plain.map { "listen 127.0.0.1:\($0);" } ?? "")
                    ssl_certificate \(certificates.certificateFile);
                    ssl_certificate_key \(certificates.keyFile);
                    ssl_protocols \(options.tlsProtocols);
                    ssl_ciphers \(options.ciphers);
                    root \(folder.file("www"));
                }
            }

            """
        try folder.write(config, to: "nginx.conf")
        // -e: the error log before the config is read (the default, /var/log/nginx, may not be ours).
        let command = [binary, "-p", folder.path, "-e", folder.file("error.log"), "-c", folder.file("nginx.conf"),
                       "-g", "daemon off;"]
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, folder.file("stderr.log"), O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        // Nothing else the test process has open: a pipe another test is reading would not see
        // its end while this long-lived server held a copy of its write end.
        crawler_spawn_close_from(&actions, 3)
        var arguments = command.map { strdup($0) } + [nil]
        defer { arguments.forEach { free($0) } }
        // The test runner's threads block signals, and a child inherits the mask: without this,
        // nginx would never see the SIGTERM that stops it.
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var none = sigset_t()
        sigemptyset(&none)
        posix_spawnattr_setsigmask(&attributes, &none)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK))
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, binary, &actions, &attributes, &arguments, environ)
        guard spawned == 0 else { throw ServerError.didNotStart("posix_spawn failed: \(spawned)") }
        return pid
    }

    /// True once a connection to the port succeeds; false if nginx exits or 5 s pass first.
    private static func waitUntilListening(port: Int, pid: pid_t) -> Bool {
        let deadline = Date().addingTimeInterval(5)
        while Date() < deadline {
            guard isRunning(pid) else { return false }
            if canConnect(port: port) { return true }
            Thread.sleep(forTimeInterval: 0.02)
        }
        return false
    }

    private static func canConnect(port: Int) -> Bool {
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(socket) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = UInt16(port).bigEndian
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
            }
        }
    }
}
