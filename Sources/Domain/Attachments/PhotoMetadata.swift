/// Removes from a photo everything but the picture, as the bytes stream past, before anything is stored. A JPEG
/// keeps its coding segments, its JFIF header, its ICC colour profile and Adobe's colour marker; every other
/// application segment (Exif with its GPS position, camera and time, XMP, IPTC, MPF, maker notes, and anything
/// else an application put there, wherever it is) and every comment goes, and so does whatever follows the end of
/// the picture (a second picture, a motion clip). A PNG keeps its critical chunks and the colour and size
/// chunks; every other chunk (eXIf, text, time, provenance, private chunks) goes, as does anything after IEND.
public protocol PhotoMetadataStripper: Sendable {
    /// The bytes to store for these input bytes (possibly fewer, possibly held back until more arrive).
    mutating func process(_ input: some Collection<UInt8>) throws(AttachmentRefusal) -> [UInt8]
    /// Throws when the photo ended part-way through its structure.
    func finish() throws(AttachmentRefusal)
    /// What was removed, for the person who uploaded it ("Exif and XMP (GPS location, camera…)").
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
        /// A segment's payload: copied as it comes, or (application segments and comments) gathered whole, at most
        /// 64 KB, so that its signature decides whether it stays.
        case copy(Int)
        case gather(marker: UInt8, length: [UInt8], payload: [UInt8], left: Int)
        /// The entropy-coded picture after a start of scan, up to the next marker.
        case scan(sawFF: Bool)
        case ended
    }

    private var state: State = .signature(0)
    public private(set) var removed: [String] = []

    public init() {}

    /// Whether an application segment is one the picture needs, by its marker and signature.
    static func keeps(marker: UInt8, payload: [UInt8]) -> Bool {
        func starts(_ text: String) -> Bool { payload.starts(with: Array(text.utf8)) }
        switch marker {
        case 0xE0: return starts("JFIF\u{0}")
        case 0xE2: return starts("ICC_PROFILE\u{0}")
        case 0xEE: return starts("Adobe")
        default: return false
        }
    }

    static func label(marker: UInt8, payload: [UInt8]) -> String {
        func starts(_ text: String) -> Bool { payload.starts(with: Array(text.utf8)) }
        if marker == 0xFE { return "comments" }
        if !(0xE0...0xEF).contains(marker) { return "reserved segments" }
        if starts("Exif") || starts("http://ns.adobe.com/xap") || starts("http://ns.adobe.com/xmp") {
            return "Exif and XMP (GPS location, camera, date and time, thumbnail)"
        }
        if starts("Photoshop") || marker == 0xED { return "IPTC (captions, places, people)" }
        if starts("MPF") { return "further pictures (multi-picture data)" }
        return "other application data"
    }

    private mutating func note(_ label: String) {
        if !removed.contains(label) { removed.append(label) }
    }

    /// After FF and a marker byte: what the marker starts.
    private mutating func begin(_ byte: UInt8, into output: inout [UInt8]) {
        switch byte {
        case 0xD9:
            output.append(contentsOf: [0xFF, 0xD9])
            state = .ended
        case 0xD0...0xD7, 0x01:
            output.append(contentsOf: [0xFF, byte])
            state = .markerStart
        default:
            state = .length(marker: byte, bytes: [])
        }
    }

    public mutating func process(_ input: some Collection<UInt8>) throws(AttachmentRefusal) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(input.count)
        var index = input.startIndex
        while index != input.endIndex {
            let byte = input[index]
            switch state {
            case .ended:
                // A second picture, a motion clip, anything appended: not stored.
                if !removed.contains("whatever followed the picture") { note("whatever followed the picture") }
                return output
            case let .signature(seen):
                guard byte == [0xFF, 0xD8][seen] else { throw .damaged }
                output.append(byte)
                state = seen == 1 ? .markerStart : .signature(seen + 1)
            case .markerStart:
                guard byte == 0xFF else { throw .damaged }
                state = .marker
            case .marker:
                if byte != 0xFF { begin(byte, into: &output) } // FF FF…: fill bytes before a marker
            case let .length(marker, bytes):
                let length = bytes + [byte]
                guard length.count == 2 else { state = .length(marker: marker, bytes: length); break }
                let size = Int(length[0]) << 8 | Int(length[1])
                guard size >= 2 else { throw .damaged }
                // Application segments and comments are judged whole; reserved markers (JPG, JPGn, DHP, EXP) carry no
                // picture this service shows, and go.
                if (0xE0...0xEF).contains(marker) || marker == 0xFE || [0xC8, 0xDE, 0xDF].contains(marker) || (0xF0...0xFD).contains(marker) {
                    state = .gather(marker: marker, length: length, payload: [], left: size - 2)
                    if size == 2 { try finishSegment(into: &output) }
                } else {
                    output.append(contentsOf: [0xFF, marker] + length)
                    state = size == 2 ? (marker == 0xDA ? .scan(sawFF: false) : .markerStart)
                        : .copy(marker == 0xDA ? -(size - 2) : size - 2)
                }
            case let .copy(left):
                // A negative count is a start-of-scan header: the picture's coded data follows it.
                let bytes = next(input, at: &index, upTo: abs(left))
                output.append(contentsOf: bytes)
                let rest = abs(left) - bytes.count
                state = rest > 0 ? .copy(left < 0 ? -rest : rest) : (left < 0 ? .scan(sawFF: false) : .markerStart)
                continue
            case let .gather(marker, length, payload, left):
                let bytes = next(input, at: &index, upTo: left)
                state = .gather(marker: marker, length: length, payload: payload + bytes, left: left - bytes.count)
                if left - bytes.count == 0 { try finishSegment(into: &output) }
                continue
            case let .scan(sawFF):
                if sawFF {
                    if byte == 0x00 || (0xD0...0xD7).contains(byte) {
                        output.append(contentsOf: [0xFF, byte]) // a stuffed FF, or a restart marker: still the picture
                        state = .scan(sawFF: false)
                    } else if byte != 0xFF {
                        begin(byte, into: &output) // the scan has ended: another segment, another scan, or the end
                    }
                } else if byte == 0xFF {
                    state = .scan(sawFF: true)
                } else {
                    // The coded data up to the next FF, in one copy.
                    let rest = input[index...]
                    let end = rest.firstIndex(of: 0xFF) ?? input.endIndex
                    output.append(contentsOf: input[index..<end])
                    index = end
                    continue
                }
            }
            index = input.index(after: index)
        }
        return output
    }

    private mutating func finishSegment(into output: inout [UInt8]) throws(AttachmentRefusal) {
        guard case let .gather(marker, length, payload, _) = state else { return }
        if Self.keeps(marker: marker, payload: payload) {
            // JFIF's header without its thumbnail (which can show the uncropped picture), Adobe's marker without
            // anything after it; the colour profile whole.
            var kept = payload
            if marker == 0xE0, payload.count >= 14 { kept = Array(payload.prefix(12)) + [0, 0] }
            if marker == 0xEE, payload.count > 12 { kept = Array(payload.prefix(12)) }
            if kept.count != payload.count { note("a thumbnail or data after a header") }
            let size = kept.count + 2
            output.append(contentsOf: [0xFF, marker, UInt8(size >> 8), UInt8(size & 0xFF)] + kept)
        } else {
            note(Self.label(marker: marker, payload: payload))
        }
        state = .markerStart
    }

    public func finish() throws(AttachmentRefusal) {
        if case .ended = state { return }
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
    /// The picture, its palette and transparency, and how to show its colours and size: nothing about a place, a
    /// person, a device or a time.
    static let kept: Set<String> = ["IHDR", "PLTE", "IDAT", "IEND", "tRNS", "cHRM", "gAMA", "iCCP", "sBIT", "sRGB",
                                    "cICP", "mDCv", "cLLi", "bKGD", "hIST", "pHYs"]
    /// The most each small chunk holds by its definition: one carrying more is carrying something else, and goes.
    static let largest: [String: Int] = [
        "sRGB": 1, "gAMA": 4, "pHYs": 9, "cHRM": 32, "sBIT": 4, "bKGD": 6, "tRNS": 256, "hIST": 512, "cICP": 4,
        "cLLi": 8, "mDCv": 24, "IEND": 0, "IHDR": 13,
    ]
    private static let labels: [String: String] = [
        "eXIf": "Exif (GPS location, camera, date and time)", "tEXt": "text notes", "zTXt": "text notes",
        "iTXt": "text notes and XMP", "tIME": "the time it was last changed",
    ]

    private var state: State = .signature(0)
    private var sawEnd = false
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
                if !removed.contains("whatever followed the picture") { removed.append("whatever followed the picture") }
                return output
            case let .signature(seen):
                guard byte == Self.signature[seen] else { throw .damaged }
                output.append(byte)
                state = seen == 7 ? .header([]) : .signature(seen + 1)
            case let .header(bytes):
                let header = bytes + [byte]
                guard header.count == 8 else { state = .header(header); break }
                let length = Int(header[0]) << 24 | Int(header[1]) << 16 | Int(header[2]) << 8 | Int(header[3])
                guard length <= 0x7FFF_FFFF else { throw .damaged }
                let type = String(decoding: header[4..<8], as: UTF8.self)
                if Self.kept.contains(type), Self.largest[type].map({ length <= $0 }) ?? true {
                    output.append(contentsOf: header)
                    sawEnd = type == "IEND"
                    state = .copy(length + 4)
                } else {
                    let label = Self.labels[type] ?? "other chunks (\(type.filter { $0.isLetter }))"
                    if !removed.contains(label) { removed.append(label) }
                    state = .skip(length + 4)
                }
            case let .copy(left):
                let bytes = next(input, at: &index, upTo: left)
                output.append(contentsOf: bytes)
                let rest = left - bytes.count
                state = rest > 0 ? .copy(rest) : (sawEnd ? .ended : .header([]))
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
