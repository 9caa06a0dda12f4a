using MedCoord.Engine.Audit;
using NodaTime;

namespace MedCoord.Engine.Storage;

/// <summary>
/// The engine's records in memory, for tests and trials: the same contract as <see cref="SqliteEngineStore"/> (records
/// kept as the same JSON, so nothing is shared with callers; versions; all-or-nothing commits; a hash-chained audit
/// trail whose entries commit to the records they wrote, unkeyed; the same index). Thread safe. Nothing survives the process.
/// </summary>
internal sealed class InMemoryEngineStore : IEngineStore
{
    private readonly object _gate = new();
    private readonly IClock _clock;
    private readonly Dictionary<(string Kind, string Id), (RecordRow Row, RecordIndex Index)> _records = [];
    private readonly List<AuditEntry> _audit = [];

    /// <summary>Creates an empty store.</summary>
    /// <param name="clock">Where audit entries' times come from.</param>
    public InMemoryEngineStore(IClock clock)
    {
        ArgumentNullException.ThrowIfNull(clock);
        _clock = clock;
    }

    /// <inheritdoc />
    public Task<Stored<T>?> FindAsync<T>(string id, CancellationToken cancellationToken)
        where T : class
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(id);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            return Task.FromResult(_records.TryGetValue((StoreKinds.Of(typeof(T)), id), out var r) ? new Stored<T>(StoreKinds.Deserialize<T>(r.Row.Body), r.Row.Version) : null);
        }
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<Stored<T>>> FindManyAsync<T>(IReadOnlyCollection<string> ids, CancellationToken cancellationToken)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(ids);
        cancellationToken.ThrowIfCancellationRequested();
        var kind = StoreKinds.Of(typeof(T));
        lock (_gate)
        {
            IReadOnlyList<Stored<T>> found = [.. ids.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)
                .Select(id => _records.TryGetValue((kind, id), out var r) ? new Stored<T>(StoreKinds.Deserialize<T>(r.Row.Body), r.Row.Version) : null)
                .OfType<Stored<T>>()];
            return Task.FromResult(found);
        }
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<Stored<T>>> ListAsync<T>(RecordQuery query, CancellationToken cancellationToken)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(query);
        cancellationToken.ThrowIfCancellationRequested();
        var kind = StoreKinds.Of(typeof(T));
        lock (_gate)
        {
            IReadOnlyList<Stored<T>> found = [.. _records.Where(r => r.Key.Kind == kind && r.Value.Index.Matches(query)).OrderBy(r => r.Key.Id, StringComparer.Ordinal)
                .Select(r => new Stored<T>(StoreKinds.Deserialize<T>(r.Value.Row.Body), r.Value.Row.Version))];
            return Task.FromResult(found);
        }
    }

    /// <inheritdoc />
    public Task CommitAsync(IReadOnlyList<StoreChange> changes, IReadOnlyList<StoreRead> reads, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(changes);
        ArgumentNullException.ThrowIfNull(reads);
        var bodies = changes.Select(StoreKinds.Serialize).ToList();
        var indexes = changes.Select(c => RecordIndex.Of(c.Value)).ToList();
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            foreach (var read in reads)
            {
                var stored = _records.TryGetValue((read.Kind, read.Id), out var r) ? r.Row.Version : 0;
                if (stored != read.Version)
                {
                    throw new StoreConcurrencyException(read.Kind, read.Id, read.Version, stored);
                }
            }

            var versions = new Dictionary<(string, string), long>();
            foreach (var change in changes)
            {
                var key = (change.Kind, change.Id);
                var stored = versions.TryGetValue(key, out var pending) ? pending : _records.TryGetValue(key, out var r) ? r.Row.Version : 0;
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
                _records[(change.Kind, change.Id)] = (row, indexes[i]);
                foreach (var action in change.Actions)
                {
                    Append(change.Actor, change.Kind, change.Id, action, row.Commitment);
                }
            }
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task RecordAccessAsync(string actor, string operation, IReadOnlyList<AccessedRecord> records, CancellationToken cancellationToken)
    {
        var (subject, content) = AccessedRecord.Describe(actor, operation, records);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            Append(actor, AuditEntry.ReadEntityType, subject, $"Read.{operation}", content);
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<AuditEntry>> AuditTrailAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            return Task.FromResult<IReadOnlyList<AuditEntry>>([.. _audit]);
        }
    }

    /// <inheritdoc />
    public Task<AuditVerification> VerifyAuditAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            return Task.FromResult(AuditChain.Verify(_audit, null, null, [.. _records.Values.Select(r => r.Row)]));
        }
    }

    private void Append(string actor, string kind, string id, string action, string content) =>
        _audit.Add(AuditEntry.Create(_audit.Count + 1L, _clock.GetCurrentInstant(), actor, kind, id, action, content, _audit.Count == 0 ? AuditEntry.GenesisHash : _audit[^1].Hash, null));
}
