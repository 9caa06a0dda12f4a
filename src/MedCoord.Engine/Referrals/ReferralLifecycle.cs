using MedCoord.Scheduling.Validation;
using NodaTime;

namespace MedCoord.Engine.Referrals;

/// <summary>
/// The referral loop: Draft → Sent → Accepted | Declined; Accepted → Scheduled → Completed → ReportReceived → Closed;
/// a declined referral is closed; anything not yet done can be Cancelled, and anything waiting on the target can
/// Expire. Thread safe.
/// </summary>
public static class ReferralLifecycle
{
    /// <summary>The referral lifecycle.</summary>
    internal static readonly Lifecycle<ReferralStatus> Lifecycle = new(Lifecycles.ReferralKind, new Dictionary<ReferralStatus, ReferralStatus[]>
    {
        [ReferralStatus.Draft] = [ReferralStatus.Sent, ReferralStatus.Cancelled],
        [ReferralStatus.Sent] = [ReferralStatus.Accepted, ReferralStatus.Declined, ReferralStatus.Cancelled, ReferralStatus.Expired],
        [ReferralStatus.Accepted] = [ReferralStatus.Scheduled, ReferralStatus.Cancelled, ReferralStatus.Expired],
        [ReferralStatus.Declined] = [ReferralStatus.Closed],
        [ReferralStatus.Scheduled] = [ReferralStatus.Completed, ReferralStatus.Cancelled, ReferralStatus.Expired],
        [ReferralStatus.Completed] = [ReferralStatus.ReportReceived, ReferralStatus.Expired],
        [ReferralStatus.ReportReceived] = [ReferralStatus.Closed],
        [ReferralStatus.Closed] = [],
        [ReferralStatus.Cancelled] = [],
        [ReferralStatus.Expired] = [],
    });

    /// <summary>The statuses a referral in <paramref name="from"/> may move to.</summary>
    /// <param name="from">A status.</param>
    /// <returns>The allowed next statuses; empty for a final one.</returns>
    public static IReadOnlyList<ReferralStatus> AllowedFrom(ReferralStatus from) => Lifecycle.AllowedFrom(from);

    /// <summary>A new draft.</summary>
    /// <param name="id">Opaque referral id.</param>
    /// <param name="patientId">Opaque patient id.</param>
    /// <param name="fromProviderId">The referring provider.</param>
    /// <param name="target">A specialty or a directory facility id.</param>
    /// <param name="priority">How soon.</param>
    /// <param name="clock">The clock.</param>
    /// <param name="directory">When given, the target must be a specialty some facility in it offers, or one of its facilities.</param>
    /// <returns>The draft, version 0 (not yet stored).</returns>
    /// <exception cref="ArgumentException">An id is empty.</exception>
    /// <exception cref="ValidationException">The directory does not know the target (path <c>target</c>).</exception>
    public static Referral Draft(string id, string patientId, string fromProviderId, string target, ReferralPriority priority, IClock clock, FacilityDirectory? directory = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(id);
        ArgumentException.ThrowIfNullOrWhiteSpace(patientId);
        ArgumentException.ThrowIfNullOrWhiteSpace(fromProviderId);
        ArgumentException.ThrowIfNullOrWhiteSpace(target);
        ArgumentNullException.ThrowIfNull(clock);
        if (directory?.CheckTarget(target) is { } problem)
        {
            throw new ValidationException([new ValidationError(nameof(target), problem)], $"referral '{id}'", nameof(target));
        }

        return new Referral(id, patientId, fromProviderId, target, priority, clock.GetCurrentInstant(), ReferralStatus.Draft, null, []);
    }

    /// <summary>Moves a referral on, recording who, when and why.</summary>
    /// <param name="referral">The referral.</param>
    /// <param name="to">The new status.</param>
    /// <param name="actor">Who: an opaque id.</param>
    /// <param name="reason">Why.</param>
    /// <param name="clock">The clock.</param>
    /// <returns>The referral after the move (same version: storing it increments the version).</returns>
    /// <exception cref="TransitionException">The lifecycle does not allow the move.</exception>
    public static Referral Move(Referral referral, ReferralStatus to, string actor, string reason, IClock clock)
    {
        ArgumentNullException.ThrowIfNull(referral);
        ArgumentException.ThrowIfNullOrWhiteSpace(actor);
        ArgumentException.ThrowIfNullOrWhiteSpace(reason);
        ArgumentNullException.ThrowIfNull(clock);
        var now = clock.GetCurrentInstant();
        var change = Lifecycle.Move(referral.Id, referral.Status, to, actor, now, reason);
        return referral with
        {
            Status = to,
            SentAt = to == ReferralStatus.Sent ? now : referral.SentAt,
            History = [.. referral.History, change],
        };
    }
}
