@testable import Convert
import FeedModel
import Testing
import Yams

@Suite struct TemplateValuesTests {
    let date = Timestamp(year: 2022, month: 2, day: 16, hour: 23, minute: 50, second: 43)!

    /// Values a feed can send that break a YAML line written as it is.
    private func hostileFields(link: String? = "https://x.example/a?b=1&c='2'#top",
                               image: String? = "https://x.example/i.png") -> DocumentFields {
        DocumentFields(title: "It's: a #title - \"quoted\"", categories: ["C#: news", "- list"], author: "@me, 'you'",
                       image: image, date: date, body: "<p>one</p>\n\n  two: \"x\" \\ \t\u{2028}\u{FEFF}end",
                       link: link, feedName: "yes", channelTitle: "[channel]: {x}")
    }

    @Test func everyStringValueHasAYAMLTwinThatReadsBackAsTheSameString() throws {
        let values = TemplateValues.values(for: hostileFields())
        let strings = values.filter { !$0.key.hasSuffix("_yaml") && !$0.key.hasSuffix("_inert") && $0.value is String }
        #expect(Set(strings.keys) == ["title", "author", "image", "link", "date_rfc1123", "date_rfc3339", "body",
                                      "feed", "channel"])
        for (name, value) in strings {
            let yaml = try #require(values[name + "_yaml"] as? String, "\(name)_yaml")
            #expect(!yaml.contains("\n"), "\(name)_yaml is one line")
            let read = try #require(try Yams.load(yaml: "key: " + yaml) as? [String: Any], "\(name)_yaml: \(yaml)")
            // A title's front matter form is the profiles' (`FeedText.title`: `<`, `>` and `"` made harmless).
            let text = name == "title" ? FeedText.title(value as? String ?? "") : value as? String ?? ""
            let expected = name.hasPrefix("body") ? text : YAMLScalar.yamlSafe(text)
            #expect(read["key"] as? String == expected, "\(name)_yaml: \(yaml)")
        }
        for name in strings.keys where name != "body" {
            let inert = try #require(values[name + "_inert"] as? String, "\(name)_inert")
            #expect(!inert.contains { "{}`[]<>\"'".contains($0) }, "\(name)_inert: \(inert)")
        }
        let categories = try #require(values["categories"] as? [[String: String]])
        for category in categories {
            #expect(category["name_inert"]?.contains { "{}`[]<>\"".contains($0) } == false)
            let read = try Yams.load(yaml: "key: " + (category["name_yaml"] ?? "")) as? [String: Any]
            #expect(read?["key"] as? String == category["name"])
        }
    }

    /// A podcast's episodes, for a template's `{{#enclosures}}`: each URL and type with its twins.
    @Test func enclosuresAreAListWithTwins() throws {
        var fields = hostileFields()
        fields.enclosures = [Enclosure(url: "https://cdn.example/ep%27s.mp3", type: "audio/mpeg", length: 12_345),
                             Enclosure(url: "https://cdn.example/v.mp4")]
        let template = "{{#enclosures}}<audio src=\"{{url}}\" data-t=\"{{type}}\" data-l=\"{{length}}\">\n"
            + "url: {{{url_yaml}}}\ntype: {{{type_yaml}}}\n{{/enclosures}}"
        let text = try OutputFormat(.template(template)).text(for: fields)
        #expect(text == "<audio src=\"https://cdn.example/ep%27s.mp3\" data-t=\"audio/mpeg\" data-l=\"12345\">\n"
                + "url: 'https://cdn.example/ep%27s.mp3'\ntype: 'audio/mpeg'\n"
                + "<audio src=\"https://cdn.example/v.mp4\" data-t=\"\" data-l=\"\">\nurl: 'https://cdn.example/v.mp4'\ntype: \n", "\(text)")
    }

    @Test func aMissingLinkOrImageIsAbsentSoItRendersEmptyAndIsFalse() throws {
        let template = "[{{link}}][{{{image_yaml}}}]{{#link}}L{{/link}}{{^image}}no image{{/image}}"
        let format = try OutputFormat(.template(template))
        var fields = hostileFields(link: nil, image: nil)
        #expect(format.text(for: fields) == "[][]no image")
        fields.link = "https://x.example/"
        #expect(format.text(for: fields) == "[https://x.example/][]Lno image")
    }

    @Test func aTemplateErrorNamesTheLineAndColumnOfTheTagAtFault() {
        func error(_ text: String) -> String {
            do {
                _ = try OutputFormat(.template(text), templateFile: "post.mustache")
                return "compiled"
            } catch {
                return error.description
            }
        }
        #expect(error("a\nb {{#open}} never closed\n") == "post.mustache:2:3: template error: {{#open}} is never closed (no {{/open}})")
        #expect(error("{{#a}}\n  {{/b}}") .hasPrefix("post.mustache:2:6: template error: this closing tag does not match the section that is open"))
        #expect(error("x\n{{title") .hasPrefix("post.mustache:2:"))
        #expect(error("{{#link}}{{/link}}") == "compiled")
        // Round 25: a misspelt name rendered empty in every document, and `check` said valid.
        #expect(error("---\ntitle: {{{titel_yaml}}}\n").hasPrefix(
            "post.mustache:2:8: template error: {{{titel_yaml}}}: no value is named titel_yaml (it would be empty in every document); the names are author,"))
        #expect(error("{{#categories}} - {{{name_yaml}}} {{.}}{{/categories}}{{! a comment }}{{& body}}{{ title }}") == "compiled")
        #expect(error("{{#enclosures}}{{url}} {{title}}{{/enclosures}}{{#link}}{{.}}{{/link}}") == "compiled")
        // Round 59: a list's names outside its section, `{{.}}` outside any, and a partial all
        // rendered empty; a missing brace said only "overflow".
        #expect(error("{{#categories}}{{name}}{{/categories}}\n{{name}}") ==
            "post.mustache:2:1: template error: {{name}}: name has a value only inside {{#categories}} (here it would be empty in every document)")
        #expect(error("{{{url_yaml}}}").contains("url_yaml has a value only inside {{#enclosures}}"))
        #expect(error("x {{.}}").contains("{{.}}: . has a value only inside a section"))
        #expect(error("{{> header}}") == "post.mustache:1:1: template error: {{> header}}: partials are not supported (there is no "
            + "other template to take it from); write its text in place")
        #expect(!error("{{{title}}").contains("overflow"), "\(error("{{{title}}"))")
    }

    /// A template's raw body carries no stylesheet: its braces would be live there, and a feed's
    /// `<style>` restyled the whole site (round 13).
    @Test func theRawBodyHoldsNoStylesheet() throws {
        var fields = hostileFields()
        fields.body = "<style>header{display:none}</style><p>kept</p><STYLE media=x>p{}</STYLE> end"
        let values = TemplateValues.values(for: fields)
        #expect(values["body"] as? String == "<p>kept</p> end")
        #expect((values["body_inert"] as? String)?.contains("&#123;") == true)
    }
}
