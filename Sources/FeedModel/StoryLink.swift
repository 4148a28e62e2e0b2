/// A link as the story it points to: without the parameters that only say where a reader came
/// from (`utm_*`, click identifiers, mailing-list stamps) and without its fragment.
public enum StoryLink {
    public static func key(_ link: String) -> String {
        let noFragment = link.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? link
        guard let question = noFragment.firstIndex(of: "?") else { return noFragment }
        let kept = noFragment[noFragment.index(after: question)...].split(separator: "&").filter { !isTracking($0) }
        return String(noFragment[..<question]) + (kept.isEmpty ? "" : "?" + kept.joined(separator: "&"))
    }

    private static let trackingNames: Set<String> = [
        "fbclid", "gclid", "dclid", "gbraid", "wbraid", "msclkid", "yclid", "igshid", "mc_cid", "mc_eid",
        "_hsenc", "_hsmi", "mkt_tok", "ref_src", "ref_url",
    ]

    private static func isTracking(_ parameter: Substring) -> Bool {
        let name = (parameter.split(separator: "=", maxSplits: 1).first ?? parameter).lowercased()
        return name.hasPrefix("utm_") || trackingNames.contains(name)
    }
}
