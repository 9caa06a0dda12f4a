using System.Globalization;
using MedCoord.Scheduling.Validation;
using NodaTime;

namespace MedCoord.Engine.CarePlans;

/// <summary>
/// Every change to a care plan: creation (definitions checked, each error naming its path), plan and activity status
/// moves along FHIR's codes (impossible ones refused, naming what is allowed), edits that keep ids and progress, and the
/// scheduling events — an occurrence booked, its booking cancelled, an occurrence fulfilled. Each change is recorded in
/// the plan's history with who and when (from the injected clock). Pure: plans are immutable; thread safe.
/// </summary>
public static class CarePlanLifecycle
{
    /// <summary>The care plan lifecycle.</summary>
    internal static readonly Lifecycle<CarePlanStatus> PlanLifecycle = new(Lifecycles.CarePlanKind, new Dictionary<CarePlanStatus, CarePlanStatus[]>
    {
        [CarePlanStatus.Draft] = [CarePlanStatus.Active, CarePlanStatus.Revoked, CarePlanStatus.EnteredInError],
        [CarePlanStatus.Active] = [CarePlanStatus.OnHold, CarePlanStatus.Completed, CarePlanStatus.Revoked, CarePlanStatus.EnteredInError],
        [CarePlanStatus.OnHold] = [CarePlanStatus.Active, CarePlanStatus.Revoked, CarePlanStatus.EnteredInError],
        [CarePlanStatus.Completed] = [],
        [CarePlanStatus.Revoked] = [],
        [CarePlanStatus.EnteredInError] = [],
    });

    /// <summary>Moves a coordinator may make by hand; booking and fulfilment go through the Record methods.</summary>
    internal static readonly Lifecycle<ActivityStatus> ActivityLifecycle = new(Lifecycles.ActivityKind, new Dictionary<ActivityStatus, ActivityStatus[]>
    {
        [ActivityStatus.NotStarted] = [ActivityStatus.OnHold, ActivityStatus.Cancelled, ActivityStatus.EnteredInError],
        [ActivityStatus.Scheduled] = [ActivityStatus.OnHold, ActivityStatus.Cancelled, ActivityStatus.Stopped, ActivityStatus.EnteredInError],
        [ActivityStatus.InProgress] = [ActivityStatus.OnHold, ActivityStatus.Completed, ActivityStatus.Stopped, ActivityStatus.EnteredInError],
        [ActivityStatus.OnHold] = [ActivityStatus.NotStarted, ActivityStatus.InProgress, ActivityStatus.Cancelled, ActivityStatus.Stopped, ActivityStatus.EnteredInError],
        [ActivityStatus.Completed] = [],
        [ActivityStatus.Cancelled] = [],
        [ActivityStatus.Stopped] = [],
        [ActivityStatus.EnteredInError] = [],
    });

    /// <summary>The plan statuses a plan in <paramref name="from"/> may move to.</summary>
    /// <param name="from">A status.</param>
    /// <returns>The allowed next statuses.</returns>
    public static IReadOnlyList<CarePlanStatus> AllowedFrom(CarePlanStatus from) => PlanLifecycle.AllowedFrom(from);

    /// <summary>The statuses a coordinator may move an activity in <paramref name="from"/> to.</summary>
    /// <param name="from">A status.</param>
    /// <returns>The allowed next statuses.</returns>
    public static IReadOnlyList<ActivityStatus> AllowedFrom(ActivityStatus from) => ActivityLifecycle.AllowedFrom(from);

