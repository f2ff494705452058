// Small language tables for normalisation. They describe how people write (shorthand, negation),
// never what they want: intent knowledge comes only from the plugins' example files.

enum NormalizeTables {
    /// Shorthand seen in SMS and quick emails (en, es, fr), already case- and accent-folded.
    /// Keys are checked before digits are generalised, so `b4` and `2day` work.
    static let abbreviations: [String: String] = [
        // English
        "pls": "please", "plz": "please", "plse": "please", "pleez": "please", "plez": "please",
        "thx": "thanks", "thnx": "thanks", "thanx": "thanks", "tks": "thanks", "tnx": "thanks", "ty": "thank you",
        "cncl": "cancel", "cncel": "cancel", "cxl": "cancel", "canx": "cancel", "canc": "cancel",
        "cancl": "cancel", "cxld": "cancelled", "cncld": "cancelled",
        "acct": "account", "acc": "account", "acnt": "account", "accnt": "account", "accts": "accounts",
        "mbrship": "membership", "mbrshp": "membership", "mbshp": "membership", "mship": "membership",
        "mbship": "membership", "membshp": "membership", "memship": "membership", "membrship": "membership",
        "memb": "membership", "mbr": "member",
        "pmt": "payment", "pymt": "payment", "pymnt": "payment", "paymt": "payment", "pmts": "payments",
        "cc": "credit card", "ccard": "credit card",
        "msg": "message", "msgs": "messages", "txt": "text", "txts": "texts", "txting": "texting",
        "txtin": "texting", "u": "you", "ur": "your", "r": "are", "b4": "before", "2day": "today",
        "2morrow": "tomorrow", "2moro": "tomorrow", "tmrw": "tomorrow", "tmr": "tomorrow", "tmrow": "tomorrow",
        "wanna": "want to", "gonna": "going to", "gimme": "give me", "lemme": "let me", "gotta": "got to",
        "idk": "i dont know", "dunno": "dont know", "asap": "as soon as possible",
        "appt": "appointment", "appts": "appointments", "apt": "appointment",
        "sub": "subscription", "subs": "subscription", "subscr": "subscription", "unsub": "unsubscribe",
        "inv": "invoice", "invs": "invoices", "rcpt": "receipt", "rcpts": "receipts", "recpt": "receipt",
        "stmt": "statement", "stmts": "statements", "bal": "balance", "amt": "amount",
        "mo": "month", "mth": "month", "mnth": "month", "mos": "months", "yr": "year", "nxt": "next",
        "chg": "charge", "chrg": "charge", "chrgd": "charged", "pwd": "password", "nbr": "number",
        "abt": "about", "bc": "because", "cuz": "because", "coz": "because", "bcuz": "because", "ppl": "people",
        "rn": "right now", "tho": "though", "thru": "through", "k": "ok", "kk": "ok", "okay": "ok",
        "yep": "yes", "yup": "yes", "ya": "yes", "yeah": "yes", "nope": "no", "nah": "no",
        "wat": "what", "wut": "what", "wht": "what", "whn": "when", "wen": "when", "hw": "how", "hv": "have",
        "dnt": "dont", "cld": "could", "cud": "could", "shd": "should", "pic": "picture",
        "bday": "birthday", "hrs": "hours", "hr": "hour", "mins": "minutes",
        // Spanish
        "xq": "porque", "xk": "porque", "porq": "porque", "q": "que", "ke": "que", "qe": "que", "x": "por",
        "tb": "tambien", "tmb": "tambien", "tbn": "tambien", "xfa": "por favor", "porfa": "por favor",
        "porfis": "por favor", "pf": "por favor", "plis": "por favor", "grax": "gracias", "grx": "gracias",
        "msj": "mensaje", "msjs": "mensajes", "dnd": "donde", "cdo": "cuando", "pa": "para", "ud": "usted",
        "uds": "ustedes", "bn": "bien", "hla": "hola", "nd": "nada", "tqm": "te quiero",
        // French
        "svp": "s il vous plait", "stp": "s il te plait", "mrc": "merci", "mci": "merci", "pcq": "parce que",
        "pck": "parce que", "psk": "parce que", "bcp": "beaucoup", "abo": "abonnement", "abon": "abonnement",
        "rdv": "rendez vous", "cb": "carte bancaire", "tjrs": "toujours", "tjs": "toujours",
        "jsp": "je sais pas", "ajd": "aujourdhui", "auj": "aujourdhui", "dm1": "demain", "dmn": "demain",
        "qd": "quand", "qnd": "quand", "pr": "pour", "ds": "dans", "bjr": "bonjour", "slt": "salut",
        "jveux": "je veux", "chui": "je suis", "jsuis": "je suis", "ms": "mais", "tt": "tout",
        "pb": "probleme", "pbm": "probleme", "vs": "vous", "mtn": "maintenant", "jpeux": "je peux",
    ]

    /// Emoji that stand for a word when people react with them alone ("👍", "🙏"); other emoji separate words.
    static let emoji: [UInt32: String] = [
        0x1F44D: "ok", 0x1F44C: "ok", 0x2705: "ok", 0x2714: "ok", 0x1F64F: "thanks", 0x1F44B: "hi",
        0x1F642: "smiley", 0x1F60A: "smiley", 0x1F600: "smiley", 0x1F601: "smiley", 0x1F603: "smiley",
        0x1F604: "smiley", 0x263A: "smiley", 0x1F970: "smiley", 0x1F60D: "smiley", 0x2764: "smiley",
        0x2665: "smiley", 0x1F499: "smiley", 0x1F49C: "smiley", 0x1F49A: "smiley", 0x1F973: "smiley",
    ]

    /// Words that start a negation scope (en, es, fr), folded (`don't` → `dont`, `n'` → `n`).
    static let negators: Set<String> = [
        "not", "no", "never", "dont", "doesnt", "didnt", "cant", "cannot", "wont", "isnt", "arent", "wasnt",
        "werent", "havent", "hasnt", "shouldnt", "wouldnt", "couldnt", "nor", "neither", "without",
        "nunca", "jamas", "tampoco", "ni", "sin",
        "ne", "n", "pas", "jamais", "sans",
    ]

    /// Words that end a negation scope: a contrast starts a new request ("don't cancel, just update...").
    static let scopeEnders: Set<String> = [
        "but", "just", "only", "instead", "rather", "and", "please", "though", "however", "so",
        "pero", "solo", "sino", "y", "porfavor",
        "mais", "juste", "seulement", "plutot", "et",
    ]

    /// How many words after a negator are marked as negated.
    static let negationScope = 3

    /// French and Spanish elisions split at the apostrophe (`l'abonnement` → `l abonnement`);
    /// other apostrophes join (`don't` → `dont`).
    static let elisions: Set<String> = [
        "l", "d", "j", "m", "n", "s", "t", "c", "qu", "jusqu", "lorsqu", "puisqu", "quoiqu",
    ]
}
