using System.Collections.Frozen;
using System.Text.Json.Serialization;
using NodaTime;

namespace MedCoord.Engine;

/// <summary>
/// One change of a record's status: who, when and, where the lifecycle asks for one, why. Visits, referrals and claims
/// keep their history as a list of these; stored as JSON with the status names as strings.
/// </summary>
/// <typeparam name="TStatus">The record's status enum.</typeparam>
/// <param name="From">Before.</param>
/// <param name="To">After.</param>
/// <param name="Actor">Who: an opaque id ("system" for automatic moves).</param>
/// <param name="At">When (from the injected clock).</param>
/// <param name="Reason">Why, as a short code or phrase (no patient details); null where the lifecycle records none (visits).</param>
public sealed record StatusChange<TStatus>(
    TStatus From,
    TStatus To,
    string Actor,
    Instant At,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Reason = null)
    where TStatus : struct, Enum;

/// <summary>
/// Thrown when a record (visit, referral, claim, care plan, care activity) is asked to make a move its lifecycle does
/// not allow. It names the kind of record, its id and statuses only: never patient data.
/// </summary>
public sealed class TransitionException : InvalidOperationException
{
    /// <summary>Creates the exception for a move the lifecycle's table refuses.</summary>
    /// <param name="kind">The kind of record, for example <c>visit</c> or <c>care activity</c>.</param>
    /// <param name="id">The record's opaque id (for an activity, <c>plan/activity</c>).</param>
    /// <param name="from">Its status.</param>
    /// <param name="to">The status asked for.</param>
    /// <param name="allowed">The statuses it may move to from <paramref name="from"/>.</param>
    public TransitionException(string kind, string id, Enum from, Enum to, IReadOnlyList<Enum> allowed)
        : this(kind, id, from, to, allowed, null)
    {
    }

    /// <summary>Creates the exception with its own explanation of the refusal.</summary>
    /// <param name="kind">The kind of record, for example <c>visit</c> or <c>care activity</c>.</param>
    /// <param name="id">The record's opaque id (for an activity, <c>plan/activity</c>).</param>
    /// <param name="from">Its status.</param>
    /// <param name="to">The status asked for.</param>
    /// <param name="allowed">The statuses it may move to from <paramref name="from"/>.</param>
    /// <param name="message">The explanation (ids and statuses only); null for the standard one.</param>
    public TransitionException(string kind, string id, Enum from, Enum to, IReadOnlyList<Enum> allowed, string? message)
        : base(message ?? StandardMessage(Subject(kind, id), from, to, allowed))
    {
        (Kind, Id, From, To, Allowed) = (kind, id, from, to, allowed);
    }

    /// <summary>Gets the kind of record, for example <c>visit</c>, <c>referral</c>, <c>claim</c>, <c>care plan</c> or <c>care activity</c>.</summary>
    public string Kind { get; }

    /// <summary>Gets the record's opaque id (for an activity, <c>plan/activity</c>).</summary>
    public string Id { get; }

    /// <summary>Gets the record's status (a value of its status enum, such as <c>VisitStatus.Booked</c>).</summary>
    public Enum From { get; }

    /// <summary>Gets the status asked for.</summary>
    public Enum To { get; }

    /// <summary>Gets the statuses the record may move to from <see cref="From"/>; empty when it is final.</summary>
    public IReadOnlyList<Enum> Allowed { get; }

    /// <summary>The standard refusal: "<c>Visit 'v-1' cannot go from Booked to Fulfilled; from Booked it may go to …</c>".</summary>
    private static string StandardMessage(string subject, Enum from, Enum to, IReadOnlyList<Enum> allowed)
    {
        ArgumentNullException.ThrowIfNull(allowed);
        return $"{subject} cannot go from {from} to {to}; from {from} it may go to {(allowed.Count == 0 ? "nothing (it is final)" : string.Join(", ", allowed))}.";
    }

    /// <summary>How a message names a record: "Visit 'v-1'"; an activity "Activity 'a' of care plan 'p'".</summary>
    private static string Subject(string kind, string id) =>
        kind == Lifecycles.ActivityKind && id.Split('/', 2) is [var plan, var activity]
            ? $"Activity '{activity}' of care plan '{plan}'"
            : $"{char.ToUpperInvariant(kind[0])}{kind[1..]} '{id}'";
}