    /// <summary>A new plan, in draft.</summary>
    /// <param name="id">Opaque plan id (no '/').</param>
    /// <param name="patientId">Opaque patient id.</param>
    /// <param name="goals">Goals.</param>
    /// <param name="activities">Activities, their progress fields at their defaults.</param>
    /// <param name="actor">Who writes it.</param>
    /// <param name="clock">The clock.</param>
    /// <returns>The plan.</returns>
    /// <exception cref="ValidationException">A definition is wrong: every problem, each with its path.</exception>
    public static CarePlan Create(string id, string patientId, IReadOnlyList<CarePlanGoal> goals, IReadOnlyList<CareActivity> activities, string actor, IClock clock)
    {
        ArgumentNullException.ThrowIfNull(goals);
        ArgumentNullException.ThrowIfNull(activities);
        ArgumentException.ThrowIfNullOrWhiteSpace(patientId);
        var errors = new List<ValidationError>();
        CheckId(errors, "id", id);
        for (var i = 0; i < goals.Count; i++)
        {
            if (goals[i] is null || string.IsNullOrWhiteSpace(goals[i].Id))
            {
                errors.Add(new ValidationError($"goals[{i}].id", "required"));
            }
            else if (goals.Take(i).Any(g => g?.Id == goals[i].Id))
            {
                errors.Add(new ValidationError($"goals[{i}].id", $"duplicate goal id '{goals[i].Id}'"));
            }
        }

        CheckActivities(errors, activities);
        ValidationException.ThrowIfAny(errors, "care plan", nameof(activities));
        var plan = new CarePlan(id, patientId, CarePlanStatus.Draft, goals, activities, []);
        return Record(plan, actor, clock, null, AuditActions.PlanCreated);
    }

    /// <summary>Moves the plan to another status.</summary>
    /// <param name="plan">The plan.</param>
    /// <param name="to">The new status.</param>
    /// <param name="actor">Who.</param>
    /// <param name="clock">The clock.</param>
    /// <returns>The plan after the move.</returns>
    /// <exception cref="TransitionException">The lifecycle does not allow it.</exception>
    public static CarePlan SetStatus(CarePlan plan, CarePlanStatus to, string actor, IClock clock)
    {
        ArgumentNullException.ThrowIfNull(plan);
        PlanLifecycle.Check(plan.Id, plan.Status, to);

        return Record(plan with { Status = to }, actor, clock, null, AuditActions.Plan(to));
    }

