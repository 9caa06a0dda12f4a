using MedCoord.Engine.Audit;
using Microsoft.Data.Sqlite;

namespace MedCoord.Engine.Storage;

/// <summary>
/// The engine's records in its SQLite database (table <c>records</c>, audit in <c>audit_log</c>). A commit takes the
/// write lock, checks every version, writes every record and its audit entries, and commits once. Thread safe; two
/// processes on one file are safe too (SQLite's locking, with a busy timeout).
/// </summary>
public sealed class SqliteEngineStore : IEngineStore
{
    private readonly SqliteDatabase _database;
    private readonly SqliteAuditLog _audit;

    /// <summary>Creates the store.</summary>
    /// <param name="database">The database.</param>
    /// <param name="audit">The audit trail changes are recorded in.</param>
    public SqliteEngineStore(SqliteDatabase database, SqliteAuditLog audit)
    {
        ArgumentNullException.ThrowIfNull(database);
        ArgumentNullException.ThrowIfNull(audit);
        (_database, _audit) = (database, audit);
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

            using var write = connection.CreateCommand();
            write.Transaction = transaction;
            write.CommandText = """
                INSERT INTO records (kind, id, version, body) VALUES ($kind, $id, $version, $body)
                ON CONFLICT (kind, id) DO UPDATE SET version = excluded.version, body = excluded.body
                """;
            write.Parameters.AddWithValue("$kind", change.Kind);
            write.Parameters.AddWithValue("$id", change.Id);
            write.Parameters.AddWithValue("$version", stored + 1);
            write.Parameters.AddWithValue("$body", bodies[i]);
            write.ExecuteNonQuery();
            foreach (var action in change.Actions)
            {
                _audit.Append(connection, transaction, change.Actor, change.Kind, change.Id, action);
            }
        }

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

    private List<Stored<T>> Read<T>(string? id)
        where T : class
    {
        using var connection = _database.Connect();
        using var read = connection.CreateCommand();
        read.CommandText = $"SELECT body, version FROM records WHERE kind = $kind {(id is null ? string.Empty : "AND id = $id")} ORDER BY id";
        read.Parameters.AddWithValue("$kind", StoreKinds.Of(typeof(T)));
        if (id is not null)
        {
            read.Parameters.AddWithValue("$id", id);
        }

        using var reader = read.ExecuteReader();
        var records = new List<Stored<T>>();
        while (reader.Read())
        {
            records.Add(new Stored<T>(StoreKinds.Deserialize<T>(reader.GetString(0)), reader.GetInt64(1)));
        }

        return records;
    }
}
