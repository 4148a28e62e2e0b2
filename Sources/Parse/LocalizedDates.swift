/// Dates written in the site's own language (`Mo, 01 Dez 2025 08:45:00 +0100`,
/// `Пн, 01 дек 2025 10:15:00 +0300`, `01.12.2025 10:20`), rewritten into the English forms
/// `DateParser` reads. Asked only after those forms failed: most feeds never come here.
enum LocalizedDates {
    /// The text with its month in English, its weekday dropped and a named zone as an offset;
    /// nil when nothing in it is a localized date's.
    static func english(_ text: String) -> String? {
        if let dotted = dotted(text) { return dotted }
        var changed = false
        var tokens: [String] = []
        for raw in text.split(separator: " ") {
            let token = String(raw.drop { $0 == "," || $0 == "." }.reversed().drop { $0 == "," || $0 == "." }.reversed())
            let key = token.lowercased()
            if let month = months[key] ?? months[String(key.prefix(3))].flatMap({ key.count <= 5 ? $0 : nil }) {
                tokens.append(month)
                changed = true
            } else if weekdays.contains(key) {
                changed = true  // a weekday carries nothing a date needs
            } else if let offset = zones[token.uppercased()] {
                tokens.append(offset)
                changed = true
            } else {
                tokens.append(String(raw))
            }
        }
        return changed ? tokens.joined(separator: " ") : nil
    }

    /// `01.12.2025` and `01.12.2025 10:20(:30)`, day first, as German and Russian sites write it.
    private static func dotted(_ text: String) -> String? {
        let parts = text.split(separator: " ", maxSplits: 1)
        let date = parts[0].split(separator: ".")
        guard date.count == 3, let day = Int(date[0]), let month = Int(date[1]), let year = Int(date[2]),
              date[2].count == 4, (1...31).contains(day), (1...12).contains(month) else { return nil }
        func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
        let clock = parts.count > 1 ? " " + parts[1] : ""
        return "\(year)-\(two(month))-\(two(day))" + clock
    }

    /// Month names and their usual abbreviations, German, French, Spanish, Italian, Portuguese,
    /// Dutch and Russian (genitive and nominative), lower-cased.
    private static let months: [String: String] = {
        let names: [(String, [String])] = [
            ("Jan", ["januar", "jän", "janv", "janvier", "ene", "enero", "gen", "gennaio", "janeiro", "januari", "янв", "января", "январь"]),
            ("Feb", ["februar", "févr", "fevr", "février", "febrero", "febbraio", "fev", "fevereiro", "februari", "фев", "февраля", "февраль"]),
            ("Mar", ["mär", "mrz", "märz", "mars", "marzo", "março", "maart", "мар", "марта", "март"]),
            ("Apr", ["april", "avr", "avril", "abr", "abril", "aprile", "апр", "апреля", "апрель"]),
            ("May", ["mai", "mei", "mayo", "mag", "maggio", "maio", "мая", "май"]),
            ("Jun", ["juni", "juin", "junio", "giu", "giugno", "junho", "июн", "июня", "июнь"]),
            ("Jul", ["juli", "juil", "juillet", "julio", "lug", "luglio", "julho", "июл", "июля", "июль"]),
            ("Aug", ["august", "août", "aout", "ago", "agosto", "augustus", "авг", "августа", "август"]),
            ("Sep", ["sept", "september", "septembre", "septiembre", "set", "settembre", "setembro", "сен", "сент", "сентября", "сентябрь"]),
            ("Oct", ["okt", "oktober", "octobre", "octubre", "ott", "ottobre", "out", "outubro", "окт", "октября", "октябрь"]),
            ("Nov", ["november", "novembre", "noviembre", "novembro", "ноя", "нояб", "ноября", "ноябрь"]),
            ("Dec", ["dez", "dezember", "déc", "dec", "décembre", "dic", "diciembre", "dicembre", "dezembro", "december", "дек", "декабря", "декабрь"]),
        ]
        var table: [String: String] = [:]
        for (english, localized) in names { for name in localized { table[name] = english } }
        return table
    }()

    private static let weekdays: Set<String> = [
        "mo", "di", "mi", "do", "fr", "sa", "so", "montag", "dienstag", "mittwoch", "donnerstag", "freitag", "samstag", "sonntag",
        "lun", "mar", "mer", "jeu", "ven", "sam", "dim", "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche",
        "пн", "вт", "ср", "чт", "пт", "сб", "вс",
    ]

    /// Central European (Summer) Time, as German sites name it.
    private static let zones: [String: String] = ["MEZ": "+0100", "MESZ": "+0200"]
}
