using MedCoord.Engine.Audit;
using MedCoord.Engine.Storage;

namespace MedCoord.Engine.Tests.Storage;

/// <summary>
/// The store's contract read in a test's own words: each call awaits the store's asynchronous operation (both stores
/// complete without yielding), so that a test sets up and inspects records in one line.
/// </summary>
internal static class StoreSync
{
    public static Stored<T>? Find<T>(this IEngineStore store, string id)
        where T : class => store.FindAsync<T>(id, CancellationToken.None).GetAwaiter().GetResult();

    public static IReadOnlyList<Stored<T>> List<T>(this IEngineStore store)
        where T : class => store.ListAsync<T>(RecordQuery.All, CancellationToken.None).GetAwaiter().GetResult();

    public static void Commit(this IEngineStore store, IReadOnlyList<StoreChange> changes) => store.Commit(changes, []);

    public static void Commit(this IEngineStore store, IReadOnlyList<StoreChange> changes, IReadOnlyList<StoreRead> reads) =>
        store.CommitAsync(changes, reads, CancellationToken.None).GetAwaiter().GetResult();

    public static void RecordAccess(this IEngineStore store, string actor, string operation, IReadOnlyList<AccessedRecord> records) =>
        store.RecordAccessAsync(actor, operation, records, CancellationToken.None).GetAwaiter().GetResult();

    public static IReadOnlyList<AuditEntry> AuditTrail(this IEngineStore store) => store.AuditTrailAsync(CancellationToken.None).GetAwaiter().GetResult();

    public static AuditVerification VerifyAudit(this IEngineStore store) => store.VerifyAuditAsync(CancellationToken.None).GetAwaiter().GetResult();
}