/// <summary>
/// Thrown when a record that an operation names does not exist: names its kind and id only. A
/// <see cref="KeyNotFoundException"/>, so callers that catch that keep working.
/// </summary>
public sealed class RecordNotFoundException : KeyNotFoundException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="kind">The kind of record, for example <c>visit</c> or <c>care activity</c>.</param>
    /// <param name="id">The opaque id asked for.</param>
    public RecordNotFoundException(string kind, string id)
        : this(kind, id, null)
    {
    }

    /// <summary>Creates the exception with its own wording (ids only).</summary>
    /// <param name="kind">The kind of record.</param>
    /// <param name="id">The opaque id asked for.</param>
    /// <param name="message">The message; null for "<c>There is no visit 'v-9'.</c>".</param>
    public RecordNotFoundException(string kind, string id, string? message)
        : base(message ?? $"There is no {kind} '{id}'.")
    {
        (Kind, Id) = (kind, id);
    }

    /// <summary>Gets the kind of record.</summary>
    public string Kind { get; }

    /// <summary>Gets the id asked for.</summary>
    public string Id { get; }
}

/// <summary>The kinds of record with a lifecycle, as <see cref="TransitionException.Kind"/> names them.</summary>
internal static class Lifecycles
{
    internal const string VisitKind = "visit";
    internal const string ReferralKind = "referral";
    internal const string ClaimKind = "claim";
    internal const string CarePlanKind = "care plan";
    internal const string ActivityKind = "care activity";
}

/// <summary>
/// A status lifecycle: which status may move to which. One table per kind of record; every status of the enum has an
/// entry (empty when final). Immutable; thread safe.
/// </summary>
/// <typeparam name="TStatus">The status enum.</typeparam>
internal sealed class Lifecycle<TStatus>
    where TStatus : struct, Enum
{
    private readonly FrozenDictionary<TStatus, TStatus[]> _moves;

    /// <summary>Creates the lifecycle.</summary>
    /// <param name="kind">The kind of record, for messages.</param>
    /// <param name="moves">For every status, the statuses it may move to.</param>
    /// <exception cref="ArgumentException">A status has no entry.</exception>
    public Lifecycle(string kind, IReadOnlyDictionary<TStatus, TStatus[]> moves)
    {
        ArgumentNullException.ThrowIfNull(moves);
        var missing = Enum.GetValues<TStatus>().Where(s => !moves.ContainsKey(s)).ToList();
        if (missing.Count > 0)
        {
            throw new ArgumentException($"The {kind} lifecycle has no entry for {string.Join(", ", missing)}.", nameof(moves));
        }

        Kind = kind;
        _moves = moves.ToFrozenDictionary();
    }

    /// <summary>Gets the kind of record.</summary>
    public string Kind { get; }

    /// <summary>The statuses a record in <paramref name="from"/> may move to.</summary>
    /// <param name="from">A status.</param>
    /// <returns>The allowed next statuses; empty for a final one.</returns>
    public IReadOnlyList<TStatus> AllowedFrom(TStatus from) => _moves[from];

    /// <summary>Whether the table allows the move.</summary>
    /// <param name="from">The status.</param>
    /// <param name="to">The status asked for.</param>
    /// <returns>True when allowed.</returns>
    public bool CanMove(TStatus from, TStatus to) => _moves[from].Contains(to);

    /// <summary>Whether nothing follows a status.</summary>
    /// <param name="status">A status.</param>
    /// <returns>True when final.</returns>
    public bool IsFinal(TStatus status) => _moves[status].Length == 0;

    /// <summary>Refuses a move the table does not allow.</summary>
    /// <param name="id">The record's id.</param>
    /// <param name="from">Its status.</param>
    /// <param name="to">The status asked for.</param>
    /// <exception cref="TransitionException">The table does not allow it.</exception>
    public void Check(string id, TStatus from, TStatus to)
    {
        if (!CanMove(from, to))
        {
            throw Refusal(id, from, to);
        }
    }

    /// <summary>The move's entry in the record's history, once the table allows it.</summary>
    /// <param name="id">The record's id.</param>
    /// <param name="from">Its status.</param>
    /// <param name="to">The status asked for.</param>
    /// <param name="actor">Who.</param>
    /// <param name="at">When.</param>
    /// <param name="reason">Why, where the lifecycle records it.</param>
    /// <returns>The history entry.</returns>
    /// <exception cref="TransitionException">The table does not allow it.</exception>
    public StatusChange<TStatus> Move(string id, TStatus from, TStatus to, string actor, Instant at, string? reason = null)
    {
        Check(id, from, to);
        return new StatusChange<TStatus>(from, to, actor, at, reason);
    }

    /// <summary>The refusal of a move.</summary>
    /// <param name="id">The record's id.</param>
    /// <param name="from">Its status.</param>
    /// <param name="to">The status asked for.</param>
    /// <param name="allowed">What it may move to instead; null for the table's entry.</param>
    /// <param name="message">Its own explanation (ids and statuses only); null for the standard one.</param>
    /// <returns>The exception, to throw.</returns>
    public TransitionException Refusal(string id, TStatus from, TStatus to, IReadOnlyList<TStatus>? allowed = null, string? message = null) =>
        new(Kind, id, from, to, [.. (allowed ?? _moves[from]).Select(s => (Enum)s)], message);
}
