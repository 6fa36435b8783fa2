import Foundation
import Fluent
import SQLKit
import NIOConcurrencyHelpers
import NIOCore
import Vapor

/// A case page as rendered, split where its list of who has looked at the case goes: that list changes with
/// every view, so it is read and put in for each response, while the rest may be kept (`RenderedCasePages`).
struct RenderedCasePage: Sendable {
    /// Where the list goes; the template writes it in the manager's section. Text from the records cannot make
    /// it, since Leaf escapes their `<`.
    static let viewersSlot = "<!--reachable:viewers-->"

    let caseID: UUID
    let regionCode: String
    let head: ByteBuffer
    /// After the slot; nil when the page has none (anyone but a manager of the case's region).
    let tail: ByteBuffer?

    init(caseID: UUID, regionCode: String, rendered: ByteBuffer) {
        self.caseID = caseID
        self.regionCode = regionCode
        let bytes = rendered.readableBytesView
        if let range = bytes.firstRange(of: Self.viewersSlot.utf8) {
            let start = bytes.distance(from: bytes.startIndex, to: range.lowerBound)
            let end = bytes.distance(from: bytes.startIndex, to: range.upperBound)
            head = rendered.getSlice(at: rendered.readerIndex, length: start)!
            tail = rendered.getSlice(at: rendered.readerIndex + end, length: rendered.readableBytes - end)!
        } else {
            head = rendered
            tail = nil
        }
    }

    var bytes: Int { head.readableBytes + (tail?.readableBytes ?? 0) }

    /// The page with the latest viewers in their slot.
    func response(for req: Request, status: HTTPStatus = .ok) async throws -> Response {
        var body = head
        if let tail {
            var list = try await CaseViewers.render(caseID: caseID, for: req)
            body = req.byteBufferAllocator.buffer(capacity: head.readableBytes + list.readableBytes + tail.readableBytes)
            var head = self.head
            var tail = tail
            body.writeBuffer(&head)
            body.writeBuffer(&list)
            body.writeBuffer(&tail)
        }
        return Response(status: status, headers: ["Content-Type": "text/html; charset=utf-8"], body: .init(buffer: body))
    }
}

/// The last fifty views of a case, for its region's managers.
struct CaseViewers: Encodable {
    struct Viewer: Encodable {
        let who: String
        let when: String
    }

    let viewers: [Viewer]

    /// The list as HTML. Requests that arrive together see the same list (their own views commit together,
    /// `AuditQueue`), so the last list rendered for each case is reused while its newest view is the same one.
    static func render(caseID: UUID, for req: Request) async throws -> ByteBuffer {
        let rows = try await (req.db as! any SQLDatabase).raw("""
            SELECT seq, actor, at FROM audit_events
            WHERE object_type = 'case' AND object_id = \(bind: caseID.uuidString) AND action = 'case.viewed'
            ORDER BY seq DESC LIMIT 50
            """).all(decoding: Row.self)
        let newest = rows.first?.seq ?? 0
        let lists = req.application.renderedCasePages
        if let list = lists.viewers(of: caseID, newest: newest) { return list }
        let viewers = rows.map { row in
            // "2026-11-29T07:47:08.123Z" → "2026-11-29 07:47"
            let minute = row.at.prefix(16)
            return Viewer(who: row.actor, when: String(minute.prefix(10)) + " " + String(minute.dropFirst(11)))
        }
        let list = try await req.view.render("cases/viewers", CaseViewers(viewers: viewers)).data
        lists.keepViewers(list, of: caseID, newest: newest)
        return list
    }

    private struct Row: Decodable {
        let seq: Int
        let actor: String
        let at: String
    }
}

/// Case pages kept in memory for the session that viewed them, so that opening a case again (after a form, the
/// back button, a reload) does not read and render it all again.
///
/// A kept page is served only for the same key, and the key holds everything the page depends on:
/// - the session: a page is only ever served to the session whose access to the case was checked when it was
///   rendered (`RegionScope.findCase`), never to another person or another sign-in;
/// - the data revision (`DataRevision`): every write transaction replaces it, so a change to the case, its
///   young person, its staff, or to the user's own role or region, makes every kept page unreachable;
/// - the minute: the forms' default times and today's capacity come from the clock;
/// - what the layout shows per request: the overdue lone-working alerts (its CSRF token is the session's).
/// The list of who has looked at the case is never kept (`RenderedCasePage`). At most `capacity` bytes are kept;
/// the least recently used page goes first, and every page of an older revision goes as soon as a newer one is seen.
final class RenderedCasePages: Sendable {
    struct Key: Hashable, Sendable {
        let session: UUID
        let caseID: UUID
        let revision: String
        let minute: Int64
        /// The overdue lone-working alerts the layout shows, read per request.
        let alerts: [String]
    }

