using MedCoord.Engine.Storage;
using Microsoft.Data.Sqlite;
using NodaTime;
using NodaTime.Text;

namespace MedCoord.Engine.Audit;

/// <summary>
/// The audit trail in the engine's SQLite database (table <c>audit_log</c>). Appending takes the write lock, so
/// concurrent writers chain one after another; the last write is also kept apart so that a deleted tail is caught.
/// Thread safe.
/// </summary>
public sealed class SqliteAuditLog
{
    private const string SelectAll = "SELECT sequence, at, actor, entity_type, entity_id, action, previous_hash, hash FROM audit_log ORDER BY sequence";

    private readonly SqliteDatabase _database;
    private readonly IClock _clock;

    /// <summary>Creates the log over a database.</summary>
    /// <param name="database">The database.</param>
    /// <param name="clock">Where entries' times come from.</param>
    public SqliteAuditLog(SqliteDatabase database, IClock clock)
    {
        ArgumentNullException.ThrowIfNull(database);
        ArgumentNullException.ThrowIfNull(clock);
        _database = database;
        _clock = clock;
    }

    /// <summary>Appends one entry, chained to the last.</summary>
    /// <param name="actor">Who: an opaque id.</param>
    /// <param name="entityType">What kind of thing changed.</param>
    /// <param name="entityId">Its opaque id.</param>
    /// <param name="action">What happened, as a code.</param>
    /// <returns>The entry written.</returns>
    public AuditEntry Append(string actor, string entityType, string entityId, string action)
    {
        using var connection = _database.Connect();
        using var transaction = connection.BeginTransaction(deferred: false);
        var entry = Append(connection, transaction, actor, entityType, entityId, action);
        transaction.Commit();
        return entry;
    }

    /// <summary>Appends within a caller's transaction, so that a change and its audit entry commit together.</summary>
    internal AuditEntry Append(SqliteConnection connection, SqliteTransaction transaction, string actor, string entityType, string entityId, string action)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(actor);
        ArgumentException.ThrowIfNullOrWhiteSpace(entityType);
        ArgumentException.ThrowIfNullOrWhiteSpace(entityId);
        ArgumentException.ThrowIfNullOrWhiteSpace(action);
        using var read = connection.CreateCommand();
        read.Transaction = transaction;
        read.CommandText = "SELECT sequence, hash FROM audit_tip WHERE id = 1";
        var (sequence, previous) = (1L, AuditEntry.GenesisHash);
        using (var reader = read.ExecuteReader())
        {
            if (reader.Read())
            {
                (sequence, previous) = (reader.GetInt64(0) + 1, reader.GetString(1));
            }
        }

        var at = _clock.GetCurrentInstant();
        var entry = new AuditEntry(sequence, at, actor, entityType, entityId, action, previous,
            AuditEntry.ComputeHash(sequence, at, actor, entityType, entityId, action, previous));
        using var write = connection.CreateCommand();
        write.Transaction = transaction;
        write.CommandText = """
            INSERT INTO audit_log (sequence, at, actor, entity_type, entity_id, action, previous_hash, hash)
            VALUES ($sequence, $at, $actor, $entityType, $entityId, $action, $previous, $hash);
            INSERT INTO audit_tip (id, sequence, hash) VALUES (1, $sequence, $hash)
            ON CONFLICT (id) DO UPDATE SET sequence = excluded.sequence, hash = excluded.hash;
            """;
        write.Parameters.AddWithValue("$sequence", entry.Sequence);
        write.Parameters.AddWithValue("$at", InstantPattern.ExtendedIso.Format(entry.At));
        write.Parameters.AddWithValue("$actor", entry.Actor);
        write.Parameters.AddWithValue("$entityType", entry.EntityType);
        write.Parameters.AddWithValue("$entityId", entry.EntityId);
        write.Parameters.AddWithValue("$action", entry.Action);
        write.Parameters.AddWithValue("$previous", entry.PreviousHash);
        write.Parameters.AddWithValue("$hash", entry.Hash);
        write.ExecuteNonQuery();
        return entry;
    }

    /// <summary>Every entry, in sequence order.</summary>
    /// <returns>The entries.</returns>
    /// <exception cref="FormatException">A stored time is not an ISO instant (the row was edited).</exception>
    public IReadOnlyList<AuditEntry> Read()
    {
        using var connection = _database.Connect();
        return ReadAll(connection);
    }

    /// <summary>Checks the whole chain and the recorded last write.</summary>
    /// <returns>Intact, or the first bad entry and what is wrong.</returns>
    public AuditVerification Verify()
    {
        using var connection = _database.Connect();
        var entries = new List<AuditEntry>();
        using (var read = connection.CreateCommand())
        {
            read.CommandText = SelectAll;
            using var reader = read.ExecuteReader();
            while (reader.Read())
            {
                var at = InstantPattern.ExtendedIso.Parse(reader.GetString(1));
                if (!at.Success)
                {
                    return new AuditVerification(false, entries.Count, reader.GetInt64(0), $"entry {reader.GetInt64(0)} has an unreadable time: edited");
                }

                entries.Add(ToEntry(reader, at.Value));
            }
        }

        using var tip = connection.CreateCommand();
        tip.CommandText = "SELECT sequence, hash FROM audit_tip WHERE id = 1";
        using var tipReader = tip.ExecuteReader();
        (long, string)? last = tipReader.Read() ? (tipReader.GetInt64(0), tipReader.GetString(1)) : (0L, AuditEntry.GenesisHash);
        return AuditChain.Verify(entries, last);
    }

    private static List<AuditEntry> ReadAll(SqliteConnection connection)
    {
        using var read = connection.CreateCommand();
        read.CommandText = SelectAll;
        using var reader = read.ExecuteReader();
        var entries = new List<AuditEntry>();
        while (reader.Read())
        {
            entries.Add(ToEntry(reader, InstantPattern.ExtendedIso.Parse(reader.GetString(1)).GetValueOrThrow()));
        }

        return entries;
    }

    private static AuditEntry ToEntry(SqliteDataReader r, Instant at) =>
        new(r.GetInt64(0), at, r.GetString(2), r.GetString(3), r.GetString(4), r.GetString(5), r.GetString(6), r.GetString(7));
}
