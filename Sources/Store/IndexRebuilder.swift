internal import FeedModel

/// Rebuilds the `documents` table from the files alone: for a lost or damaged index. Feed state,
/// provenance and revision links are kept when the old index still has them for a document.
extension DocumentStore {
    public struct RebuildReport: Sendable {
        public var indexed = 0
        /// Files that are not documents in the format, left out of the index.
        public var skipped: [String] = []
    }

    public func rebuildIndex() throws(StoreError) -> RebuildReport {
        var report = RebuildReport()
        var rows: [IndexedDocument] = []
        for file in DocumentFiles.list(root: folder, layout: layout) {
            guard let located = folder.locate(file.path), let bytes = FileSystem.read(located.name, in: located.folder) else {
                report.skipped.append("\(file.path): unreadable")
                continue
            }
            do {
                let text = String(decoding: bytes, as: UTF8.self)
                let date = checksHexoGrammar ? try StoredDocumentReader.date(of: text) : try StoredDocumentReader.anyDate(in: text)
                rows.append(IndexedDocument(shortHash: file.shortHash, path: file.path, date: date, bytes: bytes.count))
            } catch {
                report.skipped.append("\(file.path): \(error)")
            }
        }
        try replaceDocuments(with: rows)
        report.indexed = rows.count
        return report
    }
}
