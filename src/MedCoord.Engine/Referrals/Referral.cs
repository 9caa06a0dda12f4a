using NodaTime;

namespace MedCoord.Engine.Referrals;

/// <summary>How soon a referral is needed (FHIR request priority).</summary>
public enum ReferralPriority
{
    /// <summary>Normal priority.</summary>
    Routine,

    /// <summary>Sooner than routine.</summary>
    Urgent,

    /// <summary>As soon as possible.</summary>
    Asap,

    /// <summary>Immediately.</summary>
    Stat,
}

/// <summary>Where a referral is in its loop.</summary>
public enum ReferralStatus
{
    /// <summary>Written, not sent.</summary>
    Draft,

    /// <summary>Sent to the target, not yet answered.</summary>
    Sent,

    /// <summary>The target agreed to see the patient.</summary>
    Accepted,

    /// <summary>The target will not see the patient.</summary>
    Declined,

    /// <summary>An appointment is booked.</summary>
    Scheduled,

    /// <summary>The patient was seen.</summary>
    Completed,

    /// <summary>The target's report came back.</summary>
    ReportReceived,

    /// <summary>The loop is closed: the referrer has the outcome.</summary>
    Closed,

    /// <summary>Withdrawn before it was done.</summary>
    Cancelled,

    /// <summary>Not acted on in time.</summary>
    Expired,
}

/// <summary>A referral and its tracking: FHIR ServiceRequest (what is asked) plus Task (where it is).</summary>
/// <param name="Id">Opaque referral id.</param>
/// <param name="PatientId">Opaque patient id.</param>
/// <param name="FromProviderId">The referring provider.</param>
/// <param name="Target">A specialty or an external facility id from the directory.</param>
/// <param name="Priority">How soon it is needed.</param>
/// <param name="CreatedAt">When it was written.</param>
/// <param name="Status">Where it is now.</param>
/// <param name="SentAt">When it was sent, once sent.</param>
/// <param name="History">Every transition, oldest first.</param>
public sealed record Referral(
    string Id,
    string PatientId,
    string FromProviderId,
    string Target,
    ReferralPriority Priority,
    Instant CreatedAt,
    ReferralStatus Status,
    Instant? SentAt,
    IReadOnlyList<StatusChange<ReferralStatus>> History)
{
    /// <summary>Whether two referrals hold the same values, their histories compared entry by entry.</summary>
    /// <param name="other">The other referral.</param>
    /// <returns>True when equal.</returns>
    public bool Equals(Referral? other) =>
        other is not null && Id == other.Id && PatientId == other.PatientId && FromProviderId == other.FromProviderId && Target == other.Target
        && Priority == other.Priority && CreatedAt == other.CreatedAt && Status == other.Status && SentAt == other.SentAt
        && History.SequenceEqual(other.History);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Id, Status, History.Count);
}
