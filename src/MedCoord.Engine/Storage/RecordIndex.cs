using MedCoord.Engine.Billing;
using MedCoord.Engine.CarePlans;
using MedCoord.Engine.Communications;
using MedCoord.Engine.Referrals;
using MedCoord.Engine.Results;
using MedCoord.Engine.Visits;
using NodaTime;

namespace MedCoord.Engine.Storage;

/// <summary>
/// What a record is looked up by, written next to it at every commit (so that an encrypted body need not be opened to
/// find it): its patient, whether it is open — it may still wait on someone: on the worklist, or a message to send —,
/// when it is next due (a pending message's send time), and the record it hangs on (a visit's request, a message's
/// visit or result). The one place these are derived from a record.
/// </summary>
/// <param name="PatientId">The patient the record is about.</param>
/// <param name="Open">Whether the record may still appear on the worklist or among the due messages.</param>
/// <param name="Due">When an open record is next due; null when it has no time of its own.</param>
/// <param name="Ref">The id of the record it hangs on, or null.</param>
internal sealed record RecordIndex(string PatientId, bool Open, Instant? Due, string? Ref)
{
    /// <summary>The index of a stored record.</summary>
    /// <param name="record">A record of a kind the engine stores.</param>
    /// <returns>Its index.</returns>
    public static RecordIndex Of(object record) => record switch
    {
        CarePlan p => new(p.PatientId, p.Status is CarePlanStatus.Draft or CarePlanStatus.Active or CarePlanStatus.OnHold, null, null),
        Visit v => new(v.PatientId, v.Status is VisitStatus.Booked or VisitStatus.Arrived or VisitStatus.CheckedIn or VisitStatus.NoShow, null, v.BookedRequestId),
        Consent c => new(c.PatientId, false, null, null),
        IntakeResponse i => new(i.PatientId, false, null, null),
        ResultThread t => new(t.Latest.PatientId, t.Tasks.Any(task => task.IsOpen), null, null),
        OutboxMessage m => new(m.PatientId, m.IsPending, m.IsPending ? AtTick(m.SendAt) : null, m.VisitId ?? m.ResultId),
        Referral r => new(r.PatientId, r.Status is not (ReferralStatus.Closed or ReferralStatus.Cancelled or ReferralStatus.Expired), null, null),
        Claim c => new(c.Patient.Id, c.Status != ClaimStatus.Closed, null, null),
        _ => throw new ArgumentException($"The engine does not store records of type {record?.GetType().Name ?? "null"}.", nameof(record)),
    };

    /// <summary>
    /// The instant at the precision the index keeps (100 ns ticks), rounded toward the start of time: a record is never
    /// found later than it is due, and an index read back equals the one derived again.
    /// </summary>
    private static Instant AtTick(Instant instant) => Instant.FromUnixTimeTicks(instant.ToUnixTimeTicks());

    /// <summary>Whether a query selects a record with this index.</summary>
    /// <param name="query">The query.</param>
    /// <returns>True when every condition of the query holds.</returns>
    public bool Matches(RecordQuery query) =>
        (query.PatientId is null || PatientId == query.PatientId)
        && (!query.OpenOnly || Open)
        && (query.DueBy is not { } by || (Due is { } due && due <= by))
        && (query.Ref is null || Ref == query.Ref);
}

/// <summary>Which records of a kind to read; every condition given must hold, none given reads them all.</summary>
/// <param name="PatientId">Only this patient's records.</param>
/// <param name="OpenOnly">Only open records.</param>
/// <param name="DueBy">Only records due at or before this instant.</param>
/// <param name="Ref">Only records hanging on this id.</param>
internal sealed record RecordQuery(string? PatientId = null, bool OpenOnly = false, Instant? DueBy = null, string? Ref = null)
{
    /// <summary>Gets the query reading every record of a kind.</summary>
    public static RecordQuery All { get; } = new();

    /// <summary>Gets the query reading the open records of a kind.</summary>
    public static RecordQuery Open { get; } = new(OpenOnly: true);
}
