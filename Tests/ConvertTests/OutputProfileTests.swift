@testable import Convert
import FeedModel
import Testing

@Suite struct OutputProfileTests {
    let feed = FeedConfig(name: "sina-china", url: "https://rsshub.example/sina/finance",
                          categories: ["金融", "新浪财经"], author: "新浪财经")
    let date = Timestamp(year: 2022, month: 2, day: 16, hour: 23, minute: 50, second: 43)!

    private func item() -> Item {
        var item = Item(title: "It's {big} news", link: "https://finance.sina.com.cn/a.shtml", published: date,
                        contentHTML: "<p>Body {{ x }}</p><img src=\"/q.png\">")
        item.baseURL = item.link
        item.bodyImage = "https://finance.sina.com.cn/q.png"
        return item
    }

    private func render(_ profile: OutputProfile) throws -> String {
        let format = try OutputFormat(profile)
        return DocumentRenderer(feed: feed, channelTitle: "新浪财经－国內", format: format).render(item(), firstSeen: date).text
    }

    @Test func hugo() throws {
        #expect(try render(.hugo) == """
            ---
            title: 'It''s {big} news'
            date: 2022-02-16T23:50:43Z
            author: '新浪财经'
            categories: ['金融', '新浪财经']
            images: ['https://finance.sina.com.cn/q.png']
            source: 'https://finance.sina.com.cn/a.shtml'
            draft: false
            ---

            <p>Body &#123;&#123; x &#125;&#125;</p><img src="https://finance.sina.com.cn/q.png" referrerpolicy="no-referrer">

            """)
    }

    @Test func jekyll() throws {
        #expect(try render(.jekyll) == """
            ---
            layout: post
            title: 'It''s {big} news'
            date: 2022-02-16 23:50:43 +0000
            author: '新浪财经'
            categories: ['金融', '新浪财经']
            image: 'https://finance.sina.com.cn/q.png'
            source: 'https://finance.sina.com.cn/a.shtml'
            excerpt: 'Body &#123;&#123; x &#125;&#125;'
            ---
            <p>Body &#123;&#123; x &#125;&#125;</p><img src="https://finance.sina.com.cn/q.png" referrerpolicy="no-referrer">

            """)
    }

    /// Round 59: words of two blocks ran together in the excerpt (`…end</p><p>rel…`: "endrel").
    @Test func jekyllsExcerptKeepsBlocksApart() {
        #expect(JekyllFormat.excerpt(of: "<p>the end</p><p><a href=\"https://x.example/\">rel</a> <img src=\"i.png\"></p><ul><li>one</li><li>two<br>three</li></ul>")
                == "the end rel one two three")
    }

    @Test func mustacheTemplate() throws {
        let template = """
            +++
            title = {{{title_yaml}}}
            date = {{date_rfc3339}}
            tags = [{{#categories}}{{{name_yaml}}},{{/categories}}]
            {{#image}}cover = "{{{image}}}"{{/image}}
            +++
            {{{body}}}
            """
        #expect(try render(.template(template)) == """
            +++
            title = 'It''s {big} news'
            date = 2022-02-16T23:50:43Z
            tags = ['金融','新浪财经',]
            cover = "https://finance.sina.com.cn/q.png"
            +++
            <p>Body {{ x }}</p><img src="https://finance.sina.com.cn/q.png" referrerpolicy="no-referrer">
            """)
    }

    /// For sites that run a template engine or Markdown over content: the body inert to both.
    @Test func bodyInertHasBracesBackticksAndBracketsAsReferences() throws {
        var item = item()
        item.contentHTML = "<p>{{< param \"apiKey\" >}} `code` [x](javascript:y)</p>"
        let format = try OutputFormat(.template("{{{body_inert}}}"))
        let text = DocumentRenderer(feed: feed, channelTitle: "x", format: format).render(item, firstSeen: date).text
        #expect(text == "<p>&#123;&#123;< param \"apiKey\" >&#125;&#125; &#96;code&#96; &#91;x&#93;(javascript:y)</p>")
    }

    @Test func aBrokenTemplateIsAnErrorBeforeAnythingIsRendered() {
        #expect(throws: OutputFormat.TemplateError.self) { try OutputFormat(.template("{{#open}} never closed")) }
    }

    @Test func theContentHashDoesNotDependOnTheDialect() throws {
        let hexo = DocumentRenderer(feed: feed, channelTitle: "x").render(item(), firstSeen: date)
        let hugo = DocumentRenderer(feed: feed, channelTitle: "x", format: try OutputFormat(.hugo)).render(item(), firstSeen: date)
        #expect(hexo.contentHash == hugo.contentHash)
        #expect(hexo.text != hugo.text)
    }
}
