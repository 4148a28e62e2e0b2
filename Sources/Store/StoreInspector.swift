internal import FeedModel

/// `verify` and `rebuild-index`: the store checked against, or rebuilt from, its documents.
extension DocumentStore {
    public struct VerifyReport: Sendable {
        public var checked = 0
        /// One line per problem, each naming the file.
        public var problems: [String] = []
    }

    /// Every indexed document must exist, be whole (its size), carry its hash as its name and
    /// parse as the format; every document file must be indexed.
    public func verify() throws(StoreError) -> VerifyReport {
        var report = VerifyReport()
        let indexed = try indexedDocuments()
        var indexedPaths: Set<String> = []
        for document in indexed {
            report.checked += 1
            indexedPaths.insert(document.path)
            report.problems += problems(of: document)
        }
        for file in DocumentFiles.list(root: root, layout: layout) where !indexedPaths.contains(file.path) {
            report.problems.append("\(file.path): a document file the index does not know (run rebuild-index)")
        }
        return report
    }

    private func problems(of document: IndexedDocument) -> [String] {
        let path = root + "/" + document.path
        guard let bytes = FileSystem.read(path) else { return ["\(document.path): indexed but missing"] }
        var problems: [String] = []
        if bytes.count != document.bytes {
            problems.append("\(document.path): \(bytes.count) bytes on disk, \(document.bytes) recorded")
        }
        if DocumentLayout.shortHash(ofFileName: document.path.split(separator: "/").last ?? "") != document.shortHash {
            problems.append("\(document.path): file name does not match hash \(document.shortHash)")
        }
        guard checksHexoGrammar else { return problems }
        do {
            let date = try StoredDocumentReader.date(of: String(decoding: bytes, as: UTF8.self))
            if date != document.date { problems.append("\(document.path): date differs from the index") }
        } catch {
            problems.append("\(document.path): \(error)")
        }
        return problems
    }
}

/// The document files under `posts/`, found by walking the folders.
enum DocumentFiles {
    struct File {
        let path: String
        let shortHash: String
    }

    static func list(root: String, layout: DocumentLayout) -> [File] {
        var files: [File] = []
        walk(root: root, relative: layout.topFolder, into: &files)
        return files
    }

    private static func walk(root: String, relative: String, into files: inout [File]) {
        for entry in FileSystem.entries(of: root + "/" + relative) {
            let path = relative + "/" + entry.name
            if entry.isFolder {
                walk(root: root, relative: path, into: &files)
            } else if let short = DocumentLayout.shortHash(ofFileName: Substring(entry.name)) {
                files.append(File(path: path, shortHash: short))
            }
        }
    }
}
