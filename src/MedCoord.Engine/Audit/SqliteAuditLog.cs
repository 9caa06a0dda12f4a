using MedCoord.Engine.Storage;
using Microsoft.Data.Sqlite;
using NodaTime;
using NodaTime.Text;

namespace MedCoord.Engine.Audit;

/// <summary>
/// The audit trail in the engine's SQLite database (table <c>audit_log</c>). Appending takes the write lock, so
/// concurrent writers chain one after another; the last write is also kept apart so that a deleted tail is caught.
/// With an audit key every new entry's hash is an HMAC-SHA256 under it; a chain once keyed is only ever appended to
/// with the same key. Thread safe.
/// </summary>
internal sealed class SqliteAuditLog
{
    private readonly SqliteDatabase _database;
    private readonly IClock _clock;
    private readonly EngineKey? _key;

    /// <summary>Creates the log over a database.</summary>
    /// <param name="database">The database.</param>
    /// <param name="clock">Where entries' times come from.</param>
    /// <param name="key">The audit key; null writes unkeyed entries (plain SHA-256: anyone who can write the file could recompute them) and checks keyed ones for structure only.</param>
    public SqliteAuditLog(SqliteDatabase database, IClock clock, EngineKey? key = null)
    {
        ArgumentNullException.ThrowIfNull(database);
        ArgumentNullException.ThrowIfNull(clock);
        (_database, _clock, _key) = (database, clock, key);
    }

    /// <summary>Appends one entry, chained to the last; it commits to no record.</summary>
    /// <param name="actor">Who: an opaque id.</param>
    /// <param name="entityType">What kind of thing changed.</param>
    /// <param name="entityId">Its opaque id.</param>
    /// <param name="action">What happened, as a code.</param>
    /// <returns>The entry written.</returns>
    /// <exception cref="EngineKeyException">The chain is keyed and this log has no key, or another one.</exception>
    public AuditEntry Append(string actor, string entityType, string entityId, string action)
    {
        using var connection = _database.Connect();
        using var transaction = connection.BeginTransaction(deferred: false);
        var entry = Append(connection, transaction, actor, entityType, entityId, action, null);
        transaction.Commit();
        return entry;
    }

