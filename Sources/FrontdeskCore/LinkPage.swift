/// What a one-time link page shows, as data: plugins fill it from their templates (`prompts/<locale>/…`), the web
/// layer renders it as plain, semantic HTML. Nothing in it is markup; every string is escaped when rendered.
public struct LinkPage: Sendable, Equatable {
    /// HTTP status of the page (200, 410 for a used link, 422 for input to correct, ...).
    public var status: Int
    public var title: String
    /// Paragraphs of plain text, in order.
    public var paragraphs: [String]
    /// Labelled facts shown as a table (an invoice's number, date, amount).
    public var details: [LinkDetail] = []
    /// Shown above the paragraphs as an alert (input to correct, a declined card).
    public var error: String?
    /// A form that posts back (to this link, or to `form.target`).
    public var form: LinkForm?
    /// Small print under the form.
    public var notes: [String]
    /// A processor's hosted page to send the client to instead (a card-update session): a 303 redirect.
    public var redirect: String?
    /// The language the page is written in (the HTML's `lang`), set by the link dispatcher; nil reads as English.
    public var locale: String?

    public init(
        status: Int = 200, title: String, paragraphs: [String] = [], error: String? = nil, form: LinkForm? = nil,
        notes: [String] = [], redirect: String? = nil
    ) {
        self.status = status
        self.title = title
        self.paragraphs = paragraphs
        self.error = error
        self.form = form
        self.notes = notes
        self.redirect = redirect
    }

    /// A page from one rendered template: its first line is the title, and blocks after it separated by blank
    /// lines are paragraphs (`prompts/en/cancel/page_done.txt`).
    public init(status: Int = 200, rendered text: String) {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let title = lines.isEmpty ? "" : lines.removeFirst().trimmedWhitespace()
        var paragraphs: [String] = []
        var current: [String] = []
        for line in lines + [""] {
            let trimmed = line.trimmedWhitespace()
            if trimmed.isEmpty {
                if !current.isEmpty { paragraphs.append(current.joined(separator: " ")) }
                current = []
            } else {
                current.append(trimmed)
            }
        }
        self.init(status: status, title: title, paragraphs: paragraphs)
    }
}

/// One labelled fact on a page.
public struct LinkDetail: Sendable, Equatable {
    public var label: String
    public var value: String
    public init(_ label: String, _ value: String) {
        self.label = label
        self.value = value
    }
}

/// A form on a link page: labelled fields and a submit button, with any other ways out of the same form shown as
/// equal buttons (cancel, or pause instead: one is no harder to press than the other).
public struct LinkForm: Sendable, Equatable {
    public var fields: [LinkField]
    public var submit: String
    /// More submit buttons, each posting its `name=value` with the fields (`choice=pause`); the main button posts none.
    public var buttons: [LinkButton] = []
    /// Where the form posts: nil posts back to the page's own link; otherwise a path such as `/l/<token>` (a
    /// follow-on one-time link issued with the page, e.g. "pay the invoice now" after a card update).
    public var target: String?

    public init(fields: [LinkField] = [], submit: String, target: String? = nil) {
        self.fields = fields
        self.submit = submit
        self.target = target
    }
}

/// A submit button that says which way the client chose.
public struct LinkButton: Sendable, Equatable {
    public var name: String
    public var value: String
    public var label: String
    public init(name: String, value: String, label: String) {
        self.name = name
        self.value = value
        self.label = label
    }
}

/// One labelled input.
public struct LinkField: Sendable, Equatable {
    public enum Kind: String, Sendable {
        case text, numeric, textarea
        /// Not shown: which of the page's ways on the form means (`next=card`).
        case hidden
    }
    public var name: String
    public var label: String
    public var kind: Kind
    /// The HTML `autocomplete` token (`cc-number`), if any.
    public var autocomplete: String?
    public var maxLength: Int
    public var required: Bool
    public var placeholder: String?
    /// A value to show again (never a card number or security code).
    public var value: String

    public init(
        name: String, label: String, kind: Kind = .text, autocomplete: String? = nil, maxLength: Int = 200,
        required: Bool = false, placeholder: String? = nil, value: String = ""
    ) {
        self.name = name
        self.label = label
        self.kind = kind
        self.autocomplete = autocomplete
        self.maxLength = maxLength
        self.required = required
        self.placeholder = placeholder
        self.value = value
    }
}
