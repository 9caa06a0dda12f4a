using System.Text.Json;
using System.Text.Json.Serialization;
using MedCoord.Engine.Audit;
using MedCoord.Engine.Billing;
using MedCoord.Engine.CarePlans;
using MedCoord.Engine.Communications;
using MedCoord.Engine.Referrals;
using MedCoord.Engine.Results;
using MedCoord.Engine.Visits;
using NodaTime;
using NodaTime.Serialization.SystemTextJson;

namespace MedCoord.Engine.Storage;

/// <summary>A record as stored, with its version: the optimistic-concurrency token a change must be based on.</summary>
/// <typeparam name="T">The record's type.</typeparam>
/// <param name="Value">The record.</param>
/// <param name="Version">1 after it is first saved, one more after each change.</param>
public sealed record Stored<T>(T Value, long Version)
    where T : class;

/// <summary>One record to save in a commit, and what happened to it (one audit entry per action).</summary>
/// <param name="Kind">The kind of record (see <see cref="StoreKinds"/>).</param>
/// <param name="Id">Its opaque id.</param>
/// <param name="Value">The record.</param>
/// <param name="ExpectedVersion">The version it was read at; 0 for a new record.</param>
/// <param name="Actor">Who made the change: an opaque id.</param>
/// <param name="Actions">What happened, as codes (no free text); at least one.</param>
internal sealed record StoreChange(string Kind, string Id, object Value, long ExpectedVersion, string Actor, IReadOnlyList<string> Actions)
{
    /// <summary>A change of a record of a known kind.</summary>
    /// <typeparam name="T">The record's type.</typeparam>
    /// <param name="id">Its id.</param>
    /// <param name="value">The record.</param>
    /// <param name="expectedVersion">The version it was read at; 0 for a new record.</param>
    /// <param name="actor">Who.</param>
    /// <param name="actions">What happened.</param>
    /// <returns>The change.</returns>
    public static StoreChange Of<T>(string id, T value, long expectedVersion, string actor, params string[] actions)
        where T : class => new(StoreKinds.Of(typeof(T)), id, value, expectedVersion, actor, actions);
}

/// <summary>
/// A record a commit's decision was based on without changing it: the commit goes through only if the record is still
/// at this version (0: it must still not exist), so a decision never stands on a record changed since it was read.
/// </summary>
/// <param name="Kind">The kind of record (see <see cref="StoreKinds"/>).</param>
/// <param name="Id">Its opaque id.</param>
/// <param name="Version">The version it was read at; 0 when it was not there.</param>
internal sealed record StoreRead(string Kind, string Id, long Version)
{
    /// <summary>A record read at its stored version.</summary>
    /// <typeparam name="T">The record's type.</typeparam>
    /// <param name="id">Its id.</param>
    /// <param name="stored">What was read; null when there was no such record.</param>
    /// <returns>The read.</returns>
    public static StoreRead Of<T>(string id, Stored<T>? stored)
        where T : class => new(StoreKinds.Of(typeof(T)), id, stored?.Version ?? 0);
}

/// <summary>Thrown when a record was changed by someone else since it was read: nothing of the commit was saved; read again and retry.</summary>
public sealed class StoreConcurrencyException : InvalidOperationException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="kind">The kind of record.</param>
    /// <param name="id">The record.</param>
    /// <param name="expectedVersion">The version the change was based on.</param>
    /// <param name="storedVersion">The version stored now (0 when there is none).</param>
    public StoreConcurrencyException(string kind, string id, long expectedVersion, long storedVersion)
        : base($"The {kind} '{id}' was changed by someone else (stored version {storedVersion}, this change was based on {expectedVersion}); nothing was saved: read it again and retry.")
    {
        (Kind, Id, ExpectedVersion, StoredVersion) = (kind, id, expectedVersion, storedVersion);
    }

    /// <summary>Gets the kind of record.</summary>
    public string Kind { get; }

    /// <summary>Gets the record id.</summary>
    public string Id { get; }

    /// <summary>Gets the version the change was based on.</summary>
    public long ExpectedVersion { get; }

    /// <summary>Gets the version stored now.</summary>
    public long StoredVersion { get; }
}

/// <summary>
/// Where the engine keeps its records. A commit saves every change and its audit entries, or nothing: each record only if
/// nobody saved it since it was read (optimistic concurrency). Implementations: <see cref="SqliteEngineStore"/> (the
/// default) and <see cref="InMemoryEngineStore"/>, held to the same contract. Only the engine's services write.
/// </summary>
internal interface IEngineStore
{
    /// <summary>The record of a kind with an id, or null.</summary>
    Task<Stored<T>?> FindAsync<T>(string id, CancellationToken cancellationToken)
        where T : class;

    /// <summary>The records of a kind with any of the ids (those that exist), by id: one read for many records.</summary>
    Task<IReadOnlyList<Stored<T>>> FindManyAsync<T>(IReadOnlyCollection<string> ids, CancellationToken cancellationToken)
        where T : class;

    /// <summary>
    /// The records of a kind that a query may select, by id. Every record the query selects is returned; a record whose
    /// index is not written yet (a database from before the index) is returned as well, so callers still filter by the
    /// record itself — the query narrows the read, it never decides.
    /// </summary>
    Task<IReadOnlyList<Stored<T>>> ListAsync<T>(RecordQuery query, CancellationToken cancellationToken)
        where T : class;

    /// <summary>
    /// Saves every change and appends its audit entries, all in one transaction, or nothing — and only if every record
    /// in <paramref name="reads"/> is still at the version it was read at (the records the decision was based on).
    /// </summary>
    /// <exception cref="StoreConcurrencyException">A changed or read record was saved by someone else since it was read.</exception>
    /// <exception cref="ArgumentException">A change names no action, an unknown kind, or a record of another type.</exception>
    Task CommitAsync(IReadOnlyList<StoreChange> changes, IReadOnlyList<StoreRead> reads, CancellationToken cancellationToken);

