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
