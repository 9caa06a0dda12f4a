using System.Text.Json;
using MedCoord.Engine.Audit;
using Microsoft.Data.Sqlite;

namespace MedCoord.Engine.Storage;

/// <summary>
/// The engine's records in its SQLite database (table <c>records</c>, audit in <c>audit_log</c>). A commit takes the
/// write lock, checks every version, writes every record, its index and its audit entries (each committing to the row
/// it wrote), and commits once. With a data key, record bodies are encrypted at rest (AES-256-GCM, the key's id stored
/// in <c>records.key_id</c>); without one they are JSON in clear. The index (<see cref="RecordIndex"/>) is kept in
/// clear columns, ids and times only. Thread safe; two processes on one file are safe too (SQLite's locking, with a busy
/// timeout).
/// </summary>
internal sealed class SqliteEngineStore : IEngineStore
{
    private readonly SqliteDatabase _database;
    private readonly SqliteAuditLog _audit;
    private readonly RecordProtection _protection;

    /// <summary>Creates the store, and indexes the records written before the index existed that its keys open.</summary>
    /// <param name="database">The database.</param>
    /// <param name="audit">The audit trail changes are recorded in.</param>
    /// <param name="dataKey">The key new record versions are encrypted with; null stores them in clear.</param>
    /// <param name="previousDataKeys">Earlier data keys, kept to read records written under them (key rotation).</param>
    public SqliteEngineStore(SqliteDatabase database, SqliteAuditLog audit, EngineKey? dataKey = null, IEnumerable<EngineKey>? previousDataKeys = null)
    {
        ArgumentNullException.ThrowIfNull(database);
        ArgumentNullException.ThrowIfNull(audit);
        (_database, _audit, _protection) = (database, audit, new RecordProtection(dataKey, previousDataKeys));
        if (!database.IsReadOnly)
        {
            IndexUnindexed();
        }
    }

