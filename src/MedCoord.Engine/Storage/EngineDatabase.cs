using MedCoord.Engine.Audit;
using NodaTime;

namespace MedCoord.Engine.Storage;

/// <summary>An engine database file as a verifier sees it: its audit trail checked, and its records' index against the records.</summary>
public sealed class DatabaseVerification
{
    internal DatabaseVerification(AuditVerification audit, IReadOnlyList<AuditEntry> entries) => (Audit, Entries) = (audit, entries);

    /// <summary>Gets the chain's verification (the first bad entry or record when it is not intact).</summary>
    public AuditVerification Audit { get; }

    /// <summary>Gets every entry, oldest first (to check a checkpoint with <see cref="AuditChain.CheckHead"/>).</summary>
    public IReadOnlyList<AuditEntry> Entries { get; }
}

/// <summary>
/// Checks an engine database file as it is: it is opened read-only and never migrated, so verifying changes nothing —
/// for an auditor's tool or a scheduled check, apart from a running engine.
/// </summary>
public static class EngineDatabase
{
    /// <summary>
    /// Verifies the audit trail of a database file: the hash chain (with the audit key, every keyed entry's HMAC), every
    /// record against the entry that last wrote it, and the index of every record it can read against the record.
    /// </summary>
    /// <param name="path">The database file.</param>
    /// <param name="auditKey">The audit key, or null to check keyed entries for structure only.</param>
    /// <param name="dataKey">The data key, or null: encrypted records' index is then left unchecked.</param>
    /// <param name="cancellationToken">Cancels the check.</param>
    /// <returns>The verification and the entries.</returns>
    /// <exception cref="InvalidDataException">The file is missing, not SQLite, not an engine database, or newer than this code; the message says which.</exception>
    /// <exception cref="EngineKeyException">The chain is keyed with another audit key than <paramref name="auditKey"/>.</exception>
    public static Task<DatabaseVerification> VerifyAsync(string path, EngineKey? auditKey, EngineKey? dataKey, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var database = SqliteDatabase.OpenReadOnly(path);

        var log = new SqliteAuditLog(database, NoClock.Instance, auditKey);
        var store = new SqliteEngineStore(database, log, dataKey);
        return VerifyAsync(store, log, cancellationToken);
    }

    /// <summary>Opens every record of a database file with a data key (and earlier ones), changing nothing: shows that the keys open the database.</summary>
    /// <param name="path">The database file.</param>
    /// <param name="dataKey">The data key.</param>
    /// <param name="previousDataKeys">Earlier data keys.</param>
    /// <param name="cancellationToken">Cancels the check.</param>
    /// <returns>How many records are encrypted (all of them opened).</returns>
    /// <exception cref="InvalidDataException">The file is missing or not an engine database.</exception>
    /// <exception cref="EngineKeyException">A record is encrypted with a key that was not given, or does not open with its key (named by id).</exception>
    public static Task<int> CheckDataKeysAsync(string path, EngineKey dataKey, IEnumerable<EngineKey>? previousDataKeys = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(dataKey);
        cancellationToken.ThrowIfCancellationRequested();
        var database = SqliteDatabase.OpenReadOnly(path);
        var store = new SqliteEngineStore(database, new SqliteAuditLog(database, NoClock.Instance), dataKey, previousDataKeys);
        return Task.FromResult(store.CheckDataKeys());
    }

    private static async Task<DatabaseVerification> VerifyAsync(SqliteEngineStore store, SqliteAuditLog log, CancellationToken cancellationToken)
    {
        var audit = await store.VerifyAuditAsync(cancellationToken).ConfigureAwait(false);
        return new DatabaseVerification(audit, log.Read());
    }
}

/// <summary>The clock of a read-only check: verifying writes no entry, so it never asks the time (asking is a defect).</summary>
internal sealed class NoClock : IClock
{
    private NoClock()
    {
    }

    public static NoClock Instance { get; } = new();

    public Instant GetCurrentInstant() => throw new InvalidOperationException("A read-only database check reads no time.");
}
