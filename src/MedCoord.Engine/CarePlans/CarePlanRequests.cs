using MedCoord.Scheduling.Validation;
using MedCoord.Scheduling.Model;
using NodaTime;

namespace MedCoord.Engine.CarePlans;

/// <summary>An activity's open occurrence, due within a horizon, as a scheduling request.</summary>
/// <param name="PlanId">The plan.</param>
/// <param name="PatientId">The patient.</param>
/// <param name="ActivityId">The activity.</param>
/// <param name="Occurrence">The occurrence number, from 1.</param>
/// <param name="Request">The request to schedule: id <c>plan/activity/occurrence</c>, the activity's type and priority, its window, its care-pathway links.</param>
/// <param name="Overdue">Whether its window ended before the horizon began (then the request may go anywhere in the horizon).</param>
public sealed record DueOccurrence(string PlanId, string PatientId, string ActivityId, int Occurrence, AppointmentRequest Request, bool Overdue);

/// <summary>An activity past its last acceptable date and not done.</summary>
/// <param name="PlanId">The plan.</param>
/// <param name="PatientId">The patient.</param>
/// <param name="ActivityId">The activity.</param>
/// <param name="Occurrence">The occurrence that is late.</param>
/// <param name="DueBy">The last date it should have taken place.</param>
/// <param name="DaysOverdue">Days from then to today.</param>
/// <param name="Priority">The activity's priority.</param>
/// <param name="BookedRequestId">The request booked for it, if one is (late, or not yet attended).</param>
public sealed record OverdueActivity(string PlanId, string PatientId, string ActivityId, int Occurrence, LocalDate DueBy, int DaysOverdue, int Priority, string? BookedRequestId);

/// <summary>What is late about a care plan that has not moved on.</summary>
public enum CarePlanLateness
{
    /// <summary>A plan still in draft past the activation limit: it emits nothing.</summary>
    NotActivated,

    /// <summary>A plan on hold past the review limit: it emits nothing.</summary>
    PlanOnHold,

    /// <summary>An activity of an active plan on hold past the review limit: it emits nothing and is never overdue.</summary>
    ActivityOnHold,
}

/// <summary>A care plan, or one of its activities, paused or unstarted past its limit.</summary>
/// <param name="PlanId">The plan.</param>
/// <param name="PatientId">The patient.</param>
/// <param name="ActivityId">The activity on hold; null when the plan itself is late.</param>
/// <param name="Lateness">What is late.</param>
/// <param name="Since">When it entered that status.</param>
/// <param name="DueAt">When it should have been looked at again.</param>
public sealed record StalledCarePlan(string PlanId, string PatientId, string? ActivityId, CarePlanLateness Lateness, Instant Since, Instant DueAt);

/// <summary>How long a care plan may stay unstarted or paused before it is on the worklist. Mutable options, validated by <see cref="Validate"/>.</summary>
public sealed class CarePlanOptions
{
    /// <summary>Gets or sets how long a plan may stay in draft, counted from when it was written.</summary>
    /// <value>The default is 7 days.</value>
    public Duration ActivateWithin { get; set; } = Duration.FromDays(7);

    /// <summary>Gets or sets how long a plan or an activity may stay on hold before someone looks at it again.</summary>
    /// <value>The default is 30 days.</value>
    public Duration ReviewHoldAfter { get; set; } = Duration.FromDays(30);

    /// <summary>Every problem with the options.</summary>
    /// <returns>One error per problem, its path the option; empty when valid.</returns>
    public IReadOnlyList<ValidationError> Validate() =>
        ActivateWithin <= Duration.Zero || ReviewHoldAfter <= Duration.Zero ? [new ValidationError("ActivateWithin and ReviewHoldAfter", "must be positive")] : [];
}

/// <summary>
/// What active care plans ask of the scheduler, and what they are late with. Pure and thread safe.
/// </summary>
public static class CarePlanRequests
{
    /// <summary>
    /// The scheduling requests of every open, unbooked occurrence of active plans whose window meets the horizon: one
    /// per activity (its next occurrence), windowed by the activity (an overdue one anywhere in the horizon), with a
    /// link to each activity it follows that is still open — to that activity's request emitted here or to its booked
    /// request (which the host keeps in the problem, for example as a fixed booking). An activity that follows one on
    /// hold or not yet due waits, and is not emitted.
    /// </summary>
    /// <param name="plans">Care plans.</param>
    /// <param name="horizon">The dates being scheduled.</param>
    /// <returns>The due occurrences, by plan then in activity order.</returns>
    public static IReadOnlyList<DueOccurrence> Due(IEnumerable<CarePlan> plans, DateInterval horizon)
    {
        ArgumentNullException.ThrowIfNull(plans);
        ArgumentNullException.ThrowIfNull(horizon);
        var due = new List<DueOccurrence>();
        foreach (var plan in plans.Where(p => p.Status == CarePlanStatus.Active))
        {
            var emitted = new Dictionary<string, DueOccurrence>(StringComparer.Ordinal);
            var waiting = plan.Activities.Where(a => a.Status is ActivityStatus.NotStarted or ActivityStatus.InProgress).ToList();
            bool progress;
            do
            {
                progress = false;
                foreach (var activity in waiting.Where(a => !emitted.ContainsKey(a.Id)).ToList())
                {
                    if (Emit(plan, activity, horizon, emitted) is { } occurrence)
                    {
                        emitted[activity.Id] = occurrence;
                        progress = true;
                    }
                }
            }
            while (progress);

            due.AddRange(plan.Activities.Where(a => emitted.ContainsKey(a.Id)).Select(a => emitted[a.Id]));
        }

        return due;
    }

