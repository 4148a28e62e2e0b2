/// What the sanitizer keeps: HTML elements real feeds use, with the attributes that cannot run
/// script or load anything but an http(s) resource.
enum ElementPolicy {
    /// Kept, with their allowed attributes. `style` stays (the golden bodies carry `<style>` blocks):
    /// CSS runs no script in Chromium or any current browser (`expression()`, `behavior` and
    /// `-moz-binding` are gone, and `url(javascript:…)` is never fetched), and a stylesheet inside the
    /// body cannot reach past it because its text may not hold `</style`.
    static let allowed: Set<String> = [
        "a", "abbr", "acronym", "address", "article", "aside", "audio", "b", "bdi", "bdo", "big", "blockquote",
        "br", "caption", "center", "cite", "code", "col", "colgroup", "data", "dd", "del", "details", "dfn", "div",
        "dl", "dt", "em", "figcaption", "figure", "font", "footer", "h1", "h2", "h3", "h4", "h5", "h6", "header",
        "hgroup", "hr", "i", "img", "ins", "kbd", "li", "main", "mark", "nav", "ol", "p", "picture", "pre", "q",
        "rp", "rt", "ruby", "s", "samp", "section", "small", "source", "span", "strike", "strong", "style", "sub",
        "summary", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "time", "tr", "tt", "u", "ul", "var",
        "video", "wbr",
    ]

    /// Removed with everything inside: active content, other documents, forms' controls, and
    /// elements whose content browsers parse by other rules (raw text, scripting flag, SVG, MathML).
    static let droppedWithContent: Set<String> = [
        "script", "noscript", "template", "iframe", "frame", "frameset", "noframes", "object", "embed", "applet",
        "param", "svg", "math", "title", "textarea", "select", "option", "optgroup", "datalist", "xmp",
        "plaintext", "noembed", "head", "meta", "link", "base", "input", "button", "keygen", "output", "canvas",
        "map", "area", "track", "menuitem", "isindex", "bgsound", "portal", "fencedframe", "slot", "listing",
    ]

    /// Deeper elements are written as their text alone. Chromium nests no deeper than 512 (it makes
    /// deeper ones siblings, gumbo does not), and the walks over the tree recurse once per level.
    static let maximumDepth = 128

    static let void: Set<String> = ["br", "col", "hr", "img", "source", "wbr"]

    /// No `id` or `name`: an element so named becomes a global of the page (`window.CONFIG`), which a
    /// theme's own scripts may read and trust.
    static let globalAttributes: Set<String> = [
        "class", "title", "lang", "dir", "style", "align", "valign", "width", "height",
    ]

    static let elementAttributes: [String: Set<String>] = [
        "a": ["href", "rel", "hreflang", "type", "referrerpolicy"],
        "img": ["src", "srcset", "sizes", "alt", "loading", "decoding", "referrerpolicy", "border", "hspace",
                "vspace"],
        "source": ["src", "srcset", "sizes", "type", "media"],
        "video": ["src", "poster", "controls", "loop", "muted", "playsinline", "preload"],
        "audio": ["src", "controls", "loop", "muted", "preload"],
        "td": ["colspan", "rowspan", "headers", "scope", "abbr", "nowrap", "bgcolor"],
        "th": ["colspan", "rowspan", "headers", "scope", "abbr", "nowrap", "bgcolor"],
        "tr": ["bgcolor"],
        "table": ["border", "cellpadding", "cellspacing", "summary", "bgcolor"],
        "col": ["span"], "colgroup": ["span"],
        "ol": ["start", "reversed", "type"], "ul": ["type"], "li": ["value", "type"],
        "blockquote": ["cite"], "q": ["cite"], "del": ["cite", "datetime"], "ins": ["cite", "datetime"],
        "time": ["datetime"], "data": ["value"], "details": ["open"], "font": ["color", "face", "size"],
    ]

    /// Attributes holding one URL each.
    static let urlAttributes: Set<String> = ["href", "src", "cite", "poster"]

    static func allows(attribute name: String, on element: String) -> Bool {
        globalAttributes.contains(name) || elementAttributes[element]?.contains(name) == true
    }
}
