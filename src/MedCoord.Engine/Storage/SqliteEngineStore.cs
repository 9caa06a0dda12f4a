using MedCoord.Engine.Audit;
using Microsoft.Data.Sqlite;

namespace MedCoord.Engine.Storage;

/// <summary>
/// The engine's records in its SQLite database (table <c>records</c>, audit in <c>audit_log</c>). A commit takes the
/// write lock, checks every version, writes every record and its audit entries (each committing to the row it wrote),
/// and commits once. With a data key, record bodies are encrypted at rest (AES-256-GCM, the key's id stored in
/// <c>records.key_id</c>); without one they are JSON in clear. Thread safe; two processes on one file are safe too
/// (SQLite's locking, with a busy timeout).
/// </summary>
public sealed class SqliteEngineStore : IEngineStore
{
    private readonly SqliteDatabase _database;
    private readonly SqliteAuditLog _audit;
    private readonly RecordProtection _protection;

    /// <summary>Creates the store.</summary>
    /// <param name="database">The database.</param>
    /// <param name="audit">The audit trail changes are recorded in.</param>
    /// <param name="dataKey">The key new record versions are encrypted with; null stores them in clear.</param>
    /// <param name="previousDataKeys">Earlier data keys, kept to read records written under them (key rotation).</param>
    public SqliteEngineStore(SqliteDatabase database, SqliteAuditLog audit, EngineKey? dataKey = null, IEnumerable<EngineKey>? previousDataKeys = null)
    {
        ArgumentNullException.ThrowIfNull(database);
        ArgumentNullException.ThrowIfNull(audit);
        (_database, _audit, _protection) = (database, audit, new RecordProtection(dataKey, previousDataKeys));
    }

    /// <inheritdoc />
    public Stored<T>? Find<T>(string id)
        where T : class
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(id);
        return Read<T>(id).SingleOrDefault();
    }

    /// <inheritdoc />
    public IReadOnlyList<Stored<T>> List<T>()
        where T : class => Read<T>(null);

    /// <inheritdoc />
    public void Commit(IReadOnlyList<StoreChange> changes) => Commit(changes, []);

    /// <inheritdoc />
    public void Commit(IReadOnlyList<StoreChange> changes, IReadOnlyList<StoreRead> reads)
    {
        ArgumentNullException.ThrowIfNull(changes);
        ArgumentNullException.ThrowIfNull(reads);
        var bodies = changes.Select(StoreKinds.Serialize).ToList();
        using var connection = _database.Connect();
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
            foreach (var action in change.Actions)
            {
                _audit.Append(connection, transaction, change.Actor, change.Kind, change.Id, action, row.Commitment);
            }
        }

        transaction.Commit();
    }

    /// <inheritdoc />
    public void RecordAccess(string actor, string operation, IReadOnlyList<AccessedRecord> records)
    {
        var (subject, content) = AccessedRecord.Describe(actor, operation, records);
        using var connection = _database.Connect();
        using var transaction = connection.BeginTransaction(deferred: false);
        _audit.Append(connection, transaction, actor, AuditEntry.ReadEntityType, subject, $"Read.{operation}", content);
        transaction.Commit();
    }

    /// <inheritdoc />
    public IReadOnlyList<AuditEntry> AuditTrail() => _audit.Read();

    /// <inheritdoc />
    public AuditVerification VerifyAudit() => _audit.Verify();

    private static long StoredVersion(SqliteConnection connection, SqliteTransaction transaction, string kind, string id)
    {
        using var version = connection.CreateCommand();
        version.Transaction = transaction;
        version.CommandText = "SELECT version FROM records WHERE kind = $kind AND id = $id";
        version.Parameters.AddWithValue("$kind", kind);
        version.Parameters.AddWithValue("$id", id);
        return version.ExecuteScalar() is long v ? v : 0;
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

    private List<Stored<T>> Read<T>(string? id)
        where T : class
    {
        using var connection = _database.Connect();
        return [.. _database.ReadRows(connection, null, StoreKinds.Of(typeof(T)), id).Select(row => new Stored<T>(StoreKinds.Deserialize<T>(_protection.Open(row)), row.Version))];
    }
}
