using MedCoord.Engine.Audit;
using NodaTime;

namespace MedCoord.Engine.Storage;

/// <summary>
/// The engine's records in memory, for tests and trials: the same contract as <see cref="SqliteEngineStore"/> (records
/// kept as the same JSON, so nothing is shared with callers; versions; all-or-nothing commits; a hash-chained audit
/// trail). Thread safe. Nothing survives the process.
/// </summary>
public sealed class InMemoryEngineStore : IEngineStore
{
    private readonly object _gate = new();
    private readonly IClock _clock;
    private readonly Dictionary<(string Kind, string Id), (string Body, long Version)> _records = [];
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
                _records[(change.Kind, change.Id)] = (bodies[i], change.ExpectedVersion + 1);
                foreach (var action in change.Actions)
                {
                    var sequence = _audit.Count + 1L;
                    var previous = _audit.Count == 0 ? AuditEntry.GenesisHash : _audit[^1].Hash;
                    var at = _clock.GetCurrentInstant();
                    _audit.Add(new AuditEntry(sequence, at, change.Actor, change.Kind, change.Id, action, previous,
                        AuditEntry.ComputeHash(sequence, at, change.Actor, change.Kind, change.Id, action, previous)));
                }
            }
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
    public AuditVerification VerifyAudit() => AuditChain.Verify(AuditTrail());
}
