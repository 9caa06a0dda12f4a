using System.Globalization;
using MedCoord.Engine.CarePlans;
using MedCoord.Engine.Communications;
using MedCoord.Engine.Services;
using MedCoord.Engine.Storage;
using MedCoord.Engine.Visits;
using MedCoord.Scheduling.Model;
using MedCoord.Scheduling.Results;
using MedCoord.Scheduling.Validation;
using Microsoft.Extensions.Logging;

namespace MedCoord.Engine;

/// <summary>
/// The visit desk: schedules taken in as visits (with their reminders), consents and intake forms, arrival, check-in,
/// fulfilment, cancellation and no-shows. Every operation commits what it changed with its audit entries in one
/// transaction, based on the versions of the records it read. Thread safe.
/// </summary>
public sealed class VisitService
{
    private readonly EngineContext _context;
    private readonly ILogger _logger;

    internal VisitService(EngineContext context)
    {
        _context = context;
        _logger = context.LoggerFactory.CreateLogger<VisitService>();
    }

    /// <summary>
    /// Takes in a schedule: each booked appointment whose request has no visit that is open or fulfilled becomes a
    /// visit (booked) — the request's id for its first booking, <c>request#2</c>, <c>request#3</c>… when earlier
    /// visits for it were cancelled or missed (a care-plan occurrence emitted again), each linked to its request —
    /// care-plan requests mark their activity scheduled, and reminders and follow-ups are planned in each patient's zone,
    /// all in one commit. Booking the same schedule again adds nothing.
    /// </summary>
    /// <param name="problem">The problem the schedule solves (for appointment types and patients' zones).</param>
    /// <param name="schedule">The schedule.</param>
    /// <param name="actor">Who books.</param>
    /// <param name="cancellationToken">Cancels the operation before it commits.</param>
    /// <returns>The visits created.</returns>
    /// <exception cref="ValidationException">An assignment names a request the problem does not hold, or another patient than its request's; nothing is booked.</exception>
    public async Task<IReadOnlyList<Visit>> BookAsync(Problem problem, Schedule schedule, string actor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(problem);
        ArgumentNullException.ThrowIfNull(schedule);
        var store = _context.Store;
        var clock = _context.Clock;
        var requests = problem.Requests.GroupBy(r => r.Id, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        ValidationException.ThrowIfAny(
            [.. schedule.Assignments.SelectMany((a, i) => requests.TryGetValue(a.RequestId, out var request)
                ? request.PatientId == a.PatientId ? [] : new[] { new ValidationError($"assignments[{i}].patientId", $"'{a.PatientId}' is not the patient of request '{a.RequestId}'") }
                : [new ValidationError($"assignments[{i}].requestId", $"'{a.RequestId}' is not a request of the problem")])],
            "schedule",
            nameof(schedule));
        var zones = problem.Patients.Where(p => p.Zone is not null).ToDictionary(p => p.Id, p => p.Zone!, StringComparer.Ordinal);
        var takenIds = new HashSet<string>(StringComparer.Ordinal);
        var changes = new List<StoreChange>();
        var reads = new List<StoreRead>();
        var visits = new List<Visit>();
        var plans = new Dictionary<string, Stored<CarePlan>>(StringComparer.Ordinal);
        var planned = new Dictionary<string, CarePlan>(StringComparer.Ordinal);
        foreach (var a in schedule.Assignments)
        {
            // The decision rests on every earlier visit for the request: one still open or fulfilled means it is booked.
            var earlier = await store.ListAsync<Visit>(new RecordQuery(Ref: a.RequestId), cancellationToken).ConfigureAwait(false);
            reads.AddRange(earlier.Select(v => StoreRead.Of(v.Value.Id, v)));
            if (earlier.Any(v => v.Value.BookedRequestId == a.RequestId && v.Value.Status is not (VisitStatus.Cancelled or VisitStatus.NoShow)))
            {
                continue;
            }

            var id = a.RequestId;
            for (var n = 2; takenIds.Contains(id) || await store.FindAsync<Visit>(id, cancellationToken).ConfigureAwait(false) is not null; n++)
            {
                id = string.Create(CultureInfo.InvariantCulture, $"{a.RequestId}#{n}");
            }

            takenIds.Add(id);
            var visit = new Visit(id, a.PatientId, requests[a.RequestId].TypeId, a.Start.ToInstant(), VisitStatus.Booked, [], a.RequestId);
            visits.Add(visit);
            changes.Add(StoreChange.Of(visit.Id, visit, 0, actor, AuditActions.VisitBooked));
            var zone = zones.GetValueOrDefault(a.PatientId) ?? _context.Options.Zone;
            foreach (var message in Outbox.Plan(visit.Id, visit.PatientId, a.Start.ToInstant(), a.End.ToInstant(), zone, _context.Options.Outbox, clock))
            {
                var version = (await store.FindAsync<OutboxMessage>(message.Id, cancellationToken).ConfigureAwait(false))?.Version ?? 0;
                changes.Add(StoreChange.Of(message.Id, message, version, actor, AuditActions.MessagePlanned));
            }

            if (CarePlanLifecycle.ParseRequestId(a.RequestId) is var (planId, _, _))
            {
                if (!plans.ContainsKey(planId) && await store.FindAsync<CarePlan>(planId, cancellationToken).ConfigureAwait(false) is { } stored)
                {
                    (plans[planId], planned[planId]) = (stored, stored.Value);
                }

                if (planned.TryGetValue(planId, out var plan))
                {
                    planned[planId] = CarePlanLifecycle.RecordBooked(plan, a.RequestId, actor, clock);
                }
            }
        }

        changes.AddRange(planned.Select(p => EngineContext.PlanChange(plans[p.Key], p.Value, actor)));
        if (changes.Count > 0)
        {
            await _context.CommitAsync(_logger, changes, reads, cancellationToken).ConfigureAwait(false);
        }

        EngineLog.VisitsBooked(_logger, visits.Count, schedule.Assignments.Count, actor);
        return visits;
    }

    /// <summary>Records a consent (new or changed, for example revoked).</summary>
    /// <param name="consent">The consent.</param>
    /// <param name="actor">Who.</param>
    /// <param name="cancellationToken">Cancels the operation before it commits.</param>
    /// <returns>A task that completes when the consent is saved.</returns>
    public async Task RecordConsentAsync(Consent consent, string actor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(consent);
        var stored = await _context.Store.FindAsync<Consent>(consent.Id, cancellationToken).ConfigureAwait(false);
        var action = stored is null ? AuditActions.ConsentGiven : consent.RevokedAt is null ? AuditActions.ConsentChanged : AuditActions.ConsentRevoked;
        await _context.CommitAsync(_logger, [StoreChange.Of(consent.Id, consent, stored?.Version ?? 0, actor, action)], cancellationToken).ConfigureAwait(false);
        EngineLog.FormRecorded(_logger, "Consent", consent.Id, actor, action);
    }

    /// <summary>Records a completed intake questionnaire for a visit.</summary>
    /// <param name="intake">The response.</param>
    /// <param name="actor">Who.</param>
    /// <param name="cancellationToken">Cancels the operation before it commits.</param>
    /// <returns>A task that completes when the response is saved.</returns>
    public async Task RecordIntakeAsync(IntakeResponse intake, string actor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(intake);
        var stored = await _context.Store.FindAsync<IntakeResponse>(intake.VisitId, cancellationToken).ConfigureAwait(false);
        await _context.CommitAsync(_logger, [StoreChange.Of(intake.VisitId, intake, stored?.Version ?? 0, actor, AuditActions.IntakeCompleted)], cancellationToken).ConfigureAwait(false);
        EngineLog.FormRecorded(_logger, "Intake", intake.VisitId, actor, AuditActions.IntakeCompleted);
    }

    /// <summary>The patient has arrived.</summary>
    /// <param name="visitId">The visit.</param>
    /// <param name="actor">Who.</param>
    /// <param name="cancellationToken">Cancels the operation before it commits.</param>
    /// <returns>The visit.</returns>
    public Task<Visit> ArriveAsync(string visitId, string actor, CancellationToken cancellationToken = default) => MoveAsync(visitId, VisitStatus.Arrived, actor, null, cancellationToken);

    /// <summary>
    /// Checks a visit in when the forms its type needs are complete; otherwise refuses with every reason and changes
    /// nothing. The check-in commits only if the intake response and the patient's consents it read are unchanged.
    /// </summary>
    /// <param name="visitId">The visit.</param>
    /// <param name="actor">Who.</param>
    /// <param name="cancellationToken">Cancels the operation before it commits.</param>
    /// <returns>The outcome.</returns>
    /// <exception cref="StoreConcurrencyException">The visit, its intake response or one of the patient's consents changed since they were read; nothing was saved.</exception>
    public async Task<CheckInOutcome> CheckInAsync(string visitId, string actor, CancellationToken cancellationToken = default)
    {
        var stored = await _context.LoadAsync<Visit>(visitId, "visit", cancellationToken).ConfigureAwait(false);
        var visit = stored.Value;
        var forms = _context.Options.Forms.GetValueOrDefault(visit.AppointmentTypeId) ?? new FormRequirements(false, null);
        var intake = await _context.Store.FindAsync<IntakeResponse>(visit.Id, cancellationToken).ConfigureAwait(false);
        var consents = (await _context.Store.ListAsync<Consent>(new RecordQuery(PatientId: visit.PatientId), cancellationToken).ConfigureAwait(false))
            .Where(c => c.Value.PatientId == visit.PatientId).ToList();
        var outcome = VisitDesk.CheckIn(visit, forms, intake is null ? [] : [intake.Value], consents.Select(c => c.Value), actor, _context.Clock);
        if (outcome.CheckedIn)
        {
            await _context.CommitAsync(
                _logger,
                [StoreChange.Of(visit.Id, outcome.Visit, stored.Version, actor, AuditActions.Visit(VisitStatus.CheckedIn))],
                [StoreRead.Of(visit.Id, intake), .. consents.Select(c => StoreRead.Of(c.Value.Id, c))],
                cancellationToken).ConfigureAwait(false);
            EngineLog.VisitMoved(_logger, visit.Id, nameof(VisitStatus.CheckedIn), actor);
        }
        else
        {
            EngineLog.CheckInRefused(_logger, visit.Id, outcome.Refusals.Count);
        }

        return outcome;
    }

    /// <summary>The visit took place; a care-plan visit closes its activity's occurrence in the same commit.</summary>
    /// <param name="visitId">A checked-in visit.</param>
    /// <param name="actor">Who.</param>
    /// <param name="cancellationToken">Cancels the operation before it commits.</param>
    /// <returns>The visit.</returns>
    public Task<Visit> FulfilAsync(string visitId, string actor, CancellationToken cancellationToken = default) => MoveAsync(visitId, VisitStatus.Fulfilled, actor,
        (plan, visit) => CarePlanLifecycle.RecordFulfilled(plan, visit.BookedRequestId, visit.Start.InZone(_context.Options.Zone).Date, actor, _context.Clock), cancellationToken);

    /// <summary>
    /// The visit is called off: its pending reminders and follow-up are cancelled, and a care-plan visit's occurrence
    /// is open again (when its activity still holds the booking), all in the same commit.
    /// </summary>
    /// <param name="visitId">A booked or arrived visit.</param>
    /// <param name="actor">Who.</param>
    /// <param name="cancellationToken">Cancels the operation before it commits.</param>
    /// <returns>The visit.</returns>
    public async Task<Visit> CancelAsync(string visitId, string actor, CancellationToken cancellationToken = default)
    {
        var stored = await _context.LoadAsync<Visit>(visitId, "visit", cancellationToken).ConfigureAwait(false);
        var moved = VisitDesk.Move(stored.Value, VisitStatus.Cancelled, actor, _context.Clock);
        var changes = await _context.CalledOffAsync(stored, moved, actor, AuditActions.Visit(VisitStatus.Cancelled), cancellationToken).ConfigureAwait(false);
        await _context.CommitAsync(_logger, changes, cancellationToken).ConfigureAwait(false);
        EngineLog.VisitMoved(_logger, visitId, nameof(VisitStatus.Cancelled), actor);
        return moved;
    }

    /// <summary>
    /// Marks booked visits not checked in within the grace period after their start as no-shows, each visit in its own
    /// commit with its pending messages cancelled and its care-plan occurrence open again: a visit that cannot be marked
    /// (changed meanwhile, or refused) is reported and the others are marked regardless.
    /// </summary>
    /// <param name="cancellationToken">Cancels the operation: visits marked before stay marked.</param>
    /// <returns>The visits marked and the failures, visit by visit.</returns>
    public async Task<NoShowReport> MarkNoShowsAsync(CancellationToken cancellationToken = default)
    {
        var open = await _context.Store.ListAsync<Visit>(RecordQuery.Open, cancellationToken).ConfigureAwait(false);
        var stored = open.ToDictionary(v => v.Value.Id, StringComparer.Ordinal);
        var marked = new List<Visit>();
        var failures = new List<NoShowFailure>();
        foreach (var visit in VisitDesk.MarkNoShows(stored.Values.Select(v => v.Value), _context.Options.CheckInGrace, _context.Clock))
        {
            cancellationToken.ThrowIfCancellationRequested();
            try
            {
                var changes = await _context.CalledOffAsync(stored[visit.Id], visit, "system", AuditActions.Visit(VisitStatus.NoShow), cancellationToken).ConfigureAwait(false);
                await _context.CommitAsync(_logger, changes, cancellationToken).ConfigureAwait(false);
                marked.Add(visit);
            }
            catch (Exception e) when (e is StoreConcurrencyException or TransitionException)
            {
                failures.Add(new NoShowFailure(visit.Id, e.Message));
                EngineLog.NoShowFailed(_logger, visit.Id, e.GetType().Name);
            }
        }

        EngineLog.NoShowsMarked(_logger, marked.Count, failures.Count);
        return new NoShowReport(marked, failures);
    }

    private async Task<Visit> MoveAsync(string visitId, VisitStatus to, string actor, Func<CarePlan, Visit, CarePlan>? onPlan, CancellationToken cancellationToken)
    {
        var stored = await _context.LoadAsync<Visit>(visitId, "visit", cancellationToken).ConfigureAwait(false);
        var moved = VisitDesk.Move(stored.Value, to, actor, _context.Clock);
        var changes = new List<StoreChange> { StoreChange.Of(visitId, moved, stored.Version, actor, AuditActions.Visit(to)) };
        if (onPlan is not null && CarePlanLifecycle.ParseRequestId(moved.BookedRequestId) is var (planId, _, _)
            && await _context.Store.FindAsync<CarePlan>(planId, cancellationToken).ConfigureAwait(false) is { } plan)
        {
            changes.Add(EngineContext.PlanChange(plan, onPlan(plan.Value, moved), actor));
        }

        await _context.CommitAsync(_logger, changes, cancellationToken).ConfigureAwait(false);
        EngineLog.VisitMoved(_logger, visitId, to.ToString(), actor);
        return moved;
    }
}
