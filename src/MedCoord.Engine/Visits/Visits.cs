using MedCoord.Scheduling.Validation;
using NodaTime;

namespace MedCoord.Engine.Visits;

/// <summary>Where an appointment stands on the day (FHIR Appointment status).</summary>
public enum VisitStatus
{
    /// <summary>Booked, the patient not yet here.</summary>
    Booked,

    /// <summary>The patient is here, not yet checked in.</summary>
    Arrived,

    /// <summary>Checked in: forms complete.</summary>
    CheckedIn,

    /// <summary>The visit took place.</summary>
    Fulfilled,

    /// <summary>Called off.</summary>
    Cancelled,

    /// <summary>Not checked in within the grace period after its start.</summary>
    NoShow,
}

/// <summary>A booked appointment on the day.</summary>
/// <param name="Id">Opaque visit id: the scheduling request's id for its first booking, <c>request#2</c>, <c>request#3</c>… for re-bookings.</param>
/// <param name="PatientId">Opaque patient id.</param>
/// <param name="AppointmentTypeId">Its appointment type, which decides the forms it needs.</param>
/// <param name="Start">When it starts.</param>
/// <param name="Status">Where it stands.</param>
/// <param name="History">Every change, oldest first.</param>
/// <param name="RequestId">The scheduling request it books (for a care plan, the occurrence); null for visits stored before it was kept, whose id is the request's.</param>
public sealed record Visit(string Id, string PatientId, string AppointmentTypeId, Instant Start, VisitStatus Status, IReadOnlyList<StatusChange<VisitStatus>> History, string? RequestId = null)
{
    /// <summary>Gets the scheduling request the visit books: <see cref="RequestId"/>, or the visit id when none was kept.</summary>
    public string BookedRequestId => RequestId ?? Id;

    /// <summary>Gets whether the visit may still take place: booked, arrived or checked in.</summary>
    public bool IsOpen => Status is VisitStatus.Booked or VisitStatus.Arrived or VisitStatus.CheckedIn;

    /// <summary>Gets when the visit entered its status: its last transition, or its start while it has none.</summary>
    public Instant StatusSince => History.Count > 0 ? History[^1].At : Start;
}

/// <summary>The forms an appointment type needs before check-in.</summary>
/// <param name="IntakeQuestionnaire">An intake questionnaire response for the visit.</param>
/// <param name="ConsentScope">A consent of this scope, active and unexpired at check-in; null when none is needed.</param>
public sealed record FormRequirements(bool IntakeQuestionnaire, string? ConsentScope);

/// <summary>A patient's consent.</summary>
/// <param name="Id">Opaque id.</param>
/// <param name="PatientId">Opaque patient id.</param>
/// <param name="Scope">What it covers, for example "treatment" or "telehealth".</param>
/// <param name="GivenAt">When it was given.</param>
/// <param name="ExpiresAt">When it lapses; null when it does not.</param>
/// <param name="RevokedAt">When it was withdrawn; null while it stands.</param>
public sealed record Consent(string Id, string PatientId, string Scope, Instant GivenAt, Instant? ExpiresAt, Instant? RevokedAt)
{
    /// <summary>Whether it is in force at an instant.</summary>
    /// <param name="at">The instant.</param>
    /// <returns>True when given, not expired and not revoked by then.</returns>
    public bool ActiveAt(Instant at) => GivenAt <= at && (ExpiresAt is not { } end || at < end) && (RevokedAt is not { } revoked || at < revoked);
}

/// <summary>A completed intake questionnaire (FHIR QuestionnaireResponse) for one visit.</summary>
/// <param name="VisitId">The visit.</param>
/// <param name="PatientId">Opaque patient id.</param>
/// <param name="CompletedAt">When it was completed.</param>
public sealed record IntakeResponse(string VisitId, string PatientId, Instant CompletedAt);

/// <summary>A check-in's outcome: the visit checked in, or every reason it was refused.</summary>
/// <param name="Visit">The visit after the attempt (unchanged when refused).</param>
/// <param name="Refusals">Why check-in was refused; empty when it succeeded.</param>
public sealed record CheckInOutcome(Visit Visit, IReadOnlyList<string> Refusals)
{
    /// <summary>Gets whether the visit is checked in.</summary>
    public bool CheckedIn => Refusals.Count == 0;
}

/// <summary>What is late about a visit that has not moved on.</summary>
public enum VisitLateness
{
    /// <summary>Booked, past its start and the check-in grace, neither checked in nor marked a no-show.</summary>
    NotCheckedIn,

    /// <summary>The patient arrived but was not checked in within the arrival limit.</summary>
    ArrivedNotCheckedIn,

    /// <summary>Checked in but not recorded as fulfilled within the fulfilment limit.</summary>
    NotFulfilled,
}

