#if canImport(Glibc)
    import Glibc
#endif

/// The process's heap.
enum Memory {
    /// Gives free heap pages back to the system (glibc's `malloc_trim(0)`, looked up at run time: Swift's Glibc
    /// module does not declare it). Training the classifier allocates tens of megabytes that are free once it is
    /// done; without this they stay in the resident set of an idle server.
    static func returnFreePages() {
        #if canImport(Glibc)
            typealias Trim = @convention(c) (Int) -> Int32
            guard let symbol = dlsym(nil, "malloc_trim") else { return }
            _ = unsafeBitCast(symbol, to: Trim.self)(0)
        #endif
    }
}
