@testable import App
import Foundation
import NIOCore
import NIOHTTP1
import VaporTesting

/// Calling the JSON API as another system would: a bearer token, JSON bodies, no cookies.
enum APITestSupport {
    /// A token for `account`, issued as the account page issues them.
    static func token(_ app: Application, for account: Account, readOnly: Bool = false, days: Int = 30) async throws -> String {
        let issued = try await APITokens.issue(userID: account.id, name: "test feed", days: days, readOnly: readOnly,
                                               entry: AuditEntry(action: .apiTokenCreated, actor: "test"),
                                               now: app.clock.now(), writes: app.writes, on: app.db)
        return issued.secret
    }

    static func send(_ app: Application, _ method: HTTPMethod, _ path: String, token: String?, json: String? = nil,
                     headers extra: HTTPHeaders = [:]) async throws -> TestingHTTPResponse {
        var headers = extra
        if let token { headers.replaceOrAdd(name: .authorization, value: "Bearer \(token)") }
        var body: ByteBuffer?
        if let json {
            if headers.first(name: .contentType) == nil { headers.replaceOrAdd(name: .contentType, value: "application/json") }
            body = ByteBuffer(string: json)
        }
        return try await app.testing().sendRequest(method, path, headers: headers, body: body)
    }

    static func object(_ response: TestingHTTPResponse) throws -> [String: Any] {
        guard let object = try JSONSerialization.jsonObject(with: Data(response.body.readableBytesView)) as? [String: Any] else {
            throw APITestError.notAnObject(response.body.string)
        }
        return object
    }

    static func json(_ value: [String: Any]) -> String {
        String(decoding: try! JSONSerialization.data(withJSONObject: value, options: [.sortedKeys]), as: UTF8.self)
    }

    /// A referral as a police force's system would send it: eligible for West Midlands.
    static func referral(firstName: String = "Jordan", lastName: String = "Smith", dateOfBirth: String = "2008-02-29",
                         homeLocalAuthority: String = "birmingham") -> [String: Any] {
        ["receivedDate": "2024-05-01", "service": "support", "referralSource": "police",
         "referrerOrganisation": "West Midlands Police", "firstName": firstName, "lastName": lastName,
         "aliases": ["JJ"], "dateOfBirth": dateOfBirth, "gender": "male", "homeLocalAuthority": homeLocalAuthority,
         "exploitationTypes": ["county_lines"], "riskIndicators": [], "consent": "given",
         "concerns": "Found with cash and two phones at New Street station."]
    }
}

enum APITestError: Error { case notAnObject(String) }
