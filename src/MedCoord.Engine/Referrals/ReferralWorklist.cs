using MedCoord.Scheduling.Validation;
using NodaTime;

namespace MedCoord.Engine.Referrals;

/// <summary>How long a referral of one priority may wait, each counted from when it was sent.</summary>
/// <param name="Accept">To be accepted or declined.</param>
/// <param name="Schedule">To have an appointment booked.</param>
/// <param name="Report">To have the target's report back (the referral's due date).</param>
public sealed record ReferralLimits(Duration Accept, Duration Schedule, Duration Report);

/// <summary>Per-priority limits for referrals. Mutable options, validated by <see cref="Validate"/>.</summary>
public sealed class ReferralOptions
{
    /// <summary>Gets or sets the limits per priority.</summary>
    /// <value>The defaults are routine 7/30/60 days, urgent 2/7/14 days, asap 1/3/7 days, stat 4 hours/1 day/2 days.</value>
    public Dictionary<ReferralPriority, ReferralLimits> Limits { get; set; } = new()
    {
        [ReferralPriority.Routine] = new(Duration.FromDays(7), Duration.FromDays(30), Duration.FromDays(60)),
        [ReferralPriority.Urgent] = new(Duration.FromDays(2), Duration.FromDays(7), Duration.FromDays(14)),
        [ReferralPriority.Asap] = new(Duration.FromDays(1), Duration.FromDays(3), Duration.FromDays(7)),
        [ReferralPriority.Stat] = new(Duration.FromHours(4), Duration.FromDays(1), Duration.FromDays(2)),
    };

    /// <summary>Gets or sets how long a draft may wait to be sent, counted from when it was written.</summary>
    /// <value>The default is 1 day.</value>
    public Duration SendWithin { get; set; } = Duration.FromDays(1);

    /// <summary>Gets or sets how long a declined referral, or one whose report came back, may wait to be closed by the referrer.</summary>
    /// <value>The default is 3 days.</value>
    public Duration CloseWithin { get; set; } = Duration.FromDays(3);

    /// <summary>Every problem with the options: a missing priority, a non-positive limit, or limits out of order.</summary>
    /// <returns>One error per problem, its path the option; empty when valid.</returns>
    public IReadOnlyList<ValidationError> Validate()
    {
        var problems = new List<ValidationError>();
        if (SendWithin <= Duration.Zero || CloseWithin <= Duration.Zero)
        {
            problems.Add(new("SendWithin and CloseWithin", "must be positive"));
        }

        foreach (var priority in Enum.GetValues<ReferralPriority>())
        {
            if (Limits is null || !Limits.TryGetValue(priority, out var l) || l is null)
            {
                problems.Add(new($"Limits[{priority}]", $"missing"));
                continue;
            }

            if (l.Accept <= Duration.Zero || l.Schedule <= Duration.Zero || l.Report <= Duration.Zero)
            {
                problems.Add(new($"Limits[{priority}]", $"every limit must be positive"));
            }
            else if (!(l.Accept <= l.Schedule && l.Schedule <= l.Report))
            {
                problems.Add(new($"Limits[{priority}]", $"accept ({l.Accept}) ≤ schedule ({l.Schedule}) ≤ report ({l.Report}) must hold"));
            }
        }

        return problems;
    }
}

/// <summary>What is late about a referral.</summary>
public enum ReferralLateness
{
    /// <summary>A draft not sent within the send limit.</summary>
    NotSent,

    /// <summary>Sent, not answered within the accept limit.</summary>
    NotAccepted,

    /// <summary>No appointment within the schedule limit.</summary>
    NotScheduled,

    /// <summary>No report within the report limit (the due date).</summary>
    NoReport,

    /// <summary>Declined, or its report received, and not closed by the referrer within the close limit.</summary>
    NotClosed,
}

/// <summary>One overdue referral on the coordinator's worklist.</summary>
/// <param name="ReferralId">The referral.</param>
/// <param name="Lateness">What is late.</param>
/// <param name="DueAt">When it was due.</param>
public sealed record OverdueReferral(string ReferralId, ReferralLateness Lateness, Instant DueAt);

/// <summary>
/// The referrals past their limits, most overdue first: a draft not sent, a sent one not answered, an accepted one not
/// booked, a booked or completed one without its report, a declined one or one with its report not closed. Closed,
/// cancelled and expired referrals are over. Thread safe.
/// </summary>
public static class ReferralWorklist
{
    /// <summary>The referral's due date: sent time plus its priority's report limit; null until sent.</summary>
    /// <param name="referral">The referral.</param>
    /// <param name="options">The limits.</param>
    /// <returns>The due date.</returns>
    public static Instant? DueBy(Referral referral, ReferralOptions options)
    {
        ArgumentNullException.ThrowIfNull(referral);
        ArgumentNullException.ThrowIfNull(options);
        return referral.SentAt + options.Limits[referral.Priority].Report;
    }

    /// <summary>Every referral past a limit at <paramref name="now"/>, the earliest missed limit of each, most overdue first.</summary>
    /// <param name="referrals">Referrals.</param>
    /// <param name="options">The limits.</param>
    /// <param name="now">The current instant (from the host's clock).</param>
    /// <returns>The worklist.</returns>
    public static IReadOnlyList<OverdueReferral> Overdue(IEnumerable<Referral> referrals, ReferralOptions options, Instant now)
    {
        ArgumentNullException.ThrowIfNull(referrals);
        ArgumentNullException.ThrowIfNull(options);
        var list = new List<OverdueReferral>();
        foreach (var r in referrals)
        {
            var limits = options.Limits[r.Priority];
            var sent = r.SentAt ?? r.CreatedAt;
            var since = r.History.Count > 0 ? r.History[^1].At : r.CreatedAt;
            (ReferralLateness Lateness, Instant DueAt)? late = r.Status switch
            {
                ReferralStatus.Draft => (ReferralLateness.NotSent, r.CreatedAt + options.SendWithin),
                ReferralStatus.Sent => (ReferralLateness.NotAccepted, sent + limits.Accept),
                ReferralStatus.Accepted => (ReferralLateness.NotScheduled, sent + limits.Schedule),
                ReferralStatus.Scheduled or ReferralStatus.Completed => (ReferralLateness.NoReport, sent + limits.Report),
                ReferralStatus.Declined or ReferralStatus.ReportReceived => (ReferralLateness.NotClosed, since + options.CloseWithin),
                _ => null,
            };
            if (late is { } l && now > l.DueAt)
            {
                list.Add(new OverdueReferral(r.Id, l.Lateness, l.DueAt));
            }
        }

        return [.. list.OrderBy(o => o.DueAt).ThenBy(o => o.ReferralId, StringComparer.Ordinal)];
    }
}
