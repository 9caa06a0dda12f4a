using MedCoord.Engine.Audit;
using NodaTime;

namespace MedCoord.Engine.Storage;

/// <summary>
/// The engine's records in memory, for tests and trials: the same contract as <see cref="SqliteEngineStore"/> (records
/// kept as the same JSON, so nothing is shared with callers; versions; all-or-nothing commits; a hash-chained audit
/// trail whose entries commit to the records they wrote, unkeyed). Thread safe. Nothing survives the process.
/// </summary>
public sealed class InMemoryEngineStore : IEngineStore
{
    private readonly object _gate = new();
    private readonly IClock _clock;
    private readonly Dictionary<(string Kind, string Id), RecordRow> _records = [];
    private readonly List<AuditEntry> _audit = [];

    /// <summary>Creates an empty store.</summary>
    /// <param name="clock">Where audit entries' times come from.</param>
    public InMemoryEngineStore(IClock clock)
    {
        ArgumentNullException.ThrowIfNull(clock);
        _clock = clock;
    }

    /// <inheritdoc />
    public Stored<T>? Find<T>(string id)
        where T : class
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(id);
        lock (_gate)
        {
            return _records.TryGetValue((StoreKinds.Of(typeof(T)), id), out var r) ? new Stored<T>(StoreKinds.Deserialize<T>(r.Body), r.Version) : null;
        }
    }

    /// <inheritdoc />
    public IReadOnlyList<Stored<T>> List<T>()
        where T : class
    {
        var kind = StoreKinds.Of(typeof(T));
        lock (_gate)
        {
            return [.. _records.Where(r => r.Key.Kind == kind).OrderBy(r => r.Key.Id, StringComparer.Ordinal)
                .Select(r => new Stored<T>(StoreKinds.Deserialize<T>(r.Value.Body), r.Value.Version))];
        }
    }

    /// <inheritdoc />
    public void Commit(IReadOnlyList<StoreChange> changes) => Commit(changes, []);

    /// <inheritdoc />
    public void Commit(IReadOnlyList<StoreChange> changes, IReadOnlyList<StoreRead> reads)
    {
        ArgumentNullException.ThrowIfNull(changes);
        ArgumentNullException.ThrowIfNull(reads);
        var bodies = changes.Select(StoreKinds.Serialize).ToList();
        lock (_gate)
        {
            foreach (var read in reads)
            {
                var stored = _records.TryGetValue((read.Kind, read.Id), out var r) ? r.Version : 0;
                if (stored != read.Version)
                {
                    throw new StoreConcurrencyException(read.Kind, read.Id, read.Version, stored);
                }
            }

            var versions = new Dictionary<(string, string), long>();
            foreach (var change in changes)
            {
                var key = (change.Kind, change.Id);
                var stored = versions.TryGetValue(key, out var pending) ? pending : _records.TryGetValue(key, out var r) ? r.Version : 0;
                if (stored != change.ExpectedVersion)
                {
                    throw new StoreConcurrencyException(change.Kind, change.Id, change.ExpectedVersion, stored);
                }

                versions[key] = stored + 1;
            }

            for (var i = 0; i < changes.Count; i++)
            {
                var change = changes[i];
                var row = RecordProtection.Clear.Seal(change.Kind, change.Id, change.ExpectedVersion + 1, bodies[i]);
                _records[(change.Kind, change.Id)] = row;
                foreach (var action in change.Actions)
                {
                    Append(change.Actor, change.Kind, change.Id, action, row.Commitment);
                }
            }
        }
    }

    /// <inheritdoc />
    public void RecordAccess(string actor, string operation, IReadOnlyList<AccessedRecord> records)
    {
        var (subject, content) = AccessedRecord.Describe(actor, operation, records);
        lock (_gate)
        {
            Append(actor, AuditEntry.ReadEntityType, subject, $"Read.{operation}", content);
        }
    }

    /// <inheritdoc />
    public IReadOnlyList<AuditEntry> AuditTrail()
    {
        lock (_gate)
        {
            return [.. _audit];
        }
    }

    /// <inheritdoc />
    public AuditVerification VerifyAudit()
    {
        lock (_gate)
        {
            return AuditChain.Verify(_audit, null, null, [.. _records.Values]);
        }
    }

    private void Append(string actor, string kind, string id, string action, string content) =>
        _audit.Add(AuditEntry.Create(_audit.Count + 1L, _clock.GetCurrentInstant(), actor, kind, id, action, content, _audit.Count == 0 ? AuditEntry.GenesisHash : _audit[^1].Hash, null));
}
