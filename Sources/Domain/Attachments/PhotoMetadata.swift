/// Removes what a photo says about where and when it was taken and with what, as the bytes stream past, before
/// anything is stored: from a JPEG, the APP1 segments (Exif: GPS position, camera make and model, date and time,
/// the embedded thumbnail; and XMP), APP13 (IPTC and Photoshop captions, place names) and comments; from a PNG,
/// the `eXIf`, `tEXt`, `zTXt`, `iTXt` and `tIME` chunks. The picture itself, its colour profile and its size are
/// kept byte for byte.
public protocol PhotoMetadataStripper: Sendable {
    /// The bytes to store for these input bytes (possibly fewer, possibly held back until more arrive).
    mutating func process(_ input: some Collection<UInt8>) throws(AttachmentRefusal) -> [UInt8]
    /// Throws when the photo ended part-way through its structure.
    func finish() throws(AttachmentRefusal)
    /// What was removed, for the person who uploaded it ("Exif (GPS location, camera, time)").
    var removed: [String] { get }
}

/// The next `count` bytes of `input` from `index` (fewer at its end: the rest comes with later input); `index`
/// moves past them.
func next<C: Collection<UInt8>>(_ input: C, at index: inout C.Index, upTo count: Int) -> C.SubSequence {
    let end = input.index(index, offsetBy: count, limitedBy: input.endIndex) ?? input.endIndex
    defer { index = end }
    return input[index..<end]
}

public struct JPEGMetadataStripper: PhotoMetadataStripper {
    private enum State: Sendable {
        case signature(Int)
        case markerStart
        case marker
        case length(marker: UInt8, bytes: [UInt8])
        case copy(Int)
        case skip(Int)
        case passthrough
    }

    private var state: State = .signature(0)
    public private(set) var removed: [String] = []

    public init() {}

    private static func label(of marker: UInt8) -> String? {
        switch marker {
        case 0xE1: "Exif and XMP (GPS location, camera, date and time, thumbnail)"
        case 0xED: "IPTC (captions, places, people)"
        case 0xFE: "comments"
        default: nil
        }
    }

    public mutating func process(_ input: some Collection<UInt8>) throws(AttachmentRefusal) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(input.count)
        var index = input.startIndex
        while index != input.endIndex {
            let byte = input[index]
            switch state {
            case .passthrough:
                output.append(contentsOf: input[index...])
                return output
            case let .signature(seen):
                guard byte == [0xFF, 0xD8][seen] else { throw .damaged }
                output.append(byte)
                state = seen == 1 ? .markerStart : .signature(seen + 1)
            case .markerStart:
                guard byte == 0xFF else { throw .damaged }
                state = .marker
            case .marker:
                if byte == 0xFF { break } // fill bytes before a marker
                if byte == 0xD9 || (0xD0...0xD7).contains(byte) || byte == 0x01 {
                    output.append(contentsOf: [0xFF, byte])
                    state = byte == 0xD9 ? .passthrough : .markerStart
                } else {
                    state = .length(marker: byte, bytes: [])
                }
            case let .length(marker, bytes):
                let length = bytes + [byte]
                guard length.count == 2 else { state = .length(marker: marker, bytes: length); break }
                let size = Int(length[0]) << 8 | Int(length[1])
                guard size >= 2 else { throw .damaged }
                if let label = Self.label(of: marker) {
                    if !removed.contains(label) { removed.append(label) }
                    state = size == 2 ? .markerStart : .skip(size - 2)
                } else {
                    output.append(contentsOf: [0xFF, marker] + length)
                    // After the start of scan comes the picture itself: copied as it is.
                    state = marker == 0xDA ? (size == 2 ? .passthrough : .copy(-(size - 2))) : (size == 2 ? .markerStart : .copy(size - 2))
                }
            case let .copy(left):
                // A negative count copies the start-of-scan header, then the rest passes through.
                let bytes = next(input, at: &index, upTo: abs(left))
                output.append(contentsOf: bytes)
                let rest = abs(left) - bytes.count
                state = rest > 0 ? .copy(left < 0 ? -rest : rest) : (left < 0 ? .passthrough : .markerStart)
                continue
            case let .skip(left):
                let rest = left - next(input, at: &index, upTo: left).count
                state = rest > 0 ? .skip(rest) : .markerStart
                continue
            }
            index = input.index(after: index)
        }
        return output
    }

    public func finish() throws(AttachmentRefusal) {
        if case .passthrough = state { return }
        throw .damaged
    }
}

public struct PNGMetadataStripper: PhotoMetadataStripper {
    private enum State: Sendable {
        case signature(Int)
        case header([UInt8])
        case copy(Int)
        case skip(Int)
        case ended
    }

    private static let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
    private static let dropped: [String: String] = [
        "eXIf": "Exif (GPS location, camera, date and time)", "tEXt": "text notes", "zTXt": "text notes",
        "iTXt": "text notes and XMP", "tIME": "the time it was last changed",
    ]

    private var state: State = .signature(0)
    public private(set) var removed: [String] = []

    public init() {}

    public mutating func process(_ input: some Collection<UInt8>) throws(AttachmentRefusal) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(input.count)
        var index = input.startIndex
        while index != input.endIndex {
            let byte = input[index]
            switch state {
            case .ended:
                // Bytes after IEND belong to no chunk: not stored.
                return output
            case let .signature(seen):
                guard byte == Self.signature[seen] else { throw .damaged }
                output.append(byte)
                state = seen == 7 ? .header([]) : .signature(seen + 1)
            case let .header(bytes):
                let header = bytes + [byte]
                guard header.count == 8 else { state = .header(header); break }
                let length = Int(header[0]) << 24 | Int(header[1]) << 16 | Int(header[2]) << 8 | Int(header[3])
                guard length >= 0, length <= 0x7FFF_FFFF else { throw .damaged }
                let type = String(decoding: header[4..<8], as: UTF8.self)
                if let label = Self.dropped[type] {
                    if !removed.contains(label) { removed.append(label) }
                    state = .skip(length + 4)
                } else {
                    output.append(contentsOf: header)
                    state = type == "IEND" ? .copy(-(length + 4)) : .copy(length + 4)
                }
            case let .copy(left):
                // A negative count copies the last chunk (IEND); nothing after it is kept.
                let bytes = next(input, at: &index, upTo: abs(left))
                output.append(contentsOf: bytes)
                let rest = abs(left) - bytes.count
                state = rest > 0 ? .copy(left < 0 ? -rest : rest) : (left < 0 ? .ended : .header([]))
                continue
            case let .skip(left):
                let rest = left - next(input, at: &index, upTo: left).count
                state = rest > 0 ? .skip(rest) : .header([])
                continue
            }
            index = input.index(after: index)
        }
        return output
    }

    public func finish() throws(AttachmentRefusal) {
        if case .ended = state { return }
        throw .damaged
    }
}
