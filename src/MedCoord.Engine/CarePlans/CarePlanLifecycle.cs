using System.Globalization;
using NodaTime;

namespace MedCoord.Engine.CarePlans;

/// <summary>Thrown when a plan or an activity is asked to make a move its lifecycle does not allow.</summary>
public sealed class CarePlanTransitionException : InvalidOperationException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What was refused and what is allowed.</param>
    public CarePlanTransitionException(string message)
        : base(message)
    {
    }
}

/// <summary>
/// Every change to a care plan: creation (definitions checked, each error naming its path), plan and activity status
/// moves along FHIR's codes (impossible ones refused, naming what is allowed), edits that keep ids and progress, and the
/// scheduling events — an occurrence booked, its booking cancelled, an occurrence fulfilled. Each change is recorded in
/// the plan's history with who and when (from the injected clock). Pure: plans are immutable; thread safe.
/// </summary>
public static class CarePlanLifecycle
{
    private static readonly Dictionary<CarePlanStatus, CarePlanStatus[]> PlanMoves = new()
    {
        [CarePlanStatus.Draft] = [CarePlanStatus.Active, CarePlanStatus.Revoked, CarePlanStatus.EnteredInError],
        [CarePlanStatus.Active] = [CarePlanStatus.OnHold, CarePlanStatus.Completed, CarePlanStatus.Revoked, CarePlanStatus.EnteredInError],
        [CarePlanStatus.OnHold] = [CarePlanStatus.Active, CarePlanStatus.Revoked, CarePlanStatus.EnteredInError],
        [CarePlanStatus.Completed] = [],
        [CarePlanStatus.Revoked] = [],
        [CarePlanStatus.EnteredInError] = [],
    };

    /// <summary>Moves a coordinator may make by hand; booking and fulfilment go through the Record methods.</summary>
    private static readonly Dictionary<ActivityStatus, ActivityStatus[]> ActivityMoves = new()
    {
        [ActivityStatus.NotStarted] = [ActivityStatus.OnHold, ActivityStatus.Cancelled, ActivityStatus.EnteredInError],
        [ActivityStatus.Scheduled] = [ActivityStatus.OnHold, ActivityStatus.Cancelled, ActivityStatus.Stopped, ActivityStatus.EnteredInError],
        [ActivityStatus.InProgress] = [ActivityStatus.OnHold, ActivityStatus.Completed, ActivityStatus.Stopped, ActivityStatus.EnteredInError],
        [ActivityStatus.OnHold] = [ActivityStatus.NotStarted, ActivityStatus.InProgress, ActivityStatus.Cancelled, ActivityStatus.Stopped, ActivityStatus.EnteredInError],
        [ActivityStatus.Completed] = [],
        [ActivityStatus.Cancelled] = [],
        [ActivityStatus.Stopped] = [],
        [ActivityStatus.EnteredInError] = [],
    };

    /// <summary>The plan statuses a plan in <paramref name="from"/> may move to.</summary>
    /// <param name="from">A status.</param>
    /// <returns>The allowed next statuses.</returns>
    public static IReadOnlyList<CarePlanStatus> AllowedFrom(CarePlanStatus from) => PlanMoves[from];

    /// <summary>The statuses a coordinator may move an activity in <paramref name="from"/> to.</summary>
    /// <param name="from">A status.</param>
    /// <returns>The allowed next statuses.</returns>
    public static IReadOnlyList<ActivityStatus> AllowedFrom(ActivityStatus from) => ActivityMoves[from];

    /// <summary>A new plan, in draft.</summary>
    /// <param name="id">Opaque plan id (no '/').</param>
    /// <param name="patientId">Opaque patient id.</param>
    /// <param name="goals">Goals.</param>
    /// <param name="activities">Activities, their progress fields at their defaults.</param>
    /// <param name="actor">Who writes it.</param>
    /// <param name="clock">The clock.</param>
    /// <returns>The plan.</returns>
    /// <exception cref="ArgumentException">A definition is wrong; the message names each problem's path.</exception>
    public static CarePlan Create(string id, string patientId, IReadOnlyList<CarePlanGoal> goals, IReadOnlyList<CareActivity> activities, string actor, IClock clock)
    {
        ArgumentNullException.ThrowIfNull(goals);
        ArgumentNullException.ThrowIfNull(activities);
        ArgumentException.ThrowIfNullOrWhiteSpace(patientId);
        var errors = new List<string>();
        CheckId(errors, "id", id);
        for (var i = 0; i < goals.Count; i++)
        {
            if (goals[i] is null || string.IsNullOrWhiteSpace(goals[i].Id))
            {
                errors.Add($"goals[{i}].id: required");
            }
            else if (goals.Take(i).Any(g => g?.Id == goals[i].Id))
            {
                errors.Add($"goals[{i}].id: duplicate goal id '{goals[i].Id}'");
            }
        }

        CheckActivities(errors, activities);
        ThrowIfAny(errors, nameof(activities));
        var plan = new CarePlan(id, patientId, CarePlanStatus.Draft, goals, activities, []);
        return Record(plan, actor, clock, null, "Plan.Created");
    }

