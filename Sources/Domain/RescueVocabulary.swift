import Foundation

/// How a rescue ended (SPEC §2.3). The raw values are stored and reported.
public enum RescueOutcome: String, CaseIterable, Codable, Sendable {
    case home
    case safeAccommodation = "safe_accommodation"
    case hospital
    case declined

    public var label: String {
        switch self {
        case .home: "Home"
        case .safeAccommodation: "Safe accommodation"
        case .hospital: "Hospital"
        case .declined: "Declined"
        }
    }

    /// A finished rescue has its arrival, or its response time is lost from the report for good; only a young
    /// person who declined may never have been reached.
    public var needsArrival: Bool { self != .declined }
}

/// How the young person travelled home from a rescue.
public enum RescueJourneyMode: String, CaseIterable, Codable, Sendable {
    case train
    case car
    case taxi
    case policeTransport = "police_transport"
    case other

    public var label: String {
        switch self {
        case .train: "Train"
        case .car: "Car"
        case .taxi: "Taxi"
        case .policeTransport: "Police transport"
        case .other: "Other"
        }
    }
}