/// <summary>A visit stuck in an open status past its limit.</summary>
/// <param name="VisitId">The visit.</param>
/// <param name="PatientId">Opaque patient id.</param>
/// <param name="Status">Where it stands.</param>
/// <param name="Lateness">What is late.</param>
/// <param name="DueAt">When it should have moved on.</param>
public sealed record StalledVisit(string VisitId, string PatientId, VisitStatus Status, VisitLateness Lateness, Instant DueAt);

/// <summary>How long a visit may stay in an open status before it is on the worklist. Mutable options, validated by <see cref="Validate"/>.</summary>
public sealed class VisitOptions
{
    /// <summary>Gets or sets how long after arriving a patient may wait to be checked in.</summary>
    /// <value>The default is 30 minutes.</value>
    public Duration CheckInAfterArrival { get; set; } = Duration.FromMinutes(30);

    /// <summary>Gets or sets how long after check-in a visit may stay open before it is recorded as fulfilled.</summary>
    /// <value>The default is 12 hours.</value>
    public Duration FulfilAfterCheckIn { get; set; } = Duration.FromHours(12);

    /// <summary>Every problem with the options.</summary>
    /// <returns>One error per problem, its path the option; empty when valid.</returns>
    public IReadOnlyList<ValidationError> Validate()
    {
        var problems = new List<ValidationError>();
        if (CheckInAfterArrival <= Duration.Zero)
        {
            problems.Add(new("CheckInAfterArrival", "must be positive"));
        }

        if (FulfilAfterCheckIn <= Duration.Zero)
        {
            problems.Add(new("FulfilAfterCheckIn", "must be positive"));
        }

        return problems;
    }
}

/// <summary>One visit <see cref="VisitService.MarkNoShowsAsync"/> could not mark, and why (ids only).</summary>
/// <param name="VisitId">The visit.</param>
/// <param name="Reason">Why: the refusal or conflict, naming records by id.</param>
public sealed record NoShowFailure(string VisitId, string Reason);

/// <summary>What marking no-shows did, visit by visit.</summary>
/// <param name="Marked">The visits marked no-show, each committed on its own.</param>
/// <param name="Failures">The visits that could not be marked; the others were marked regardless.</param>
public sealed record NoShowReport(IReadOnlyList<Visit> Marked, IReadOnlyList<NoShowFailure> Failures);

/// <summary>
/// The front desk: arrival, check-in (refused, with every reason, until the type's forms are complete), fulfilment,
/// cancellation, and no-shows for booked visits not checked in within a grace period after their start — decided
/// from the injected clock when asked, with no timers. Thread safe (it holds no state).
/// </summary>
public static class VisitDesk
{
    /// <summary>The visit lifecycle.</summary>
    internal static readonly Lifecycle<VisitStatus> Lifecycle = new(Lifecycles.VisitKind, new Dictionary<VisitStatus, VisitStatus[]>
    {
        [VisitStatus.Booked] = [VisitStatus.Arrived, VisitStatus.CheckedIn, VisitStatus.Cancelled, VisitStatus.NoShow],
        [VisitStatus.Arrived] = [VisitStatus.CheckedIn, VisitStatus.Cancelled],
        [VisitStatus.CheckedIn] = [VisitStatus.Fulfilled],
        [VisitStatus.Fulfilled] = [],
        [VisitStatus.Cancelled] = [],
        [VisitStatus.NoShow] = [],
    });

    /// <summary>The statuses a visit in <paramref name="from"/> may move to.</summary>
    /// <param name="from">A status.</param>
    /// <returns>The allowed next statuses.</returns>
    public static IReadOnlyList<VisitStatus> AllowedFrom(VisitStatus from) => Lifecycle.AllowedFrom(from);

    /// <summary>Moves a visit (arrival, fulfilment, cancellation). Check-in goes through <see cref="CheckIn"/>.</summary>
    /// <param name="visit">The visit.</param>
    /// <param name="to">The new status.</param>
    /// <param name="actor">Who.</param>
    /// <param name="clock">The clock.</param>
    /// <returns>The visit after the move.</returns>
    /// <exception cref="TransitionException">The lifecycle does not allow it, or it is a check-in.</exception>
    public static Visit Move(Visit visit, VisitStatus to, string actor, IClock clock)
    {
        ArgumentNullException.ThrowIfNull(visit);
        ArgumentException.ThrowIfNullOrWhiteSpace(actor);
        ArgumentNullException.ThrowIfNull(clock);
        if (to == VisitStatus.CheckedIn)
        {
            throw Lifecycle.Refusal(visit.Id, visit.Status, to);
        }

        return visit with { Status = to, History = [.. visit.History, Lifecycle.Move(visit.Id, visit.Status, to, actor, clock.GetCurrentInstant())] };
    }

