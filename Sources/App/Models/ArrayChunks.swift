extension Array {
    /// The array in consecutive slices of at most `size`: multi-row statements and `IN` lists are sent in chunks
    /// that stay under the databases' limits on bound parameters.
    func chunked(into size: Int) -> [ArraySlice<Element>] {
        stride(from: 0, to: count, by: size).map { self[$0..<Swift.min($0 + size, count)] }
    }
}
