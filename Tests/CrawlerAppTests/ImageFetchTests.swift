@testable import CrawlerApp
import FeedModel
import Testing

/// What an image's answer means, and the Referer of each attempt: pure, no network.
@Suite struct ImageFetchTests {
    let fetch = ImageFetch(feed: FeedConfig(name: "f", url: "https://site.example/rss"))

    private func answer(status: Int = 200, type: String, body: [UInt8]) -> FetchResult {
        let request = FetchRequest(feed: "\u{1}image/0/0/0", url: "https://img.example:8443/a/p")
        let response = FetchResponse(status: status, finalURL: request.url, headers: ["content-type": type], body: body,
                                     wireBytes: body.count)
        return FetchResult(request: request, outcome: .response(response), milliseconds: 1)
    }

    @Test func theTypeComesFromTheBytes() {
        #expect(ImageType.fileExtension(of: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0]) == "png")
        #expect(ImageType.fileExtension(of: [0xFF, 0xD8, 0xFF, 0xDB]) == "jpg")
        #expect(ImageType.fileExtension(of: Array("GIF87a..".utf8)) == "gif")
        #expect(ImageType.fileExtension(of: Array("RIFF\0\0\0\0WEBPVP8 ".utf8)) == "webp")
        #expect(ImageType.fileExtension(of: [0, 0, 0, 0x1C] + Array("ftypavif".utf8)) == "avif")
        #expect(ImageType.fileExtension(of: Array("<svg xmlns=\"http://www.w3.org/2000/svg\"/>".utf8)) == nil)
        #expect(ImageType.fileExtension(of: Array("<html>".utf8)) == nil)
    }

    @Test func aJPEGServedAsPNGIsKeptAsAJPEG() {
        #expect(fetch.read(answer(type: "image/png", body: [0xFF, 0xD8, 0xFF, 0xE0]), attempt: .noReferer)
            == .image(bytes: [0xFF, 0xD8, 0xFF, 0xE0], fileExtension: "jpg"))
    }

    @Test func svgAndNonImagesAreRefused() {
        guard case .refused(let svg) = fetch.read(answer(type: "image/svg+xml", body: Array("<svg/>".utf8)), attempt: .noReferer),
              case .refused(let html) = fetch.read(answer(type: "text/html", body: Array("<html>".utf8)), attempt: .noReferer) else {
            Issue.record("SVG and HTML must be refused")
            return
        }
        #expect(svg.contains("SVG is not kept"))
        #expect(html.contains("not an image (Content-Type text/html)"))
    }

    @Test func aForbiddenImageTriesTheNextRefererThenFailsForNow() {
        let forbidden = answer(status: 403, type: "text/html", body: [])
        guard case .tryNextReferer = fetch.read(forbidden, attempt: .noReferer),
              case .tryNextReferer = fetch.read(forbidden, attempt: .imageOrigin),
              case .failed = fetch.read(forbidden, attempt: .article) else {
            Issue.record("403 must try each Referer, then fail for a later pass")
            return
        }
        #expect(ImageFetch.referer(for: .noReferer, url: "https://img.example:8443/a/p", article: "https://site.example/1") == nil)
        #expect(ImageFetch.referer(for: .imageOrigin, url: "https://img.example:8443/a/p", article: nil) == "https://img.example:8443/")
        #expect(ImageFetch.referer(for: .article, url: "https://img.example/a", article: "https://site.example/1") == "https://site.example/1")
    }

    @Test func requestsQueueBehindFeedsWithTheImageSizeCap() {
        var feed = FeedConfig(name: "f", url: "https://site.example/rss")
        feed.article.maxImageBytes = 1234
        let request = ImageFetch(feed: feed).request(key: "k", url: "https://img.example/p", attempt: .imageOrigin, article: nil)
        #expect(request.priority == .page)
        #expect(request.maxBodyBytes == 1234)
        #expect(request.settings.headers.contains(HeaderField(name: "Referer", value: "https://img.example/")))
    }
}
