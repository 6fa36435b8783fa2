import Fluent
import NIOCore
import Vapor

/// Two databases a report reads from at once. On SQLite each event loop has its own connection, so two readers
/// on different loops run their statements on two cores; on PostgreSQL they are two pooled connections.
struct ReportReaders: Sendable {
    let first: any Database
    let second: any Database
}

extension Application {
    /// The database on another event loop than `loop` (the same one when there is only one loop), logging to
    /// `logger` so that its queries count as the request's.
    func database(besides loop: any EventLoop, logger: Logger) -> any Database {
        otherDatabase(besides: loop, logger: logger) ?? databases.database(logger: logger, on: loop)!
    }

    /// The database on another event loop than `loop`, so another SQLite connection; nil with only one loop.
    func otherDatabase(besides loop: any EventLoop, logger: Logger) -> (any Database)? {
        eventLoopGroup.makeIterator().first { $0 !== loop }.flatMap { databases.database(logger: logger, on: $0) }
    }

    /// For commands: the database of one event loop, and that of another loop when there is one.
    var databaseAndReader: (db: any Database, reader: (any Database)?) {
        let loop = eventLoopGroup.makeIterator().first { _ in true }!
        return (databases.database(logger: logger, on: loop)!, otherDatabase(besides: loop, logger: logger))
    }

    /// For commands: readers on the first two event loops (one, twice, when there is only one).
    var reportReaders: ReportReaders {
        let (db, reader) = databaseAndReader
        return ReportReaders(first: db, second: reader ?? db)
    }
}

extension Request {
    var reportReaders: ReportReaders {
        ReportReaders(first: db, second: application.database(besides: eventLoop, logger: logger))
    }
}
