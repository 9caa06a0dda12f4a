using NodaTime;

namespace MedCoord.Scheduling.Results;

/// <summary>How far the solver got.</summary>
public enum ScheduleStatus
{
    /// <summary>Proven optimal on all three objective levels.</summary>
    Optimal,
    /// <summary>Obeys every hard rule, without a proof of optimality.</summary>
    Feasible,
    /// <summary>Time ran out (or the solve was cancelled) before any schedule was found; every request is unscheduled.</summary>
    NoSolutionFound,
    /// <summary>The fixed bookings and their links leave no schedule that obeys every hard rule.</summary>
    Infeasible,
}

/// <summary>Why a request was not booked: a stable code a host application can switch on.</summary>
public enum UnscheduledReason
{
    /// <summary>No provider has the skill the type needs.</summary>
    NoQualifiedProvider,
    /// <summary>No room has every feature the type needs.</summary>
    NoQualifiedRoom,
    /// <summary>Nothing in the request's window could ever host it, even with the whole calendar free.</summary>
    NoAvailabilityInWindow,
    /// <summary>A request it follows is not scheduled.</summary>
    PredecessorUnscheduled,
    /// <summary>It fits alone but lost to higher-priority work.</summary>
    CapacityTaken,
    /// <summary>The solver found no schedule at all (time limit, cancellation or infeasible fixed bookings).</summary>
    NoSolutionFound,
    /// <summary>Its appointment was cancelled (format v1.1).</summary>
    Cancelled,
    /// <summary>No facility where it could take place has every kind of equipment its type needs (format v1.1).</summary>
    NoEquipment,
    /// <summary>Another visit of its series can never be booked, and a series is booked whole or not at all (format v1.1).</summary>
    SeriesIncomplete,
}

/// <summary>One booked appointment.</summary>
/// <param name="RequestId">The request booked.</param>
/// <param name="PatientId">The patient.</param>
/// <param name="ProviderId">The provider, or <see langword="null"/> where the type books none.</param>
/// <param name="RoomId">The room, or <see langword="null"/> where the type books none.</param>
/// <param name="FacilityId">The facility the appointment takes place at.</param>
/// <param name="Start">Start, in the facility's zone.</param>
/// <param name="End">End, in the facility's zone.</param>
public sealed record Assignment(string RequestId, string PatientId, string? ProviderId, string? RoomId, string FacilityId, OffsetDateTime Start, OffsetDateTime End);

/// <summary>A request the schedule does not book, with the reason.</summary>
/// <param name="RequestId">The request.</param>
/// <param name="Reason">Stable reason code.</param>
/// <param name="Message">An explanation for people; names ids only.</param>
/// <param name="BlockedBy">For <see cref="UnscheduledReason.CapacityTaken"/>: each provider, room and the patient's own time that was taken where the request could have gone, with the requests booked there; otherwise null.</param>
public sealed record UnscheduledRequest(string RequestId, UnscheduledReason Reason, string Message, IReadOnlyList<Blocker>? BlockedBy = null);

/// <summary>A resource taken where a request could have gone, and by which booked requests.</summary>
/// <param name="Kind">"provider", "room", "equipment" (a pool) or "patient".</param>
/// <param name="Id">The provider, room or patient id.</param>
/// <param name="RequestIds">The booked requests occupying it there, in start order.</param>
public sealed record Blocker(string Kind, string Id, IReadOnlyList<string> RequestIds);

/// <summary>The objective levels of a schedule.</summary>
/// <param name="ScheduledPriority">Total priority of scheduled requests (level 1, maximised).</param>
/// <param name="UpperBound">The solver's proven bound on <paramref name="ScheduledPriority"/>.</param>
/// <param name="WaitingCost">Sum of priority × days from earliest to the start date (level 2, minimised).</param>
/// <param name="SoftRules">The weighted soft-rule costs, minimised with waiting in level 2 (format v1.1); <see langword="null"/> when no soft rule is weighted.</param>
public sealed record ScheduleObjective(long ScheduledPriority, long UpperBound, long WaitingCost, SoftRuleCosts? SoftRules = null);

/// <summary>What each soft rule costs a schedule: units times the rule's weight.</summary>
/// <param name="Continuity">Appointments booked away from the patient's previous provider, weighted.</param>
/// <param name="DailyCap">Appointments above providers' daily caps, weighted.</param>
/// <param name="Balance">Differences between the busiest and least busy provider of each skill, weighted.</param>
public sealed record SoftRuleCosts(long Continuity, long DailyCap, long Balance)
{
    /// <summary>Gets the sum of the three.</summary>
    public long Total => Continuity + DailyCap + Balance;
}

/// <summary>Facts about the solve.</summary>
/// <param name="WallSeconds">Elapsed wall time in seconds.</param>
/// <param name="Workers">Worker threads used.</param>
/// <param name="Seed">Random seed used.</param>
public sealed record SolveStats(double WallSeconds, int Workers, int Seed)
{
    /// <summary>
    /// Gets how many answers the solve dropped because they broke a rule: CP-SAT solutions that broke their model,
    /// placements that broke a rule of the problem, and infeasibility claims that solving with presolve off did not
    /// confirm. A schedule never holds what was dropped, and claims no optimality or bound from a dropped search.
    /// </summary>
    public int DroppedSolutions { get; init; }
}

/// <summary>The solver's answer: a schedule and an account of every request.</summary>
/// <param name="Status">How far the solver got.</param>
/// <param name="Objective">Objective values.</param>
/// <param name="Assignments">Booked appointments, ordered by start then request id.</param>
/// <param name="Unscheduled">Requests not booked, ordered by request id.</param>
/// <param name="Stats">Facts about the solve.</param>
/// <param name="Conflict">
/// When <see cref="ScheduleStatus.Infeasible"/>: a small set of fixed requests whose bookings (with their links)
/// already conflict, found with CP-SAT assumptions (format v1.1); otherwise <see langword="null"/>.
/// </param>
public sealed record Schedule(
    ScheduleStatus Status,
    ScheduleObjective Objective,
    IReadOnlyList<Assignment> Assignments,
    IReadOnlyList<UnscheduledRequest> Unscheduled,
    SolveStats Stats,
    IReadOnlyList<string>? Conflict = null);

/// <summary>A progress report: a better schedule was found, or the bound improved.</summary>
/// <param name="Elapsed">Time since the solve started.</param>
/// <param name="ScheduledPriority">Best scheduled priority so far.</param>
/// <param name="UpperBound">Best proven bound on scheduled priority.</param>
/// <param name="Phase">Objective level being optimised: 1 priority, 2 waiting, 3 preference.</param>
public sealed record SolveProgress(Duration Elapsed, long ScheduledPriority, long UpperBound, int Phase);