    /// <summary>
    /// Open activities of active plans (booked or not, not on hold) whose last acceptable date is before
    /// <paramref name="today"/>: highest priority first, then the longest overdue.
    /// </summary>
    /// <param name="plans">Care plans.</param>
    /// <param name="today">Today's date where the plans are kept.</param>
    /// <returns>The worklist.</returns>
    public static IReadOnlyList<OverdueActivity> Overdue(IEnumerable<CarePlan> plans, LocalDate today)
    {
        ArgumentNullException.ThrowIfNull(plans);
        return [.. plans.Where(p => p.Status == CarePlanStatus.Active)
            .SelectMany(p => p.Activities
                .Where(a => a.Status is ActivityStatus.NotStarted or ActivityStatus.InProgress or ActivityStatus.Scheduled && a.Window.To < today)
                .Select(a => new OverdueActivity(p.Id, p.PatientId, a.Id, a.OpenOccurrence, a.Window.To, Period.Between(a.Window.To, today, PeriodUnits.Days).Days, a.Priority, a.BookedRequestId)))
            .OrderByDescending(o => o.Priority).ThenByDescending(o => o.DaysOverdue).ThenBy(o => o.PlanId, StringComparer.Ordinal).ThenBy(o => o.ActivityId, StringComparer.Ordinal)];
    }

    /// <summary>
    /// Plans and activities that wait on a coordinator with no due date of their own, past their limit: a plan in draft,
    /// a plan on hold, an activity of an active plan on hold. The longest late first. (Open activities of active plans
    /// are late by their dates, in <see cref="Overdue"/>; completed, revoked and entered-in-error plans, and completed,
    /// cancelled, stopped and entered-in-error activities, are over.)
    /// </summary>
    /// <param name="plans">Care plans.</param>
    /// <param name="options">The limits.</param>
    /// <param name="now">The current instant.</param>
    /// <returns>The worklist.</returns>
    public static IReadOnlyList<StalledCarePlan> Stalled(IEnumerable<CarePlan> plans, CarePlanOptions options, Instant now)
    {
        ArgumentNullException.ThrowIfNull(plans);
        ArgumentNullException.ThrowIfNull(options);
        var stalled = new List<StalledCarePlan>();
        foreach (var plan in plans)
        {
            Instant Since(string? activityId, string action) =>
                plan.History.LastOrDefault(c => c.ActivityId == activityId && c.Action == action)?.At ?? (plan.History.Count > 0 ? plan.History[0].At : now);
            void Add(string? activityId, CarePlanLateness lateness, Instant since, Duration limit)
            {
                if (now > since + limit)
                {
                    stalled.Add(new StalledCarePlan(plan.Id, plan.PatientId, activityId, lateness, since, since + limit));
                }
            }

            switch (plan.Status)
            {
                case CarePlanStatus.Draft:
                    Add(null, CarePlanLateness.NotActivated, Since(null, AuditActions.PlanCreated), options.ActivateWithin);
                    break;
                case CarePlanStatus.OnHold:
                    Add(null, CarePlanLateness.PlanOnHold, Since(null, AuditActions.Plan(CarePlanStatus.OnHold)), options.ReviewHoldAfter);
                    break;
                case CarePlanStatus.Active:
                    foreach (var a in plan.Activities.Where(a => a.Status == ActivityStatus.OnHold))
                    {
                        Add(a.Id, CarePlanLateness.ActivityOnHold, Since(a.Id, AuditActions.Activity(ActivityStatus.OnHold)), options.ReviewHoldAfter);
                    }

                    break;
            }
        }

        return [.. stalled.OrderBy(s => s.DueAt).ThenBy(s => s.PlanId, StringComparer.Ordinal).ThenBy(s => s.ActivityId, StringComparer.Ordinal)];
    }

    /// <summary>The activity's request, or null when it is not due in the horizon or waits for an activity it follows.</summary>
    private static DueOccurrence? Emit(CarePlan plan, CareActivity activity, DateInterval horizon, Dictionary<string, DueOccurrence> emitted)
    {
        var (from, to) = activity.Window;
        if (from is { } first && first > horizon.End)
        {
            return null;
        }

        var links = new List<RequestLink>();
        foreach (var link in activity.Links)
        {
            var before = plan.Activity(link.ActivityId);
            if (before.IsFinal)
            {
                continue;
            }

            var requestId = before.Status == ActivityStatus.Scheduled ? before.BookedRequestId
                : emitted.TryGetValue(before.Id, out var occurrence) ? occurrence.Request.Id
                : null;
            if (requestId is null)
            {
                return null;
            }

            links.Add(new RequestLink(requestId, link.MinGapMinutes, link.MaxGapMinutes));
        }

        var overdue = to < horizon.Start;
        var request = new AppointmentRequest(
            CarePlanLifecycle.RequestId(plan.Id, activity.Id, activity.OpenOccurrence),
            plan.PatientId,
            activity.AppointmentTypeId,
            Earliest: overdue ? horizon.Start : from,
            Latest: overdue ? null : to,
            Priority: activity.Priority,
            After: links);
        return new DueOccurrence(plan.Id, plan.PatientId, activity.Id, activity.OpenOccurrence, request, overdue);
    }
}