    /// <inheritdoc />
    public async Task<Stored<T>?> FindAsync<T>(string id, CancellationToken cancellationToken)
        where T : class
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(id);
        cancellationToken.ThrowIfCancellationRequested();
        await using var connection = _database.Connect();
        return _database.ReadRows(connection, null, StoreKinds.Of(typeof(T)), id).Select(Open<T>).SingleOrDefault();
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<Stored<T>>> FindManyAsync<T>(IReadOnlyCollection<string> ids, CancellationToken cancellationToken)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(ids);
        cancellationToken.ThrowIfCancellationRequested();
        await using var connection = _database.Connect();
        var rows = await _database.ReadRowsAsync(connection, StoreKinds.Of(typeof(T)), ids, cancellationToken).ConfigureAwait(false);
        return [.. rows.Select(Open<T>)];
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<Stored<T>>> ListAsync<T>(RecordQuery query, CancellationToken cancellationToken)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(query);
        cancellationToken.ThrowIfCancellationRequested();
        await using var connection = _database.Connect();
        var rows = await _database.ReadRowsAsync(connection, StoreKinds.Of(typeof(T)), query, cancellationToken).ConfigureAwait(false);
        return [.. rows.Select(Open<T>)];
    }

    /// <inheritdoc />
    public async Task CommitAsync(IReadOnlyList<StoreChange> changes, IReadOnlyList<StoreRead> reads, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(changes);
        ArgumentNullException.ThrowIfNull(reads);
        var bodies = changes.Select(StoreKinds.Serialize).ToList();
        var indexes = changes.Select(c => RecordIndex.Of(c.Value)).ToList();
        cancellationToken.ThrowIfCancellationRequested();
        await using var connection = _database.Connect();
        using var transaction = connection.BeginTransaction(deferred: false);
        foreach (var read in reads)
        {
            var stored = StoredVersion(connection, transaction, read.Kind, read.Id);
            if (stored != read.Version)
            {
                throw new StoreConcurrencyException(read.Kind, read.Id, read.Version, stored);
            }
        }

        for (var i = 0; i < changes.Count; i++)
        {
            var change = changes[i];
            var stored = StoredVersion(connection, transaction, change.Kind, change.Id);
            if (stored != change.ExpectedVersion)
            {
                throw new StoreConcurrencyException(change.Kind, change.Id, change.ExpectedVersion, stored);
            }

            var row = _protection.Seal(change.Kind, change.Id, stored + 1, bodies[i]);
            using var write = connection.CreateCommand();
            write.Transaction = transaction;
            write.CommandText = """
                INSERT INTO records (kind, id, version, key_id, body) VALUES ($kind, $id, $version, $keyId, $body)
                ON CONFLICT (kind, id) DO UPDATE SET version = excluded.version, key_id = excluded.key_id, body = excluded.body
                """;
            write.Parameters.AddWithValue("$kind", row.Kind);
            write.Parameters.AddWithValue("$id", row.Id);
            write.Parameters.AddWithValue("$version", row.Version);
            write.Parameters.AddWithValue("$keyId", (object?)row.KeyId ?? DBNull.Value);
            write.Parameters.AddWithValue("$body", row.Body);
            write.ExecuteNonQuery();
            SqliteDatabase.WriteIndex(connection, transaction, change.Kind, change.Id, indexes[i]);
            foreach (var action in change.Actions)
            {
                _audit.Append(connection, transaction, change.Actor, change.Kind, change.Id, action, row.Commitment);
            }
        }

        // Past this point the commit is not cancelled: it is one statement away from done.
        transaction.Commit();
    }

    /// <inheritdoc />
    public async Task RecordAccessAsync(string actor, string operation, IReadOnlyList<AccessedRecord> records, CancellationToken cancellationToken)
    {
        var (subject, content) = AccessedRecord.Describe(actor, operation, records);
        cancellationToken.ThrowIfCancellationRequested();
        await using var connection = _database.Connect();
        using var transaction = connection.BeginTransaction(deferred: false);
        _audit.Append(connection, transaction, actor, AuditEntry.ReadEntityType, subject, $"Read.{operation}", content);
        transaction.Commit();
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<AuditEntry>> AuditTrailAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(_audit.Read());
    }

    /// <inheritdoc />
    public Task<AuditVerification> VerifyAuditAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var verification = _audit.Verify();
        return Task.FromResult(verification.Intact ? CheckIndexes(verification) : verification);
    }

    /// <summary>Opens every record with the store's data keys, changing nothing: shows that the keys given open the database.</summary>
    /// <returns>How many records are encrypted (all of them opened).</returns>
    /// <exception cref="EngineKeyException">A record is encrypted with a key that was not given, or does not open with its key (named by id).</exception>
    public int CheckDataKeys()
    {
        using var connection = _database.Connect();
        var rows = _database.ReadRows(connection, null);
        foreach (var row in rows)
        {
            _protection.Open(row);
        }

        return rows.Count(r => r.KeyId is not null);
    }

    /// <summary>
    /// Every record's index against the record itself: an index changed outside the engine could hide a record from the
    /// worklist or the due messages, so it breaks the verification like a changed record does. Records the store's keys
    /// do not open are left to the key check.
    /// </summary>
    private AuditVerification CheckIndexes(AuditVerification verification)
    {
        using var connection = _database.Connect();
        var indexes = _database.ReadIndexes(connection, out var malformed);
        if (malformed.Order().FirstOrDefault() is { Kind: not null } bad)
        {
            return verification with { Intact = false, Problem = $"the index of {bad.Kind} '{bad.Id}' holds values the engine never writes (changed outside the engine)" };
        }

        foreach (var row in _database.ReadRows(connection, null))
        {
            if (!indexes.TryGetValue((row.Kind, row.Id), out var stored) || stored is null || !_protection.CanOpen(row))
            {
                continue;
            }

            if (IndexOf(row) is { } actual && actual != stored)
            {
                return verification with { Intact = false, Problem = $"the index of {row.Kind} '{row.Id}' does not match the record (changed outside the engine)" };
            }
        }

        return verification;
    }

    /// <summary>Writes the index of every row written before the index existed (each in its own small transaction).</summary>
    private void IndexUnindexed()
    {
        using var connection = _database.Connect();
        foreach (var row in _database.UnindexedRows(connection))
        {
            if (!_protection.CanOpen(row))
            {
                continue;
            }

            if (IndexOf(row) is { } index)
            {
                SqliteDatabase.WriteIndex(connection, null, row.Kind, row.Id, index, row.Version);
            }
        }
    }

    /// <summary>The index of a stored row; null when the row does not open or parse (an altered row, which the chain check reports).</summary>
    private RecordIndex? IndexOf(RecordRow row)
    {
        try
        {
            return JsonSerializer.Deserialize(_protection.Open(row), StoreKinds.TypeOf(row.Kind), StoreKinds.Json) is { } record ? RecordIndex.Of(record) : null;
        }
        catch (Exception e) when (e is EngineKeyException or JsonException or ArgumentException)
        {
            return null;
        }
    }

    private Stored<T> Open<T>(RecordRow row)
        where T : class => new(StoreKinds.Deserialize<T>(_protection.Open(row)), row.Version);

    private static long StoredVersion(SqliteConnection connection, SqliteTransaction transaction, string kind, string id)
    {
        using var version = connection.CreateCommand();
        version.Transaction = transaction;
        version.CommandText = "SELECT version FROM records WHERE kind = $kind AND id = $id";
        version.Parameters.AddWithValue("$kind", kind);
        version.Parameters.AddWithValue("$id", id);
        return version.ExecuteScalar() is long v ? v : 0;
    }
}