    /// <summary>
    /// Records that someone read records: one audit entry for the whole operation (actor <paramref name="actor"/>,
    /// action <c>Read.</c><paramref name="operation"/>, entity type <c>read</c>, the patient or <c>*</c> for several)
    /// committing to the ids read, so that who looked at a patient has an answer.
    /// </summary>
    /// <exception cref="ArgumentException">The actor or the operation is blank.</exception>
    Task RecordAccessAsync(string actor, string operation, IReadOnlyList<AccessedRecord> records, CancellationToken cancellationToken);

    /// <summary>The audit trail, oldest first.</summary>
    Task<IReadOnlyList<AuditEntry>> AuditTrailAsync(CancellationToken cancellationToken);

    /// <summary>Checks the audit trail's hash chain, every record against the entry that last wrote it, and every record's index against the record.</summary>
    Task<AuditVerification> VerifyAuditAsync(CancellationToken cancellationToken);
}

/// <summary>A record a read handed out, and whose it is: what the read's audit entry names.</summary>
/// <param name="Kind">The kind of record (see <see cref="StoreKinds"/>).</param>
/// <param name="Id">Its opaque id.</param>
/// <param name="PatientId">The patient it is about.</param>
internal sealed record AccessedRecord(string Kind, string Id, string PatientId)
{
    /// <summary>A record of a known type.</summary>
    /// <typeparam name="T">The record's type.</typeparam>
    /// <param name="id">Its id.</param>
    /// <param name="patientId">Its patient.</param>
    /// <returns>The accessed record.</returns>
    public static AccessedRecord Of<T>(string id, string patientId)
        where T : class => new(StoreKinds.Of(typeof(T)), id, patientId);

    /// <summary>The patients a read entry names (empty for any other entry).</summary>
    /// <param name="entry">An audit entry.</param>
    /// <returns>The patient ids.</returns>
    public static IReadOnlyList<string> PatientsOf(AuditEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return entry.EntityType == AuditEntry.ReadEntityType && entry.Content is { } content && JsonSerializer.Deserialize<ReadContent>(content) is { } read
            ? read.Patients
            : [];
    }

    /// <summary>The entity id and content of the audit entry of a read.</summary>
    internal static (string Subject, string Content) Describe(string actor, string operation, IReadOnlyList<AccessedRecord> records)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(actor);
        ArgumentException.ThrowIfNullOrWhiteSpace(operation);
        ArgumentNullException.ThrowIfNull(records);
        var patients = records.Select(r => r.PatientId).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        var ids = records.Select(r => $"{r.Kind}:{r.Id}").Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        var subject = patients.Length switch { 0 => "-", 1 => patients[0], _ => "*" };
        return (subject, JsonSerializer.Serialize(new ReadContent(patients, ids)));
    }

    private sealed record ReadContent([property: JsonPropertyName("patients")] string[] Patients, [property: JsonPropertyName("records")] string[] Records);
}

/// <summary>The kinds of record the engine stores, and how they are written (JSON, NodaTime values as ISO text).</summary>
internal static class StoreKinds
{
    private static readonly Dictionary<Type, string> Kinds = new()
    {
        [typeof(CarePlan)] = "care-plan",
        [typeof(Visit)] = "visit",
        [typeof(Consent)] = "consent",
        [typeof(IntakeResponse)] = "intake-response",
        [typeof(ResultThread)] = "result",
        [typeof(OutboxMessage)] = "outbox-message",
        [typeof(Referral)] = "referral",
        [typeof(Claim)] = "claim",
    };

    /// <summary>The kind name of a record type.</summary>
    /// <param name="type">The type.</param>
    /// <returns>The kind, for example <c>care-plan</c>.</returns>
    /// <exception cref="ArgumentException">The engine does not store that type.</exception>
    public static string Of(Type type) =>
        Kinds.TryGetValue(type, out var kind) ? kind : throw new ArgumentException($"The engine does not store records of type {type.Name}.", nameof(type));

    internal static Type TypeOf(string kind) =>
        Kinds.FirstOrDefault(k => k.Value == kind).Key ?? throw new ArgumentException($"Unknown kind of record '{kind}'.", nameof(kind));

    internal static JsonSerializerOptions Json { get; } = CreateJson();

    private static JsonSerializerOptions CreateJson()
    {
        var options = new JsonSerializerOptions { IgnoreReadOnlyProperties = true, Converters = { new JsonStringEnumConverter() } };
        return options.ConfigureForNodaTime(DateTimeZoneProviders.Tzdb);
    }

    internal static string Serialize(StoreChange change)
    {
        var type = TypeOf(change.Kind);
        if (!type.IsInstanceOfType(change.Value))
        {
            throw new ArgumentException($"The {change.Kind} '{change.Id}' holds a {change.Value?.GetType().Name ?? "null"}, not a {type.Name}.", nameof(change));
        }

        if (change.Actions is not { Count: > 0 } || change.Actions.Any(string.IsNullOrWhiteSpace) || string.IsNullOrWhiteSpace(change.Actor) || string.IsNullOrWhiteSpace(change.Id))
        {
            throw new ArgumentException($"The change of {change.Kind} '{change.Id}' needs an id, an actor and at least one action.", nameof(change));
        }

        return JsonSerializer.Serialize(change.Value, type, Json);
    }

    internal static T Deserialize<T>(string json) => JsonSerializer.Deserialize<T>(json, Json) ?? throw new InvalidOperationException("A stored record is empty.");
}
