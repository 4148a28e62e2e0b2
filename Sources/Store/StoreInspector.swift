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
        for file in DocumentFiles.list(root: folder, layout: layout) where !indexedPaths.contains(file.path) {
            report.problems.append("\(file.path): a document file the index does not know (run rebuild-index)")
        }
        return report
    }

    private func problems(of document: IndexedDocument) -> [String] {
        guard let file = folder.locate(document.path), let bytes = FileSystem.read(file.name, in: file.folder) else {
            return ["\(document.path): indexed but missing"]
        }
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

    /// Links are not followed (nor listed): nothing outside the store is read as a document.
    static func list(root: StoreFolder, layout: DocumentLayout) -> [File] {
        var files: [File] = []
        if let top = try? root.folder(layout.topFolder, creating: false) {
            walk(top, relative: layout.topFolder, into: &files)
        }
        return files
    }

    private static func walk(_ folder: StoreFolder, relative: String, into files: inout [File]) {
        for entry in folder.entries() {
            let path = relative + "/" + entry.name
            if entry.kind == .folder, let child = try? folder.folder(entry.name, creating: false) {
                walk(child, relative: path, into: &files)
            } else if entry.kind == .file, let short = DocumentLayout.shortHash(ofFileName: Substring(entry.name)) {
                files.append(File(path: path, shortHash: short))
            }
        }
    }
}