    /// <summary>Checks a visit in when its forms are complete; otherwise refuses with every reason.</summary>
    /// <param name="visit">A booked or arrived visit.</param>
    /// <param name="requirements">What its appointment type needs.</param>
    /// <param name="intake">The patient's intake responses.</param>
    /// <param name="consents">The patient's consents.</param>
    /// <param name="actor">Who checks the patient in.</param>
    /// <param name="clock">The clock.</param>
    /// <returns>The outcome.</returns>
    /// <exception cref="TransitionException">The visit is not booked or arrived.</exception>
    public static CheckInOutcome CheckIn(Visit visit, FormRequirements requirements, IEnumerable<IntakeResponse> intake, IEnumerable<Consent> consents, string actor, IClock clock)
    {
        ArgumentNullException.ThrowIfNull(visit);
        ArgumentNullException.ThrowIfNull(requirements);
        ArgumentNullException.ThrowIfNull(intake);
        ArgumentNullException.ThrowIfNull(consents);
        ArgumentException.ThrowIfNullOrWhiteSpace(actor);
        ArgumentNullException.ThrowIfNull(clock);
        Lifecycle.Check(visit.Id, visit.Status, VisitStatus.CheckedIn);

        var now = clock.GetCurrentInstant();
        var refusals = new List<string>();
        if (requirements.IntakeQuestionnaire && !intake.Any(r => r.VisitId == visit.Id && r.PatientId == visit.PatientId && r.CompletedAt <= now))
        {
            refusals.Add("the intake questionnaire for this visit is not completed");
        }

        if (requirements.ConsentScope is { } scope)
        {
            var ofScope = consents.Where(c => c.PatientId == visit.PatientId && c.Scope == scope).ToList();
            if (!ofScope.Any(c => c.ActiveAt(now)))
            {
                var lapsed = ofScope.Where(c => c.GivenAt <= now).OrderByDescending(c => c.GivenAt).FirstOrDefault();
                refusals.Add(lapsed switch
                {
                    null => $"no '{scope}' consent is on file",
                    { RevokedAt: { } revoked } when revoked <= now => $"the '{scope}' consent was revoked",

                    // Given by now, not in force and not revoked by now: it expired.
                    _ => $"the '{scope}' consent expired",
                });
            }
        }

        return refusals.Count > 0
            ? new CheckInOutcome(visit, refusals)
            : new CheckInOutcome(visit with { Status = VisitStatus.CheckedIn, History = [.. visit.History, Lifecycle.Move(visit.Id, visit.Status, VisitStatus.CheckedIn, actor, now)] }, []);
    }

    /// <summary>
    /// Visits stuck in an open status past their limit, the longest late first: booked and past their start plus
    /// <paramref name="grace"/> (no-shows not yet marked), arrived and not checked in, checked in and not fulfilled.
    /// Fulfilled and cancelled visits are over; no-shows are listed on their own.
    /// </summary>
    /// <param name="visits">Visits.</param>
    /// <param name="grace">How long after the start a patient may still check in.</param>
    /// <param name="options">The limits.</param>
    /// <param name="now">The current instant.</param>
    /// <returns>The stalled visits.</returns>
    public static IReadOnlyList<StalledVisit> Stalled(IEnumerable<Visit> visits, Duration grace, VisitOptions options, Instant now)
    {
        ArgumentNullException.ThrowIfNull(visits);
        ArgumentNullException.ThrowIfNull(options);
        var stalled = new List<StalledVisit>();
        foreach (var v in visits)
        {
            (VisitLateness Lateness, Instant DueAt)? late = v.Status switch
            {
                VisitStatus.Booked => (VisitLateness.NotCheckedIn, v.Start + grace),
                VisitStatus.Arrived => (VisitLateness.ArrivedNotCheckedIn, v.StatusSince + options.CheckInAfterArrival),
                VisitStatus.CheckedIn => (VisitLateness.NotFulfilled, v.StatusSince + options.FulfilAfterCheckIn),
                _ => null,
            };
            if (late is { } l && now > l.DueAt)
            {
                stalled.Add(new StalledVisit(v.Id, v.PatientId, v.Status, l.Lateness, l.DueAt));
            }
        }

        return [.. stalled.OrderBy(s => s.DueAt).ThenBy(s => s.VisitId, StringComparer.Ordinal)];
    }

    /// <summary>Booked visits not checked in within <paramref name="grace"/> after their start, marked no-show now.</summary>
    /// <param name="visits">Visits.</param>
    /// <param name="grace">How long after the start a patient may still check in.</param>
    /// <param name="clock">The clock.</param>
    /// <returns>The visits that became no-shows.</returns>
    public static IReadOnlyList<Visit> MarkNoShows(IEnumerable<Visit> visits, Duration grace, IClock clock)
    {
        ArgumentNullException.ThrowIfNull(visits);
        ArgumentNullException.ThrowIfNull(clock);
        ArgumentOutOfRangeException.ThrowIfLessThan(grace, Duration.Zero);
        var now = clock.GetCurrentInstant();
        return [.. visits.Where(v => v.Status == VisitStatus.Booked && now > v.Start + grace)
            .Select(v => v with { Status = VisitStatus.NoShow, History = [.. v.History, Lifecycle.Move(v.Id, VisitStatus.Booked, VisitStatus.NoShow, "system", now)] })];
    }
}