    /// <summary>Moves the plan to another status.</summary>
    /// <param name="plan">The plan.</param>
    /// <param name="to">The new status.</param>
    /// <param name="actor">Who.</param>
    /// <param name="clock">The clock.</param>
    /// <returns>The plan after the move.</returns>
    /// <exception cref="CarePlanTransitionException">The lifecycle does not allow it.</exception>
    public static CarePlan SetStatus(CarePlan plan, CarePlanStatus to, string actor, IClock clock)
    {
        ArgumentNullException.ThrowIfNull(plan);
        if (!PlanMoves[plan.Status].Contains(to))
        {
            throw new CarePlanTransitionException(
                $"Care plan '{plan.Id}' cannot go from {plan.Status} to {to}; from {plan.Status} it may go to {Allowed(PlanMoves[plan.Status])}.");
        }

        return Record(plan with { Status = to }, actor, clock, null, $"Plan.{to}");
    }

    /// <summary>Adds an activity to a plan that is not over.</summary>
    /// <param name="plan">The plan.</param>
    /// <param name="activity">The new activity, its progress fields at their defaults.</param>
    /// <param name="actor">Who.</param>
    /// <param name="clock">The clock.</param>
    /// <returns>The plan with the activity.</returns>
    /// <exception cref="ArgumentException">The definition is wrong or its id is taken.</exception>
    public static CarePlan AddActivity(CarePlan plan, CareActivity activity, string actor, IClock clock)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(activity);
        EnsureOpen(plan);
        var errors = new List<string>();
        CheckActivities(errors, [.. plan.Activities, activity]);
        ThrowIfAny(errors, nameof(activity));
        return Record(plan with { Activities = [.. plan.Activities, activity] }, actor, clock, activity.Id, "Activity.Added");
    }

    /// <summary>
    /// Replaces an activity's definition (type, priority, dates, cadence, links); its id, status and progress stay.
    /// </summary>
    /// <param name="plan">The plan.</param>
    /// <param name="edited">The activity with its new definition, under its existing id.</param>
    /// <param name="actor">Who.</param>
    /// <param name="clock">The clock.</param>
    /// <returns>The plan after the edit.</returns>
    /// <exception cref="ArgumentException">No activity has that id, or the new definition is wrong.</exception>
    public static CarePlan EditActivity(CarePlan plan, CareActivity edited, string actor, IClock clock)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(edited);
        EnsureOpen(plan);
        var current = plan.Activities.FirstOrDefault(a => a.Id == edited.Id)
            ?? throw new ArgumentException($"Care plan '{plan.Id}' has no activity '{edited.Id}' to edit.", nameof(edited));
        if (current.IsFinal)
        {
            throw new CarePlanTransitionException($"Activity '{edited.Id}' of care plan '{plan.Id}' is {current.Status} and can no longer be edited.");
        }

        var kept = edited with { Status = current.Status, CompletedCount = current.CompletedCount, LastDoneOn = current.LastDoneOn, BookedRequestId = current.BookedRequestId };
        var activities = plan.Activities.Select(a => a.Id == edited.Id ? kept : a).ToList();
        var errors = new List<string>();
        CheckActivities(errors, activities);
        ThrowIfAny(errors, nameof(edited));
        return Record(plan with { Activities = activities }, actor, clock, edited.Id, "Activity.Edited");
    }

    /// <summary>Moves an activity by hand: on hold, resumed, cancelled, stopped, completed (a recurring one ended) or entered in error.</summary>
    /// <param name="plan">The plan.</param>
    /// <param name="activityId">The activity.</param>
    /// <param name="to">The new status.</param>
    /// <param name="actor">Who.</param>
    /// <param name="clock">The clock.</param>
    /// <returns>The plan after the move.</returns>
    /// <exception cref="CarePlanTransitionException">The lifecycle does not allow it.</exception>
    public static CarePlan SetActivityStatus(CarePlan plan, string activityId, ActivityStatus to, string actor, IClock clock)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var activity = plan.Activity(activityId);
        var resumeTo = activity.CompletedCount > 0 ? ActivityStatus.InProgress : ActivityStatus.NotStarted;
        var allowed = activity.Status == ActivityStatus.OnHold
            ? ActivityMoves[ActivityStatus.OnHold].Where(s => s is not (ActivityStatus.NotStarted or ActivityStatus.InProgress) || s == resumeTo).ToArray()
            : ActivityMoves[activity.Status];
        if (!allowed.Contains(to))
        {
            throw new CarePlanTransitionException(
                $"Activity '{activityId}' of care plan '{plan.Id}' cannot go from {activity.Status} to {to}; from {activity.Status} it may go to {Allowed(allowed)}.");
        }

        // Put on hold, cancelled or stopped: an open booking no longer belongs to the plan (the host cancels the appointment).
        var changed = activity with { Status = to, BookedRequestId = to == ActivityStatus.Scheduled ? activity.BookedRequestId : null };
        return Record(Replace(plan, changed), actor, clock, activityId, $"Activity.{to}");
    }

    /// <summary>An appointment was booked for an activity's open occurrence.</summary>
    /// <param name="plan">The plan.</param>
    /// <param name="requestId">The request the plan emitted for that occurrence.</param>
    /// <param name="actor">Who.</param>
    /// <param name="clock">The clock.</param>
    /// <returns>The plan with the activity scheduled.</returns>
    /// <exception cref="CarePlanTransitionException">The request is not the activity's open occurrence, or the activity cannot be booked now.</exception>
    public static CarePlan RecordBooked(CarePlan plan, string requestId, string actor, IClock clock)
    {
        var activity = OpenOccurrence(plan, requestId);
        if (plan.Status != CarePlanStatus.Active || activity.Status is not (ActivityStatus.NotStarted or ActivityStatus.InProgress))
        {
            throw new CarePlanTransitionException(
                $"Activity '{activity.Id}' of care plan '{plan.Id}' cannot be booked: the plan is {plan.Status} and the activity {activity.Status}.");
        }

        return Record(Replace(plan, activity with { Status = ActivityStatus.Scheduled, BookedRequestId = requestId }), actor, clock, activity.Id, "Activity.Scheduled");
    }

    /// <summary>The appointment booked for an activity's open occurrence was cancelled: the occurrence is open again.</summary>
    /// <param name="plan">The plan.</param>
    /// <param name="requestId">The booked request.</param>
    /// <param name="actor">Who.</param>
    /// <param name="clock">The clock.</param>
    /// <returns>The plan with the occurrence unbooked.</returns>
    /// <exception cref="CarePlanTransitionException">No activity of the plan has that request booked.</exception>
    public static CarePlan RecordBookingCancelled(CarePlan plan, string requestId, string actor, IClock clock)
    {
        var activity = OpenOccurrence(plan, requestId);
        if (activity.Status != ActivityStatus.Scheduled || activity.BookedRequestId != requestId)
        {
            throw new CarePlanTransitionException($"Activity '{activity.Id}' of care plan '{plan.Id}' has no booking '{requestId}' to cancel (it is {activity.Status}).");
        }

        var reopened = activity with { Status = activity.CompletedCount > 0 ? ActivityStatus.InProgress : ActivityStatus.NotStarted, BookedRequestId = null };
        return Record(Replace(plan, reopened), actor, clock, activity.Id, "Activity.BookingCancelled");
    }

    /// <summary>
    /// An activity's open occurrence took place (its appointment was fulfilled, or it was done elsewhere): a one-off or
    /// order activity is completed; a recurring one counts it and falls due again one cadence after <paramref name="on"/>.
    /// </summary>
    /// <param name="plan">The plan.</param>
    /// <param name="requestId">The request the plan emitted for that occurrence.</param>
    /// <param name="on">The local date it took place.</param>
    /// <param name="actor">Who.</param>
    /// <param name="clock">The clock.</param>
    /// <returns>The plan after it.</returns>
    /// <exception cref="CarePlanTransitionException">The request is not the open occurrence, or the activity is on hold or over.</exception>
    public static CarePlan RecordFulfilled(CarePlan plan, string requestId, LocalDate on, string actor, IClock clock)
    {
        var activity = OpenOccurrence(plan, requestId);
        if (activity.Status is not (ActivityStatus.NotStarted or ActivityStatus.Scheduled or ActivityStatus.InProgress))
        {
            throw new CarePlanTransitionException($"Activity '{activity.Id}' of care plan '{plan.Id}' is {activity.Status}; an occurrence cannot be recorded as done.");
        }

        var done = activity.Kind == ActivityKind.Recurring
            ? activity with { Status = ActivityStatus.InProgress, CompletedCount = activity.CompletedCount + 1, LastDoneOn = on, BookedRequestId = null }
            : activity with { Status = ActivityStatus.Completed, CompletedCount = 1, LastDoneOn = on, BookedRequestId = null };
        return Record(Replace(plan, done), actor, clock, activity.Id, activity.Kind == ActivityKind.Recurring ? "Activity.OccurrenceDone" : "Activity.Completed");
    }

    /// <summary>Whether an activity of the plan holds <paramref name="requestId"/> as the booking of its open occurrence.</summary>
    /// <param name="plan">The plan.</param>
    /// <param name="requestId">A request id.</param>
    /// <returns>True when a cancelled or missed visit for that request re-opens the occurrence.</returns>
    internal static bool HoldsBooking(CarePlan plan, string requestId) =>
        ParseRequestId(requestId) is var (planId, activityId, occurrence) && planId == plan.Id
        && plan.Activities.FirstOrDefault(a => a.Id == activityId) is { Status: ActivityStatus.Scheduled } activity
        && activity.BookedRequestId == requestId && activity.OpenOccurrence == occurrence;

    /// <summary>The request id of an activity's occurrence: <c>plan/activity/occurrence</c>, stable across edits.</summary>
    /// <param name="planId">The plan.</param>
    /// <param name="activityId">The activity.</param>
    /// <param name="occurrence">The occurrence number, from 1.</param>
    /// <returns>The request id.</returns>
    public static string RequestId(string planId, string activityId, int occurrence) =>
        string.Create(CultureInfo.InvariantCulture, $"{planId}/{activityId}/{occurrence}");

    /// <summary>The plan, activity and occurrence a request id names, or null when it is not a care-plan request id.</summary>
    /// <param name="requestId">A request id.</param>
    /// <returns>The parts.</returns>
    public static (string PlanId, string ActivityId, int Occurrence)? ParseRequestId(string requestId)
    {
        var parts = (requestId ?? string.Empty).Split('/');
        return parts.Length == 3 && parts[0].Length > 0 && parts[1].Length > 0 && int.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0
            ? (parts[0], parts[1], n)
            : null;
    }

    private static CareActivity OpenOccurrence(CarePlan plan, string requestId)
    {
        ArgumentNullException.ThrowIfNull(plan);
        if (ParseRequestId(requestId) is not var (planId, activityId, occurrence) || planId != plan.Id)
        {
            throw new CarePlanTransitionException($"Request '{requestId}' is not one care plan '{plan.Id}' emitted.");
        }

        var activity = plan.Activities.FirstOrDefault(a => a.Id == activityId)
            ?? throw new CarePlanTransitionException($"Request '{requestId}' names activity '{activityId}', which care plan '{plan.Id}' does not have.");
        if (activity.IsFinal)
        {
            throw new CarePlanTransitionException($"Activity '{activityId}' of care plan '{plan.Id}' is {activity.Status}; it has no open occurrence.");
        }

        if (occurrence != activity.OpenOccurrence)
        {
            throw new CarePlanTransitionException(
                $"Request '{requestId}' is occurrence {occurrence} of activity '{activityId}', but its open occurrence is {activity.OpenOccurrence}.");
        }

        return activity;
    }

    private static void EnsureOpen(CarePlan plan)
    {
        if (PlanMoves[plan.Status].Length == 0)
        {
            throw new CarePlanTransitionException($"Care plan '{plan.Id}' is {plan.Status}; it can no longer be changed.");
        }
    }

    private static CarePlan Replace(CarePlan plan, CareActivity activity) =>
        plan with { Activities = [.. plan.Activities.Select(a => a.Id == activity.Id ? activity : a)] };

    private static CarePlan Record(CarePlan plan, string actor, IClock clock, string? activityId, string action)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(actor);
        ArgumentNullException.ThrowIfNull(clock);
        return plan with { History = [.. plan.History, new CarePlanChange(clock.GetCurrentInstant(), actor, activityId, action)] };
    }

    private static string Allowed<T>(IReadOnlyCollection<T> allowed) => allowed.Count == 0 ? "nothing (it is final)" : string.Join(", ", allowed);

    private static void ThrowIfAny(List<string> errors, string parameter)
    {
        if (errors.Count > 0)
        {
            throw new ArgumentException(string.Join("; ", errors), parameter);
        }
    }

    private static void CheckId(List<string> errors, string path, string? id)
    {
        if (string.IsNullOrWhiteSpace(id))
        {
            errors.Add($"{path}: required");
        }
        else if (id.Contains('/', StringComparison.Ordinal))
        {
            errors.Add($"{path}: '{id}' must not contain '/' (request ids are plan/activity/occurrence)");
        }
    }

    /// <summary>Each activity's definition, ids unique, links to activities of the plan and free of cycles.</summary>
    private static void CheckActivities(List<string> errors, IReadOnlyList<CareActivity> activities)
    {
        for (var i = 0; i < activities.Count; i++)
        {
            var a = activities[i];
            var path = $"activities[{i}]";
            if (a is null)
            {
                errors.Add($"{path}: must not be null");
                continue;
            }

            CheckId(errors, $"{path}.id", a.Id);
            if (activities.Take(i).Any(b => b?.Id == a.Id))
            {
                errors.Add($"{path}.id: duplicate activity id '{a.Id}'");
            }

            if (string.IsNullOrWhiteSpace(a.AppointmentTypeId))
            {
                errors.Add($"{path}.appointmentTypeId: required");
            }

            if (a.Priority is < 1 or > 100)
            {
                errors.Add($"{path}.priority: must be from 1 to 100, found {a.Priority}");
            }

            if (a.Kind == ActivityKind.Recurring)
            {
                var every = a.Every;
                var positive = every is not null && !every.HasTimeComponent && !every.Equals(Period.Zero)
                    && every.Years >= 0 && every.Months >= 0 && every.Weeks >= 0 && every.Days >= 0;
                if (!positive)
                {
                    errors.Add($"{path}.every: a recurring activity needs a positive cadence in days, weeks, months or years");
                }

                if (a.FirstDue is null)
                {
                    errors.Add($"{path}.firstDue: a recurring activity needs the due date of its first occurrence");
                }

                if (a.ToleranceDays < 0)
                {
                    errors.Add($"{path}.toleranceDays: must not be negative, found {a.ToleranceDays}");
                }
            }
            else
            {
                if (a.DueBy is null)
                {
                    errors.Add($"{path}.dueBy: a {a.Kind} activity needs the last date it may take place");
                }
                else if (a.NotBefore is { } from && from > a.DueBy)
                {
                    errors.Add($"{path}.notBefore: must not be after dueBy");
                }

                if (a.Every is not null)
                {
                    errors.Add($"{path}.every: only recurring activities have a cadence");
                }
            }

            for (var k = 0; k < a.Links.Count; k++)
            {
                var link = a.Links[k];
                if (link.ActivityId == a.Id)
                {
                    errors.Add($"{path}.after[{k}].activityId: an activity cannot follow itself");
                }
                else if (!activities.Any(b => b?.Id == link.ActivityId))
                {
                    errors.Add($"{path}.after[{k}].activityId: unknown activity '{link.ActivityId}'");
                }

                if (link.MinGapMinutes < 0 || link.MaxGapMinutes < link.MinGapMinutes)
                {
                    errors.Add($"{path}.after[{k}]: gaps must satisfy 0 <= minGapMinutes <= maxGapMinutes");
                }
            }
        }

        if (errors.Count == 0 && Cycle(activities) is { } cycle)
        {
            errors.Add($"activities: cycle of after links: {string.Join(" -> ", cycle)}");
        }
    }

    private static List<string>? Cycle(IReadOnlyList<CareActivity> activities)
    {
        var byId = activities.ToDictionary(a => a.Id, StringComparer.Ordinal);
        var state = new Dictionary<string, int>(StringComparer.Ordinal);
        var path = new List<string>();
        List<string>? Visit(string id)
        {
            state[id] = 1;
            path.Add(id);
            foreach (var link in byId[id].Links)
            {
                if (state.GetValueOrDefault(link.ActivityId) == 1)
                {
                    return [.. path.SkipWhile(p => p != link.ActivityId), link.ActivityId];
                }

                if (state.GetValueOrDefault(link.ActivityId) == 0 && Visit(link.ActivityId) is { } found)
                {
                    return found;
                }
            }

            state[id] = 2;
            path.RemoveAt(path.Count - 1);
            return null;
        }

        return activities.Select(a => state.GetValueOrDefault(a.Id) == 0 ? Visit(a.Id) : null).FirstOrDefault(c => c is not null);
    }
}