    /// <summary>Appends within a caller's transaction, so that a change and its audit entry commit together.</summary>
    internal AuditEntry Append(SqliteConnection connection, SqliteTransaction transaction, string actor, string entityType, string entityId, string action, string? content)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(actor);
        ArgumentException.ThrowIfNullOrWhiteSpace(entityType);
        ArgumentException.ThrowIfNullOrWhiteSpace(entityId);
        ArgumentException.ThrowIfNullOrWhiteSpace(action);
        using var read = connection.CreateCommand();
        read.Transaction = transaction;
        read.CommandText = "SELECT t.sequence, t.hash, l.key_id FROM audit_tip t LEFT JOIN audit_log l ON l.sequence = t.sequence WHERE t.id = 1";
        var (sequence, previous, lastKey) = (1L, AuditEntry.GenesisHash, (string?)null);
        using (var reader = read.ExecuteReader())
        {
            if (reader.Read())
            {
                (sequence, previous, lastKey) = (reader.GetInt64(0) + 1, reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2));
            }
        }

        if (lastKey is not null && lastKey != _key?.Id)
        {
            throw new EngineKeyException(
                $"The audit chain of this database is keyed with audit key {lastKey}; {(_key is null ? "no audit key was given" : $"the audit key given is {_key.Id}")}, so nothing can be recorded.", lastKey);
        }

        var entry = AuditEntry.Create(sequence, _clock.GetCurrentInstant(), actor, entityType, entityId, action, content, previous, _key);
        using var write = connection.CreateCommand();
        write.Transaction = transaction;
        write.CommandText = """
            INSERT INTO audit_log (sequence, at, actor, entity_type, entity_id, action, previous_hash, hash, format, content, key_id)
            VALUES ($sequence, $at, $actor, $entityType, $entityId, $action, $previous, $hash, $format, $content, $keyId);
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
        write.Parameters.AddWithValue("$format", entry.Format);
        write.Parameters.AddWithValue("$content", (object?)entry.Content ?? DBNull.Value);
        write.Parameters.AddWithValue("$keyId", (object?)entry.KeyId ?? DBNull.Value);
        write.ExecuteNonQuery();
        return entry;
    }

    /// <summary>Every entry, in sequence order.</summary>
    /// <returns>The entries.</returns>
    /// <exception cref="FormatException">A stored time is not an ISO instant (the row was edited).</exception>
    public IReadOnlyList<AuditEntry> Read()
    {
        using var connection = _database.Connect();
        var (entries, problem) = ReadEntries(connection, null);
        return problem is null ? entries : throw new FormatException($"The audit log cannot be read: {problem}.");
    }

    /// <summary>
    /// Checks the whole chain (with this log's key, if any), the recorded last write, and every record against the
    /// entry that last wrote it, in one read transaction. Changes nothing: works on a database opened read-only.
    /// </summary>
    /// <returns>Intact, or the first bad entry or record and what is wrong.</returns>
    /// <exception cref="EngineKeyException">The chain is keyed with another audit key than this log's.</exception>
    public AuditVerification Verify()
    {
        using var connection = _database.Connect();
        using var transaction = connection.BeginTransaction(deferred: true);
        var (entries, problem) = ReadEntries(connection, transaction);
        if (problem is not null)
        {
            var before = AuditChain.Verify(entries, null, _key, null);
            return before.Intact ? new AuditVerification(false, entries.Count, entries.Count + 1, problem) : before;
        }

        List<RecordRow> records;
        try
        {
            records = _database.ReadRows(connection, transaction);
        }
        catch (InvalidOperationException)
        {
            // A NULL where the table requires a value: only someone editing the file can put one there.
            return new AuditVerification(false, entries.Count, null, "a row of the records table has a missing or mistyped column: edited outside the engine");
        }

        using var tip = connection.CreateCommand();
        tip.Transaction = transaction;
        tip.CommandText = "SELECT sequence, hash FROM audit_tip WHERE id = 1";
        using var tipReader = tip.ExecuteReader();
        (long, string)? last = tipReader.Read() ? (tipReader.GetInt64(0), tipReader.GetString(1)) : (0L, AuditEntry.GenesisHash);
        return AuditChain.Verify(entries, last, _key, records);
    }

    /// <summary>The entries, or those before the first row that cannot be read and what is wrong with it.</summary>
    private (List<AuditEntry> Entries, string? Problem) ReadEntries(SqliteConnection connection, SqliteTransaction? transaction)
    {
        using var read = connection.CreateCommand();
        read.Transaction = transaction;
        read.CommandText = $"SELECT sequence, at, actor, entity_type, entity_id, action, previous_hash, hash, {(_database.SchemaVersion >= 4 ? "format, content, key_id" : "1, NULL, NULL")} FROM audit_log ORDER BY sequence";
        using var reader = read.ExecuteReader();
        var entries = new List<AuditEntry>();
        while (reader.Read())
        {
            var sequence = reader.GetInt64(0);
            try
            {
                var at = InstantPattern.ExtendedIso.Parse(reader.GetString(1));
                if (!at.Success)
                {
                    return (entries, $"entry {sequence} has an unreadable time: edited");
                }

                entries.Add(new AuditEntry(sequence, at.Value, reader.GetString(2), reader.GetString(3), reader.GetString(4), reader.GetString(5), reader.GetString(6), reader.GetString(7))
                {
                    Format = checked((int)reader.GetInt64(8)),
                    Content = reader.IsDBNull(9) ? null : reader.GetString(9),
                    KeyId = reader.IsDBNull(10) ? null : reader.GetString(10),
                });
            }
            catch (Exception ex) when (ex is InvalidOperationException or OverflowException)
            {
                // SQLite hands out NULL (InvalidOperationException) or a format past int (OverflowException): the row was edited.
                return (entries, $"entry {sequence} has a missing or mistyped column: edited");
            }
        }

        return (entries, null);
    }
}
