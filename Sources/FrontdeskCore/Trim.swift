extension StringProtocol {
    /// The text without leading and trailing whitespace and newlines.
    ///
    /// Foundation's `trimmingCharacters(in:)` bridges through NSString on Linux (tens of thousands of
    /// instructions a call); this walks Unicode scalars from both ends and slices once.
    public func trimmedWhitespace() -> String {
        trimmingScalars(where: Self.isWhitespace)
    }

    /// Unicode White_Space; ASCII answered without the property tables.
    private static func isWhitespace(_ scalar: Unicode.Scalar) -> Bool {
        if scalar.isASCII { return scalar == " " || (0x09...0x0D).contains(scalar.value) }
        return scalar.properties.isWhitespace
    }

    /// The text without leading and trailing scalars for which `drop` holds (one slice, no Foundation).
    public func trimmingScalars(where drop: (Unicode.Scalar) -> Bool) -> String {
        let scalars = unicodeScalars
        var start = scalars.startIndex
        var end = scalars.endIndex
        while start < end, drop(scalars[start]) { start = scalars.index(after: start) }
        while end > start {
            let before = scalars.index(before: end)
            guard drop(scalars[before]) else { break }
            end = before
        }
        if start == scalars.startIndex, end == scalars.endIndex { return String(self) }
        return String(Substring(self)[start..<end])
    }

    /// Without leading and trailing blanks as Foundation's `CharacterSet.whitespaces` has them: general
    /// category Zs and the tab.
    public func trimmingBlanks() -> String {
        trimmingScalars { $0 == " " || $0 == "\t" || (!$0.isASCII && $0.properties.generalCategory == .spaceSeparator) }
    }
}
