extension Catalog {
    /// Which language a message is in, from the words each locale's examples, `words.json` and templates use.
    public func languageDetector() -> LanguageDetector {
        var vocabularies = lexicon.localeWords
        for e in examples { vocabularies[e.locale, default: []].formUnion(Lexicon.tokens(e.text).map(\.text)) }
        for locale in templates.locales { vocabularies[locale, default: []].formUnion(templates.words(locale: locale)) }
        return LanguageDetector(
            vocabularies: vocabularies.filter { locales.contains($0.key) }, ignoring: lexicon.languageless)
    }

    /// The language a reply is written in: `wanted` (the client's or the message's) when the catalog declares it,
    /// else the business's locale, else English.
    public func replyLocale(_ wanted: String?, business: String) -> String {
        if let wanted, locales.contains(wanted) { return wanted }
        return locales.contains(business) ? business : "en"
    }

    /// How the locales cover each other (`frontdesk check`): every template file of any locale must exist in every
    /// declared locale, with the same placeholders, and every locale needs its `words.json` with `formats`. Start-up
    /// does not stop on these: a missing copy falls back to English, as a last resort.
    public func localeFaults() -> [Diagnostic] {
        var faults: [Diagnostic] = []
        for locale in locales {
            let file = "prompts/\(locale)/words.json"
            if lexicon.localeWords[locale] == nil {
                faults.append(Diagnostic(file: file, line: 0, message: "missing: \(locale) has no words"))
            } else if lexicon.styles[locale] == nil {
                faults.append(
                    Diagnostic(file: file, line: 1, message: "no formats: dates and money would read as in English"))
            }
        }
        let all = Set(locales.flatMap { templates.files(locale: $0) }).sorted()
        for file in all {
            let holders = locales.filter { templates.template(file, locale: $0) != nil }
            let reference = holders.contains("en") ? "en" : holders[0]
            for locale in locales where !holders.contains(locale) {
                faults.append(
                    Diagnostic(
                        file: "prompts/\(locale)/\(file).txt", line: 0,
                        message: "missing: prompts/\(reference)/\(file).txt has no \(locale) copy"
                            + (reference == "en" ? " (\(locale) replies fall back to English)" : "")))
            }
            let used = holders.compactMap { locale in templates.template(file, locale: locale).map { (locale, $0) } }
            let everyPlaceholder = used.reduce(into: Set<String>()) { $0.formUnion($1.1.placeholders) }
            for (locale, template) in used {
                for name in everyPlaceholder.subtracting(template.placeholders).sorted() {
                    let other = used.first { $0.1.placeholders.contains(name) }?.0 ?? reference
                    faults.append(
                        Diagnostic(
                            file: template.file, line: 1,
                            message: "placeholder {{\(name)}} is used in prompts/\(other)/\(file).txt but not here"))
                }
            }
        }
        return faults
    }
}
