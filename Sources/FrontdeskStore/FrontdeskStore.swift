// \(m) module.
