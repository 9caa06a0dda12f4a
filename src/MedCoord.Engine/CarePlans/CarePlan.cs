using NodaTime;

namespace MedCoord.Engine.CarePlans;

/// <summary>Where a care plan stands (FHIR R4 CarePlan.status, request-status codes).</summary>
public enum CarePlanStatus
{
    /// <summary>Being written; emits nothing.</summary>
    Draft,

    /// <summary>In force: its activities fall due.</summary>
    Active,

    /// <summary>Paused; emits nothing.</summary>
    OnHold,

    /// <summary>Withdrawn.</summary>
    Revoked,

    /// <summary>Done.</summary>
    Completed,

    /// <summary>Should never have existed.</summary>
    EnteredInError,
}

/// <summary>Where an activity stands (FHIR R4 CarePlan.activity.detail.status, care-plan-activity-status codes).</summary>
public enum ActivityStatus
{
    /// <summary>Nothing booked or done yet.</summary>
    NotStarted,

    /// <summary>Its open occurrence has an appointment booked.</summary>
    Scheduled,

    /// <summary>A recurring activity with at least one occurrence done and more to come.</summary>
    InProgress,

    /// <summary>Paused; emits nothing and is not overdue.</summary>
    OnHold,

    /// <summary>Done.</summary>
    Completed,

    /// <summary>Called off before it started.</summary>
    Cancelled,

    /// <summary>Ended after it started.</summary>
    Stopped,

    /// <summary>Should never have existed.</summary>
    EnteredInError,
}

/// <summary>What kind of activity it is.</summary>
public enum ActivityKind
{
    /// <summary>Once, by a date (an annual eye exam).</summary>
    OneOff,

    /// <summary>Again and again at a cadence with a tolerance (HbA1c every 3 months ± 2 weeks).</summary>
    Recurring,

    /// <summary>An order to carry out once (a lab panel), usually before another activity.</summary>
    Order,
}

/// <summary>Where a goal stands (FHIR R4 Goal.lifecycleStatus, a subset).</summary>
public enum GoalStatus
{
    /// <summary>Suggested.</summary>
    Proposed,

    /// <summary>Being worked on.</summary>
    Active,

    /// <summary>Reached.</summary>
    Completed,

    /// <summary>Given up.</summary>
    Cancelled,
}

/// <summary>A goal of the plan.</summary>
/// <param name="Id">Stable id within the plan.</param>
/// <param name="Description">What the goal is (clinical text; never logged).</param>
/// <param name="Status">Where it stands.</param>
public sealed record CarePlanGoal(string Id, string Description, GoalStatus Status = GoalStatus.Active);

/// <summary>A care-pathway link: the activity's appointment starts after <paramref name="ActivityId"/>'s ends.</summary>
/// <param name="ActivityId">The activity of the same plan that comes first.</param>
/// <param name="MinGapMinutes">Least minutes between that appointment's end and this start (a lab draw ≥ 120 min before the consult).</param>
/// <param name="MaxGapMinutes">Most minutes; null for no maximum.</param>
public sealed record ActivityLink(string ActivityId, int MinGapMinutes = 0, int? MaxGapMinutes = null);

