/// A link as the story it points to: without the parameters that only say where a reader came
/// from (`utm_*`, click identifiers, mailing-list stamps), which some feeds stamp anew on every
/// fetch. The fragment stays: `/changelog#v1` and `#v2` are two releases.
public enum StoryLink {
    public static func key(_ link: String) -> String {
        guard let question = link.firstIndex(of: "?") else { return link }
        let end = link[question...].firstIndex(of: "#") ?? link.endIndex
        let parameters = link[link.index(after: question)..<end].split(separator: "&", omittingEmptySubsequences: false)
        let kept = parameters.filter { !isTracking($0) }
        guard kept.count < parameters.count else { return link }
        return String(link[..<question]) + (kept.isEmpty ? "" : "?" + kept.joined(separator: "&")) + link[end...]
    }

    private static let trackingNames: Set<String> = [
        "fbclid", "gclid", "dclid", "gbraid", "wbraid", "msclkid", "yclid", "igshid", "mc_cid", "mc_eid",
        "_hsenc", "_hsmi", "mkt_tok", "ref_src", "ref_url",
    ]

    private static func isTracking(_ parameter: Substring) -> Bool {
        var name = (parameter.split(separator: "=", maxSplits: 1).first ?? parameter).lowercased()[...]
        // `&amp;utm_campaign=` escaped twice over in the feed reads as `amp;utm_campaign`.
        while name.hasPrefix("amp;") { name = name.dropFirst(4) }
        return name.hasPrefix("utm_") || trackingNames.contains(String(name))
    }
}