    private struct State {
        var revision = ""
        var pages: [Key: (page: RenderedCasePage, used: UInt64)] = [:]
        var bytes = 0
        var uses: UInt64 = 0
        var rendering: [Key: Task<RenderedCasePage, any Error>] = [:]
    }

    /// The last list of viewers rendered for each case, with the audit sequence number of its newest view. Not
    /// per session: every manager of the region sees the same list.
    private let viewerLists = NIOLockedValueBox([UUID: (newest: Int, list: ByteBuffer)]())

    let capacity: Int
    private let state = NIOLockedValueBox(State())

    init(capacity: Int = 32 << 20) { self.capacity = capacity }

    /// The kept page for the key, else one rendered by `render` and kept. Requests that ask for the same key while
    /// it is being rendered wait for that rendering rather than each rendering it (after a write, or at the turn
    /// of a minute, a busy session's requests would otherwise all render at once). If that rendering fails, each
    /// waiting request renders for itself, so that a refusal is audited for every request refused.
    func page(for key: Key, render: @escaping @Sendable () async throws -> RenderedCasePage) async throws -> RenderedCasePage {
        enum Found { case kept(RenderedCasePage), rendering(Task<RenderedCasePage, any Error>), started(Task<RenderedCasePage, any Error>) }
        let found: Found = state.withLockedValue { state in
            if state.pages[key] != nil {
                state.uses += 1
                state.pages[key]!.used = state.uses
                return .kept(state.pages[key]!.page)
            }
            if let task = state.rendering[key] { return .rendering(task) }
            let task = Task { try await render() }
            state.rendering[key] = task
            return .started(task)
        }
        switch found {
        case let .kept(page):
            return page
        case let .rendering(task):
            if let page = try? await task.value { return page }
            return try await render()
        case let .started(task):
            do {
                let page = try await task.value
                let capacity = capacity
                state.withLockedValue { state in
                    state.rendering[key] = nil
                    Self.keep(page, for: key, in: &state, capacity: capacity)
                }
                return page
            } catch {
                state.withLockedValue { $0.rendering[key] = nil }
                throw error
            }
        }
    }

    private static func keep(_ page: RenderedCasePage, for key: Key, in state: inout State, capacity: Int) {
        guard page.bytes <= capacity else { return }
        if key.revision != state.revision {
            state = State(revision: key.revision, uses: state.uses, rendering: state.rendering)
        }
        state.uses += 1
        if let old = state.pages.updateValue((page, state.uses), forKey: key) { state.bytes -= old.page.bytes }
        state.bytes += page.bytes
        while state.bytes > capacity, let oldest = state.pages.min(by: { $0.value.used < $1.value.used }) {
            state.pages[oldest.key] = nil
            state.bytes -= oldest.value.page.bytes
        }
    }

    var count: Int { state.withLockedValue { $0.pages.count } }

    func viewers(of caseID: UUID, newest: Int) -> ByteBuffer? {
        viewerLists.withLockedValue { lists in lists[caseID].flatMap { $0.newest == newest ? $0.list : nil } }
    }

    func keepViewers(_ list: ByteBuffer, of caseID: UUID, newest: Int) {
        viewerLists.withLockedValue { lists in
            // A few hundred cases at most; beyond that start again rather than track their use.
            if lists.count >= 512 { lists.removeAll() }
            lists[caseID] = (newest, list)
        }
    }

    static func key(_ req: Request, user: CurrentUser, caseID: UUID, revision: String) -> Key {
        // The layout's CSRF token is the session's own, so the session already names it.
        let alerts = (req.storage[OverdueVisitsKey.self] ?? []).map { $0.text + "\u{1F}" + $0.href }
        return Key(session: user.sessionID, caseID: caseID, revision: revision,
                   minute: Int64((req.now.timeIntervalSince1970 / 60).rounded(.down)), alerts: alerts)
    }
}

extension Application {
    private struct RenderedCasePagesKey: StorageKey { typealias Value = RenderedCasePages }

    var renderedCasePages: RenderedCasePages {
        get {
            guard let pages = storage[RenderedCasePagesKey.self] else { fatalError("configure has not set the case page store") }
            return pages
        }
        set { storage[RenderedCasePagesKey.self] = newValue }
    }
}