/// <summary>One activity of a care plan. Its id is stable across edits, and so are the ids of the requests it emits.</summary>
/// <param name="Id">Stable id within the plan.</param>
/// <param name="Kind">One-off, recurring or order.</param>
/// <param name="AppointmentTypeId">The scheduling appointment type its appointments are.</param>
/// <param name="Priority">Scheduling priority, 1 to 100.</param>
/// <param name="NotBefore">One-off and order: the first acceptable date; null for none.</param>
/// <param name="DueBy">One-off and order: the last acceptable date.</param>
/// <param name="Every">Recurring: the cadence (three months, a year).</param>
/// <param name="ToleranceDays">Recurring: days either side of each due date an occurrence may fall on.</param>
/// <param name="FirstDue">Recurring: the due date of the first occurrence.</param>
/// <param name="After">Activities of the same plan whose appointments must come first.</param>
/// <param name="Status">Where it stands.</param>
/// <param name="CompletedCount">Occurrences done; the next occurrence is number <c>CompletedCount + 1</c>.</param>
/// <param name="LastDoneOn">The date of the last occurrence done.</param>
/// <param name="BookedRequestId">The request id of the open occurrence while an appointment is booked for it.</param>
public sealed record CareActivity(
    string Id,
    ActivityKind Kind,
    string AppointmentTypeId,
    int Priority = 1,
    LocalDate? NotBefore = null,
    LocalDate? DueBy = null,
    Period? Every = null,
    int ToleranceDays = 0,
    LocalDate? FirstDue = null,
    IReadOnlyList<ActivityLink>? After = null,
    ActivityStatus Status = ActivityStatus.NotStarted,
    int CompletedCount = 0,
    LocalDate? LastDoneOn = null,
    string? BookedRequestId = null)
{
    /// <summary>Gets the links, never null.</summary>
    public IReadOnlyList<ActivityLink> Links => After ?? [];

    /// <summary>Gets whether the activity is over (completed, cancelled, stopped or entered in error).</summary>
    public bool IsFinal => Status is ActivityStatus.Completed or ActivityStatus.Cancelled or ActivityStatus.Stopped or ActivityStatus.EnteredInError;

    /// <summary>Gets the number of the open occurrence.</summary>
    public int OpenOccurrence => CompletedCount + 1;

    /// <summary>
    /// Gets the dates the open occurrence may fall on: for one-off and order activities from <see cref="NotBefore"/>
    /// to <see cref="DueBy"/>; for recurring ones the due date (<see cref="FirstDue"/>, then the last done date plus
    /// <see cref="Every"/>) ± <see cref="ToleranceDays"/>.
    /// </summary>
    public (LocalDate? From, LocalDate To) Window
    {
        get
        {
            if (Kind != ActivityKind.Recurring)
            {
                return (NotBefore, DueBy!.Value);
            }

            var due = CompletedCount == 0 || LastDoneOn is null ? FirstDue!.Value : LastDoneOn.Value.Plus(Every!);
            return (due.PlusDays(-ToleranceDays), due.PlusDays(ToleranceDays));
        }
    }
}

/// <summary>One recorded change of a plan: who, when, what.</summary>
/// <param name="At">When (from the injected clock).</param>
/// <param name="Actor">Who: an opaque id.</param>
/// <param name="ActivityId">The activity changed; null for the plan itself.</param>
/// <param name="Action">What, as a short code (for example <c>Activity.Completed</c>); never free text.</param>
public sealed record CarePlanChange(Instant At, string Actor, string? ActivityId, string Action);

/// <summary>A patient's care plan (FHIR R4 CarePlan): goals and activities.</summary>
/// <param name="Id">Opaque plan id.</param>
/// <param name="PatientId">Opaque patient id.</param>
/// <param name="Status">Where it stands.</param>
/// <param name="Goals">Its goals.</param>
/// <param name="Activities">Its activities.</param>
/// <param name="History">Every change, oldest first.</param>
public sealed record CarePlan(
    string Id,
    string PatientId,
    CarePlanStatus Status,
    IReadOnlyList<CarePlanGoal> Goals,
    IReadOnlyList<CareActivity> Activities,
    IReadOnlyList<CarePlanChange> History)
{
    /// <summary>The activity with an id.</summary>
    /// <param name="activityId">The id.</param>
    /// <returns>The activity.</returns>
    /// <exception cref="RecordNotFoundException">The plan has no such activity (a <see cref="KeyNotFoundException"/>).</exception>
    public CareActivity Activity(string activityId) =>
        Activities.FirstOrDefault(a => a.Id == activityId)
        ?? throw new RecordNotFoundException(Lifecycles.ActivityKind, $"{Id}/{activityId}", $"Care plan '{Id}' has no activity '{activityId}'.");

    /// <summary>Whether two plans hold the same values, lists compared item by item.</summary>
    /// <param name="other">The other plan.</param>
    /// <returns>True when equal.</returns>
    public bool Equals(CarePlan? other) =>
        other is not null && Id == other.Id && PatientId == other.PatientId && Status == other.Status
        && Goals.SequenceEqual(other.Goals) && History.SequenceEqual(other.History)
        && Activities.Count == other.Activities.Count && Activities.Zip(other.Activities).All(p => SameActivity(p.First, p.Second));

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Id, Status, Activities.Count, History.Count);

    private static bool SameActivity(CareActivity a, CareActivity b) =>
        a with { After = null } == b with { After = null } && a.Links.SequenceEqual(b.Links);
}