    /// <summary>Adds an activity to a plan that is not over.</summary>
    /// <param name="plan">The plan.</param>
    /// <param name="activity">The new activity, its progress fields at their defaults.</param>
    /// <param name="actor">Who.</param>
    /// <param name="clock">The clock.</param>
    /// <returns>The plan with the activity.</returns>
    /// <exception cref="ValidationException">The definition is wrong or its id is taken: every problem, each with its path.</exception>
    public static CarePlan AddActivity(CarePlan plan, CareActivity activity, string actor, IClock clock)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(activity);
        EnsureOpen(plan);
        var errors = new List<ValidationError>();
        CheckActivities(errors, [.. plan.Activities, activity]);
        ValidationException.ThrowIfAny(errors, "care plan", nameof(activity));
        return Record(plan with { Activities = [.. plan.Activities, activity] }, actor, clock, activity.Id, AuditActions.ActivityAdded);
    }

    /// <summary>
    /// Replaces an activity's definition (type, priority, dates, cadence, links); its id, status and progress stay.
    /// </summary>
    /// <param name="plan">The plan.</param>
    /// <param name="edited">The activity with its new definition, under its existing id.</param>
    /// <param name="actor">Who.</param>
    /// <param name="clock">The clock.</param>
    /// <returns>The plan after the edit.</returns>
    /// <exception cref="RecordNotFoundException">No activity has that id.</exception>
    /// <exception cref="ValidationException">The new definition is wrong: every problem, each with its path.</exception>
    public static CarePlan EditActivity(CarePlan plan, CareActivity edited, string actor, IClock clock)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(edited);
        EnsureOpen(plan);
        var current = plan.Activities.FirstOrDefault(a => a.Id == edited.Id)
            ?? throw new RecordNotFoundException(Lifecycles.ActivityKind, $"{plan.Id}/{edited.Id}", $"Care plan '{plan.Id}' has no activity '{edited.Id}' to edit.");
        if (current.IsFinal)
        {
            throw ActivityLifecycle.Refusal(ActivityKey(plan, edited.Id), current.Status, current.Status, [],
                $"Activity '{edited.Id}' of care plan '{plan.Id}' is {current.Status} and can no longer be edited.");
        }

        var kept = edited with { Status = current.Status, CompletedCount = current.CompletedCount, LastDoneOn = current.LastDoneOn, BookedRequestId = current.BookedRequestId };
        var activities = plan.Activities.Select(a => a.Id == edited.Id ? kept : a).ToList();
        var errors = new List<ValidationError>();
        CheckActivities(errors, activities);
        ValidationException.ThrowIfAny(errors, "care plan", nameof(edited));
        return Record(plan with { Activities = activities }, actor, clock, edited.Id, AuditActions.ActivityEdited);
    }

    /// <summary>Moves an activity by hand: on hold, resumed, cancelled, stopped, completed (a recurring one ended) or entered in error.</summary>
    /// <param name="plan">The plan.</param>
    /// <param name="activityId">The activity.</param>
    /// <param name="to">The new status.</param>
    /// <param name="actor">Who.</param>
    /// <param name="clock">The clock.</param>
    /// <returns>The plan after the move.</returns>
    /// <exception cref="TransitionException">The lifecycle does not allow it.</exception>
    public static CarePlan SetActivityStatus(CarePlan plan, string activityId, ActivityStatus to, string actor, IClock clock)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var activity = plan.Activity(activityId);
        var resumeTo = activity.CompletedCount > 0 ? ActivityStatus.InProgress : ActivityStatus.NotStarted;
        var allowed = activity.Status == ActivityStatus.OnHold
            ? ActivityLifecycle.AllowedFrom(ActivityStatus.OnHold).Where(s => s is not (ActivityStatus.NotStarted or ActivityStatus.InProgress) || s == resumeTo).ToArray()
            : ActivityLifecycle.AllowedFrom(activity.Status);
        if (!allowed.Contains(to))
        {
            throw ActivityLifecycle.Refusal(ActivityKey(plan, activityId), activity.Status, to, allowed);
        }

        // Put on hold, cancelled or stopped: an open booking no longer belongs to the plan (the host cancels the appointment).
        var changed = activity with { Status = to, BookedRequestId = to == ActivityStatus.Scheduled ? activity.BookedRequestId : null };
        return Record(Replace(plan, changed), actor, clock, activityId, AuditActions.Activity(to));
    }

    /// <summary>An appointment was booked for an activity's open occurrence.</summary>
    /// <param name="plan">The plan.</param>
    /// <param name="requestId">The request the plan emitted for that occurrence.</param>
    /// <param name="actor">Who.</param>
    /// <param name="clock">The clock.</param>
    /// <returns>The plan with the activity scheduled.</returns>
    /// <exception cref="RecordNotFoundException">The request is not the open occurrence of an activity of the plan.</exception>
    /// <exception cref="TransitionException">The activity cannot be booked now.</exception>
    public static CarePlan RecordBooked(CarePlan plan, string requestId, string actor, IClock clock)
    {
        var activity = OpenOccurrence(plan, requestId, ActivityStatus.Scheduled);
        if (plan.Status != CarePlanStatus.Active || activity.Status is not (ActivityStatus.NotStarted or ActivityStatus.InProgress))
        {
            throw ActivityLifecycle.Refusal(ActivityKey(plan, activity.Id), activity.Status, ActivityStatus.Scheduled, plan.Status == CarePlanStatus.Active ? null : [],
                $"Activity '{activity.Id}' of care plan '{plan.Id}' cannot be booked: the plan is {plan.Status} and the activity {activity.Status}.");
        }

        return Record(Replace(plan, activity with { Status = ActivityStatus.Scheduled, BookedRequestId = requestId }), actor, clock, activity.Id, AuditActions.ActivityScheduled);
    }

    /// <summary>The appointment booked for an activity's open occurrence was cancelled: the occurrence is open again.</summary>
    /// <param name="plan">The plan.</param>
    /// <param name="requestId">The booked request.</param>
    /// <param name="actor">Who.</param>
    /// <param name="clock">The clock.</param>
    /// <returns>The plan with the occurrence unbooked.</returns>
    /// <exception cref="RecordNotFoundException">The request is not the open occurrence of an activity of the plan.</exception>
    /// <exception cref="TransitionException">The activity does not hold that booking.</exception>
    public static CarePlan RecordBookingCancelled(CarePlan plan, string requestId, string actor, IClock clock)
    {
        var activity = OpenOccurrence(plan, requestId, ActivityStatus.NotStarted);
        var reopenTo = activity.CompletedCount > 0 ? ActivityStatus.InProgress : ActivityStatus.NotStarted;
        if (activity.Status != ActivityStatus.Scheduled || activity.BookedRequestId != requestId)
        {
            throw ActivityLifecycle.Refusal(ActivityKey(plan, activity.Id), activity.Status, reopenTo, [],
                $"Activity '{activity.Id}' of care plan '{plan.Id}' has no booking '{requestId}' to cancel (it is {activity.Status}).");
        }

        var reopened = activity with { Status = reopenTo, BookedRequestId = null };
        return Record(Replace(plan, reopened), actor, clock, activity.Id, AuditActions.ActivityBookingCancelled);
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
    /// <exception cref="RecordNotFoundException">The request is not the open occurrence of an activity of the plan.</exception>
    /// <exception cref="TransitionException">The activity is on hold or over.</exception>
    public static CarePlan RecordFulfilled(CarePlan plan, string requestId, LocalDate on, string actor, IClock clock)
    {
        var activity = OpenOccurrence(plan, requestId, ActivityStatus.Completed);
        if (activity.Status is not (ActivityStatus.NotStarted or ActivityStatus.Scheduled or ActivityStatus.InProgress))
        {
            throw ActivityLifecycle.Refusal(ActivityKey(plan, activity.Id), activity.Status, activity.Kind == ActivityKind.Recurring ? ActivityStatus.InProgress : ActivityStatus.Completed, [],
                $"Activity '{activity.Id}' of care plan '{plan.Id}' is {activity.Status}; an occurrence cannot be recorded as done.");
        }

        var done = activity.Kind == ActivityKind.Recurring
            ? activity with { Status = ActivityStatus.InProgress, CompletedCount = activity.CompletedCount + 1, LastDoneOn = on, BookedRequestId = null }
            : activity with { Status = ActivityStatus.Completed, CompletedCount = 1, LastDoneOn = on, BookedRequestId = null };
        return Record(Replace(plan, done), actor, clock, activity.Id, activity.Kind == ActivityKind.Recurring ? AuditActions.ActivityOccurrenceDone : AuditActions.ActivityCompleted);
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

    /// <summary>The activity whose open occurrence <paramref name="requestId"/> is, about to move to <paramref name="to"/>.</summary>
    private static CareActivity OpenOccurrence(CarePlan plan, string requestId, ActivityStatus to)
    {
        ArgumentNullException.ThrowIfNull(plan);
        if (ParseRequestId(requestId) is not var (planId, activityId, occurrence) || planId != plan.Id)
        {
            throw new RecordNotFoundException("care plan request", requestId ?? string.Empty, $"Request '{requestId}' is not one care plan '{plan.Id}' emitted.");
        }

        var activity = plan.Activities.FirstOrDefault(a => a.Id == activityId)
            ?? throw new RecordNotFoundException(Lifecycles.ActivityKind, ActivityKey(plan, activityId), $"Request '{requestId}' names activity '{activityId}', which care plan '{plan.Id}' does not have.");
        if (activity.IsFinal)
        {
            throw ActivityLifecycle.Refusal(ActivityKey(plan, activityId), activity.Status, to, null,
                $"Activity '{activityId}' of care plan '{plan.Id}' is {activity.Status}; it has no open occurrence.");
        }

        if (occurrence != activity.OpenOccurrence)
        {
            // A stale request (an occurrence done or re-emitted since) is a refused move, not a missing record.
            throw ActivityLifecycle.Refusal(ActivityKey(plan, activityId), activity.Status, to, null,
                $"Request '{requestId}' is occurrence {occurrence} of activity '{activityId}', but its open occurrence is {activity.OpenOccurrence}.");
        }

        return activity;
    }

    private static void EnsureOpen(CarePlan plan)
    {
        if (PlanLifecycle.IsFinal(plan.Status))
        {
            throw PlanLifecycle.Refusal(plan.Id, plan.Status, plan.Status, null, $"Care plan '{plan.Id}' is {plan.Status}; it can no longer be changed.");
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

    /// <summary>An activity's id as <see cref="TransitionException.Id"/> names it: <c>plan/activity</c>.</summary>
    private static string ActivityKey(CarePlan plan, string activityId) => $"{plan.Id}/{activityId}";

    private static void CheckId(List<ValidationError> errors, string path, string? id)
    {
        if (string.IsNullOrWhiteSpace(id))
        {
            errors.Add(new ValidationError(path, "required"));
        }
        else if (id.Contains('/', StringComparison.Ordinal))
        {
            errors.Add(new ValidationError(path, $"'{id}' must not contain '/' (request ids are plan/activity/occurrence)"));
        }
    }

    /// <summary>Each activity's definition, ids unique, links to activities of the plan and free of cycles.</summary>
    private static void CheckActivities(List<ValidationError> errors, IReadOnlyList<CareActivity> activities)
    {
        for (var i = 0; i < activities.Count; i++)
        {
            var a = activities[i];
            var path = $"activities[{i}]";
            if (a is null)
            {
                errors.Add(new ValidationError(path, "must not be null"));
                continue;
            }

            CheckId(errors, $"{path}.id", a.Id);
            if (activities.Take(i).Any(b => b?.Id == a.Id))
            {
                errors.Add(new ValidationError($"{path}.id", $"duplicate activity id '{a.Id}'"));
            }

            if (string.IsNullOrWhiteSpace(a.AppointmentTypeId))
            {
                errors.Add(new ValidationError($"{path}.appointmentTypeId", "required"));
            }

            if (a.Priority is < 1 or > 100)
            {
                errors.Add(new ValidationError($"{path}.priority", $"must be from 1 to 100, found {a.Priority}"));
            }

            if (a.Kind == ActivityKind.Recurring)
            {
                var every = a.Every;
                var positive = every is not null && !every.HasTimeComponent && !every.Equals(Period.Zero)
                    && every.Years >= 0 && every.Months >= 0 && every.Weeks >= 0 && every.Days >= 0;
                if (!positive)
                {
                    errors.Add(new ValidationError($"{path}.every", "a recurring activity needs a positive cadence in days, weeks, months or years"));
                }

                if (a.FirstDue is null)
                {
                    errors.Add(new ValidationError($"{path}.firstDue", "a recurring activity needs the due date of its first occurrence"));
                }

                if (a.ToleranceDays < 0)
                {
                    errors.Add(new ValidationError($"{path}.toleranceDays", $"must not be negative, found {a.ToleranceDays}"));
                }
            }
            else
            {
                if (a.DueBy is null)
                {
                    errors.Add(new ValidationError($"{path}.dueBy", $"a {a.Kind} activity needs the last date it may take place"));
                }
                else if (a.NotBefore is { } from && from > a.DueBy)
                {
                    errors.Add(new ValidationError($"{path}.notBefore", "must not be after dueBy"));
                }

                if (a.Every is not null)
                {
                    errors.Add(new ValidationError($"{path}.every", "only recurring activities have a cadence"));
                }
            }

            for (var k = 0; k < a.Links.Count; k++)
            {
                var link = a.Links[k];
                if (link.ActivityId == a.Id)
                {
                    errors.Add(new ValidationError($"{path}.after[{k}].activityId", "an activity cannot follow itself"));
                }
                else if (!activities.Any(b => b?.Id == link.ActivityId))
                {
                    errors.Add(new ValidationError($"{path}.after[{k}].activityId", $"unknown activity '{link.ActivityId}'"));
                }

                if (link.MinGapMinutes < 0 || link.MaxGapMinutes < link.MinGapMinutes)
                {
                    errors.Add(new ValidationError($"{path}.after[{k}]", "gaps must satisfy 0 <= minGapMinutes <= maxGapMinutes"));
                }
            }
        }

        if (errors.Count == 0 && Cycle(activities) is { } cycle)
        {
            errors.Add(new ValidationError("activities", $"cycle of after links: {string.Join(" -> ", cycle)}"));
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
