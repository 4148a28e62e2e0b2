@testable import Markup
import Testing

/// The body's first image, read by a lexer that collects only `<img>` attributes: the tags
/// before it must still end where they end, so an `<img` inside one of them, a comment or a
/// script is not taken for an image.
@Suite struct FirstImageSourceTests {
    private func source(_ html: String) -> String? {
        HTMLText.html.firstImageSource(in: html)
    }

    @Test func skipsImageTextInsideEarlierTagsCommentsAndScripts() {
        let html = """
            <a href="/x" title='<img src="attribute.png">' data-src="link.png">link</a>\
            <!-- <img src="comment.png"> --><script>var s = '<img src="script.png">';</script>\
            <p class=lead>text</p><IMG ALT="real" Data-Src=" /real.png ">
            """
        #expect(source(html) == "/real.png")
    }

    @Test func readsOnlyTheAttributesOfTheTagAsked() {
        let bytes = Array(#"<a href="/x">y</a><img src="i.png" alt=b>"#.utf8)
        let tags = HTMLLexer(bytes, collecting: .only("img")).compactMap { token -> HTMLTag? in
            if case .startTag(let tag) = token { return tag }
            return nil
        }
        #expect(tags.map(\.name) == ["a", "img"])
        #expect(tags[0].attributes.isEmpty)
        #expect(tags[1].attributes.map(\.name) == ["src", "alt"])
        #expect(tags[1].range.upperBound == bytes.count)
    }

    @Test func takesLazySourcesAndSrcsetsFirstCandidate() {
        #expect(source(#"<img src="blank.gif" data-original="lazy.jpg">"#) == "lazy.jpg")
        #expect(source(#"<img srcset="one.png 1x, two.png 2x">"#) == "one.png")
        #expect(source(#"<img src=""><img src="second.png">"#) == "second.png")
        #expect(source("<p>no image</p>") == nil)
    }
}
