import Domain
import Foundation
import Testing

@Suite("Alert rules: chains, cover, retries, numbers, replies, and messages with nothing personal in them")
struct AlertRulesTests {
    static let t0 = Date(timeIntervalSince1970: 1_800_000_000)
    static func at(_ hours: Double) -> Date { t0.addingTimeInterval(hours * 3600) }

    @Test("Every chain ends with the national lead; a silent alarm never reaches the worker", arguments: AlertKind.allCases)
    func chains(kind: AlertKind) {
        let everyone = kind.chain.flatMap { $0 }
        #expect(everyone.contains(.nationalLead))
        if kind == .duress || kind == .helpByText { #expect(!everyone.contains(.worker)) }
        if kind == .loneWorkingOverdue { #expect(kind.chain.first == [.worker]) }
        #expect(AlertKind.unroutedChain == [[.nationalLead]])
    }

    @Test("Gaps in cover", arguments: [
        // (shifts as (role, from hour, to hour), expected gaps as (role, from, to)) over 0..24 for the manager's place
        ([], [(0.0, 24.0)]),
        ([(0.0, 24.0)], []),
        ([(0.0, 8.0), (8.0, 24.0)], []),
        ([(0.0, 8.0), (9.0, 24.0)], [(8.0, 9.0)]),
        ([(2.0, 10.0), (4.0, 6.0), (9.0, 12.0)], [(0.0, 2.0), (12.0, 24.0)]),
        ([(-5.0, 30.0)], []),
        ([(0.0, 8.0), (8.0 + 30.0 / 3600, 24.0)], []),
    ] as [([(Double, Double)], [(Double, Double)])])
    func gaps(shifts: [(Double, Double)], expected: [(Double, Double)]) {
        let rota = shifts.map { OnCallShift(role: .manager, start: Self.at($0.0), end: Self.at($0.1)) }
            + [OnCallShift(role: .second, start: Self.at(-1), end: Self.at(25))]
        let found = OnCallCover.gaps(rota, from: Self.at(0), to: Self.at(24), roles: [.manager, .second])
        #expect(found == expected.map { OnCallCover.Gap(role: .manager, start: Self.at($0.0), end: Self.at($0.1)) })
    }

    @Test("Retries wait longer each time, never more than 15 minutes")
    func retries() {
        let waits = (1...12).map(RetryPolicy.delay(afterAttempt:))
        #expect(waits.first == 30 && waits.last == 900)
        #expect(zip(waits, waits.dropFirst()).allSatisfy { $0 <= $1 })
    }

    @Test("Numbers as people type them", arguments: [
        ("07700 900123", "+447700900123"), ("+44 (0)7700 900123", "+447700900123"), ("+44 7700-900-123", "+447700900123"),
        ("0044 7700 900123", "+447700900123"), ("+1 415 555 0100", "+14155550100"),
        ("7700900123", nil), ("+44 7700 9001٢٣", nil), ("call me", nil), ("+0123456789", nil), ("0", nil),
    ] as [(String, String?)])
    func numbers(typed: String, expected: String?) {
        #expect(PhoneNumber.normalise(typed) == expected)
    }

    @Test("Only a plain OK acknowledges; a cry for help never does", arguments: [
        ("OK", SMSReply.acknowledge(reference: nil)), ("ok.", .acknowledge(reference: nil)), (" Okay, on my way", .acknowledge(reference: nil)),
        ("safe", .acknowledge(reference: nil)), ("ok👍", .acknowledge(reference: nil)), ("OK thanks, all good", .acknowledge(reference: nil)),
        ("ok AL-88a228", .acknowledge(reference: "AL-88A228")), ("OK al-xbg9y4 seen", .acknowledge(reference: "AL-XBG9Y4")),
        ("Ok not safe, send help", .help), ("HELP", .help), ("not safe, help", .help), ("OK OK OK NOT", .help), ("no", .help),
        ("", .other), ("who is this", .other), ("ok but he is outside", .other), ("K", .acknowledge(reference: nil)), ("OK?", .other),
    ])
    func replies(body: String, meaning: SMSReply) {
        #expect(SMSReply.meaning(of: body) == meaning)
    }

    @Test("A message is built from the kind, a reference and a link only", arguments: AlertKind.allCases)
    func messages(kind: AlertKind) {
        let reference = AlertReference.random()
        #expect(reference.value.count == 9 && reference.value.hasPrefix("AL-"))
        for worker in [true, false] {
            let message = AlertMessage(kind: kind, reference: reference, link: "https://r.example/alerts/ack/T", toTheWorker: worker)
            #expect(message.text.contains(reference.value) && message.text.contains("https://r.example/alerts/ack/T"))
            #expect(message.text.count <= 320, "two text messages at most")
            #expect(!message.spoken.contains("http"), "a call does not read out a link")
        }
    }

    @Test("Channels keep their order, drop unknown words and repeats")
    func channels() {
        #expect(AlertChannel.parse("email, sms,fax,sms") == [.email, .sms])
        #expect(AlertChannel.store([.sms, .voice]) == "sms,voice")
    }
}
