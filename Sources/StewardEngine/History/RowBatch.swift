import GRDB
import GRDBSQLite
import StewardCore

/// Rows for one prepared `INSERT … VALUES (…), (…), …`, bound straight to
/// SQLite. Texts are copied into one arena per statement and bound in place
/// (`SQLITE_STATIC`): with `SQLITE_TRANSIENT` SQLite copied each value
/// itself, about 600 instructions a value, most of them in its allocator;
/// GRDB's `execute(arguments:)` cost some 18,000 instructions a row.
///
/// ```swift
/// var batch = RowBatch()
/// batch.int(runID)
/// batch.text("models/a.yaml")
/// try batch.run(statement, in: db)   // binds ?1, ?2 and steps once
/// ```
struct RowBatch {
  private enum Slot {
    case int(Int64)
    case double(Double)
    case text(offset: Int, count: Int)
  }

  private var slots: [Slot] = []
  private var arena = ByteBuffer(capacity: 16 * 1024)

  mutating func int(_ value: Int64) { slots.append(.int(value)) }

  mutating func int(_ value: Int) { slots.append(.int(Int64(value))) }

  mutating func double(_ value: Double) { slots.append(.double(value)) }

  /// With its length, so that a NUL inside is kept.
  mutating func text(_ value: String) {
    var value = value
    value.withUTF8 { bytes in
      slots.append(.text(offset: arena.count, count: bytes.count))
      arena.append(bytes)
    }
  }

  /// Binds the values to `statement`'s parameters in order, runs it once,
  /// and empties the batch for the next rows. The statement is reset and
  /// its bindings cleared before this returns, so no pointer into the arena
  /// outlives the call.
  mutating func run(_ statement: Statement, in db: Database) throws {
    let handle = statement.sqliteStatement
    let code: Int32 = arena.withUnsafeBytes { bytes in
      defer {
        sqlite3_reset(handle)
        sqlite3_clear_bindings(handle)
      }
      for i in slots.indices {
        let column = Int32(i + 1)
        let bound: Int32
        switch slots[i] {
        case .int(let value): bound = sqlite3_bind_int64(handle, column, value)
        case .double(let value): bound = sqlite3_bind_double(handle, column, value)
        case .text(let offset, let count):
          // A null pointer would bind NULL; empty text is "".
          guard let base = bytes.baseAddress else {
            bound = sqlite3_bind_text64(handle, column, "", 0, nil, UInt8(SQLITE_UTF8))
            break
          }
          bound = UnsafeRawPointer(base + offset).withMemoryRebound(
            to: CChar.self, capacity: max(count, 1)
          ) { sqlite3_bind_text64(handle, column, $0, UInt64(count), nil, UInt8(SQLITE_UTF8)) }
        }
        guard bound == SQLITE_OK else { return bound }
      }
      return sqlite3_step(handle)
    }
    slots.removeAll(keepingCapacity: true)
    arena.removeAll(keepingCapacity: true)
    guard code == SQLITE_DONE else {
      throw DatabaseError(
        resultCode: ResultCode(rawValue: code), message: db.lastErrorMessage, sql: statement.sql)
    }
  }
}
