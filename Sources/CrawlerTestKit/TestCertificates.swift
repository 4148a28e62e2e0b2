internal import Foundation

/// A private certificate authority and a server certificate it signed for 127.0.0.1 and
/// localhost, made with Debian's `openssl` in a folder of the test's own. Nothing is installed
/// system-wide: a client trusts the CA only when told to (the crawler's `ca_file:`).
public struct TestCertificates: Sendable {
    /// The CA's certificate (PEM): what `ca_file:` names.
    public let caFile: String
    public let certificateFile: String
    public let keyFile: String

    public enum CertificateError: Error, CustomStringConvertible {
        case command(String, output: String)

        public var description: String {
            switch self {
            case let .command(command, output):
                return "\(command) failed (is Debian's openssl installed?): \(output)"
            }
        }
    }

    /// Makes `name`-ca.pem, `name`.pem and `name`.key in `folder`. EC keys: quick to make. The
    /// server certificate is valid for two days from now, or between `validity`'s two dates
    /// (`YYYYMMDDHHMMSSZ`, e.g. in the past: an expired certificate).
    public init(in folder: String, name: String = "server", validity: (notBefore: String, notAfter: String)? = nil) throws {
        let prefix = folder + "/" + name
        caFile = prefix + "-ca.pem"
        certificateFile = prefix + ".pem"
        keyFile = prefix + ".key"
        let key = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
        try Self.openssl(["req", "-x509"] + key + ["-keyout", prefix + "-ca.key", "-out", caFile, "-days", "2",
                                                    "-subj", "/CN=crawler test CA \(name)"])
        try Self.openssl(["req"] + key + ["-keyout", keyFile, "-out", prefix + ".csr", "-subj", "/CN=127.0.0.1"])
        let extensions = prefix + ".ext"
        try Data("""
            subjectAltName = IP:127.0.0.1, DNS:localhost
            basicConstraints = CA:FALSE
            extendedKeyUsage = serverAuth

            """.utf8).write(to: URL(fileURLWithPath: extensions))
        if let validity {
            try Self.sign(prefix: prefix, extensions: extensions, validity: validity)
        } else {
            try Self.openssl(["x509", "-req", "-in", prefix + ".csr", "-CA", caFile, "-CAkey", prefix + "-ca.key",
                              "-CAcreateserial", "-out", certificateFile, "-days", "2", "-extfile", extensions])
        }
    }

    /// OpenSSL 3.0's `x509 -req` sets no start date: `openssl ca`, with the least config it takes.
    private static func sign(prefix: String, extensions: String, validity: (notBefore: String, notAfter: String)) throws {
        try Data("""
            [ ca ]
            default_ca = test
            [ test ]
            database = \(prefix)-index.txt
            new_certs_dir = \(URL(fileURLWithPath: prefix).deletingLastPathComponent().path)
            serial = \(prefix)-serial
            default_md = sha256
            policy = any
            unique_subject = no
            [ any ]
            commonName = supplied

            """.utf8).write(to: URL(fileURLWithPath: prefix + "-ca.cnf"))
        try Data().write(to: URL(fileURLWithPath: prefix + "-index.txt"))
        try Data("01\n".utf8).write(to: URL(fileURLWithPath: prefix + "-serial"))
        try openssl(["ca", "-batch", "-notext", "-config", prefix + "-ca.cnf", "-cert", prefix + "-ca.pem",
                     "-keyfile", prefix + "-ca.key", "-in", prefix + ".csr", "-out", prefix + ".pem",
                     "-startdate", validity.notBefore, "-enddate", validity.notAfter, "-extfile", extensions])
    }

    private static func openssl(_ arguments: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        process.arguments = arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        do {
            try process.run()
        } catch {
            throw CertificateError.command("openssl " + arguments.joined(separator: " "), output: "\(error)")
        }
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw CertificateError.command("openssl " + arguments.joined(separator: " "), output: text)
        }
    }
}
