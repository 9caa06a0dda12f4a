using System.Globalization;
using MedCoord.Engine.Billing;
using MedCoord.Engine.CarePlans;
using MedCoord.Engine.Communications;
using MedCoord.Engine.Referrals;
using MedCoord.Engine.Results;
using MedCoord.Engine.Storage;
using MedCoord.Engine.Visits;
using MedCoord.Scheduling.Model;
using MedCoord.Scheduling.Results;
using Microsoft.Extensions.Options;
using NodaTime;

namespace MedCoord.Engine;

/// <summary>
/// Everything waiting on a coordinator: what is late, by kind. Every status of every lifecycle that waits on someone
/// lands here once its limit has passed; only final statuses never do.
/// </summary>
/// <param name="CareActivities">Care-plan activities past their last acceptable date.</param>
/// <param name="Referrals">Referrals not sent, not accepted, not scheduled, without a report, or not closed past their limits.</param>
/// <param name="ResultTasks">Result reviews and patient notifications (released or not) open past their age limit.</param>
/// <param name="NoShows">Visits marked no-show, most recent first.</param>
/// <param name="Visits">Visits booked past their start and grace, arrived and not checked in, or checked in and not fulfilled, past their limits.</param>
/// <param name="CarePlans">Plans in draft or on hold, and activities on hold, past their limits.</param>
/// <param name="Claims">Claims waiting in a status other than Closed past its limit.</param>
public sealed record CoordinatorWorklist(
    IReadOnlyList<OverdueActivity> CareActivities,
    IReadOnlyList<OverdueReferral> Referrals,
    IReadOnlyList<RelayTask> ResultTasks,
    IReadOnlyList<Visit> NoShows,
    IReadOnlyList<StalledVisit> Visits,
    IReadOnlyList<StalledCarePlan> CarePlans,
    IReadOnlyList<StalledClaim> Claims);

/// <summary>
/// The care-coordination engine as a host uses it: each operation reads what it needs from the store, applies the
/// domain rules (care plans, visits and check-in, results relay, referrals, outbox), and commits every changed record
/// with its audit entries in one transaction, based on the versions of every record it read — the ones it changes and
/// the ones its decision rests on (a concurrent change makes the operation fail with
/// <see cref="StoreConcurrencyException"/>, nothing saved, safe to retry). Time comes from the injected clock. Thread safe.
/// </summary>
public sealed partial class CoordinationEngine
{
    private readonly IEngineStore _store;
    private readonly IClock _clock;
    private readonly EngineOptions _options;

    /// <summary>Creates the engine over a store.</summary>
    /// <param name="store">Where records are kept.</param>
    /// <param name="clock">The clock.</param>
    /// <param name="options">Validated options.</param>
    /// <exception cref="ArgumentException">The options are invalid; the message lists every problem.</exception>
    public CoordinationEngine(IEngineStore store, IClock clock, IOptions<EngineOptions> options)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(clock);
        ArgumentNullException.ThrowIfNull(options);
        var problems = options.Value.Validate();
        if (problems.Count > 0)
        {
            throw new ArgumentException(string.Join("; ", problems), nameof(options));
        }

        (_store, _clock, _options) = (store, clock, options.Value);
    }

    /// <summary>Gets the store (for reading records and the audit trail).</summary>
    public IEngineStore Store => _store;

    /// <summary>Today's date in the clinic's zone.</summary>
    public LocalDate Today => _clock.GetCurrentInstant().InZone(_options.Zone).Date;

    // ----- Care plans -----

    /// <summary>Stores a new care plan, in draft.</summary>
    /// <param name="id">Opaque plan id.</param>
    /// <param name="patientId">Opaque patient id.</param>
    /// <param name="goals">Goals.</param>
    /// <param name="activities">Activities.</param>
    /// <param name="actor">Who.</param>
    /// <returns>The plan.</returns>
    public CarePlan CreateCarePlan(string id, string patientId, IReadOnlyList<CarePlanGoal> goals, IReadOnlyList<CareActivity> activities, string actor)
    {
        var plan = CarePlanLifecycle.Create(id, patientId, goals, activities, actor, _clock);
        _store.Commit([StoreChange.Of(plan.Id, plan, 0, actor, "Plan.Created")]);
        return plan;
    }

    /// <summary>Changes a stored care plan with one of the <see cref="CarePlanLifecycle"/> operations, and stores the result.</summary>
    /// <param name="planId">The plan.</param>
    /// <param name="change">The change, given the plan and the clock.</param>
    /// <param name="actor">Who (for the audit entry).</param>
    /// <returns>The plan after the change.</returns>
    /// <exception cref="KeyNotFoundException">No such plan.</exception>
    public CarePlan ChangeCarePlan(string planId, Func<CarePlan, IClock, CarePlan> change, string actor)
    {
        ArgumentNullException.ThrowIfNull(change);
        var stored = Load<CarePlan>(planId, "care plan");
        var changed = change(stored.Value, _clock);
        _store.Commit([PlanChange(stored, changed, actor)]);
        return changed;
    }

    /// <summary>The scheduling requests every active plan has due within a horizon.</summary>
    /// <param name="horizon">The dates being scheduled.</param>
    /// <returns>The due occurrences.</returns>
    public IReadOnlyList<DueOccurrence> DueRequests(DateInterval horizon) => CarePlanRequests.Due(_store.List<CarePlan>().Select(p => p.Value), horizon);

    // ----- Bookings and visits -----

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
    /// <returns>The visits created.</returns>
    public IReadOnlyList<Visit> Book(Problem problem, Schedule schedule, string actor)
    {
        ArgumentNullException.ThrowIfNull(problem);
        ArgumentNullException.ThrowIfNull(schedule);
        var requests = problem.Requests.ToDictionary(r => r.Id, StringComparer.Ordinal);
        var zones = problem.Patients.Where(p => p.Zone is not null).ToDictionary(p => p.Id, p => p.Zone!, StringComparer.Ordinal);
        var existing = _store.List<Visit>();
        var takenIds = existing.Select(v => v.Value.Id).ToHashSet(StringComparer.Ordinal);
        var byRequest = existing.ToLookup(v => v.Value.BookedRequestId, StringComparer.Ordinal);
        var changes = new List<StoreChange>();
        var reads = new List<StoreRead>();
        var visits = new List<Visit>();
        var plans = new Dictionary<string, Stored<CarePlan>>(StringComparer.Ordinal);
        var planned = new Dictionary<string, CarePlan>(StringComparer.Ordinal);
        foreach (var a in schedule.Assignments)
        {
            // The decision rests on every earlier visit for the request: one still open or fulfilled means it is booked.
            var earlier = byRequest[a.RequestId].ToList();
            reads.AddRange(earlier.Select(v => StoreRead.Of(v.Value.Id, v)));
            if (earlier.Any(v => v.Value.Status is not (VisitStatus.Cancelled or VisitStatus.NoShow)))
            {
                continue;
            }

            var id = a.RequestId;
            for (var n = 2; takenIds.Contains(id); n++)
            {
                id = string.Create(CultureInfo.InvariantCulture, $"{a.RequestId}#{n}");
            }

            takenIds.Add(id);
            var visit = new Visit(id, a.PatientId, requests[a.RequestId].TypeId, a.Start.ToInstant(), VisitStatus.Booked, [], a.RequestId);
            visits.Add(visit);
            changes.Add(StoreChange.Of(visit.Id, visit, 0, actor, "Visit.Booked"));
            var zone = zones.GetValueOrDefault(a.PatientId) ?? _options.Zone;
            foreach (var message in Outbox.Plan(visit.Id, visit.PatientId, a.Start.ToInstant(), a.End.ToInstant(), zone, _options.Outbox, _clock))
            {
                changes.Add(StoreChange.Of(message.Id, message, _store.Find<OutboxMessage>(message.Id)?.Version ?? 0, actor, "Message.Planned"));
            }

            if (CarePlanLifecycle.ParseRequestId(a.RequestId) is var (planId, _, _))
            {
                if (!plans.ContainsKey(planId) && _store.Find<CarePlan>(planId) is { } stored)
                {
                    (plans[planId], planned[planId]) = (stored, stored.Value);
                }

                if (planned.TryGetValue(planId, out var plan))
                {
                    planned[planId] = CarePlanLifecycle.RecordBooked(plan, a.RequestId, actor, _clock);
                }
            }
        }

        changes.AddRange(planned.Select(p => PlanChange(plans[p.Key], p.Value, actor)));
        if (changes.Count > 0)
        {
            _store.Commit(changes, reads);
        }

        return visits;
    }

    /// <summary>Records a consent (new or changed, for example revoked).</summary>
    /// <param name="consent">The consent.</param>
    /// <param name="actor">Who.</param>
    public void RecordConsent(Consent consent, string actor)
    {
        ArgumentNullException.ThrowIfNull(consent);
        var stored = _store.Find<Consent>(consent.Id);
        _store.Commit([StoreChange.Of(consent.Id, consent, stored?.Version ?? 0, actor, stored is null ? "Consent.Given" : consent.RevokedAt is null ? "Consent.Changed" : "Consent.Revoked")]);
    }

    /// <summary>Records a completed intake questionnaire for a visit.</summary>
    /// <param name="intake">The response.</param>
    /// <param name="actor">Who.</param>
    public void RecordIntake(IntakeResponse intake, string actor)
    {
        ArgumentNullException.ThrowIfNull(intake);
        var stored = _store.Find<IntakeResponse>(intake.VisitId);
        _store.Commit([StoreChange.Of(intake.VisitId, intake, stored?.Version ?? 0, actor, "Intake.Completed")]);
    }

    /// <summary>The patient has arrived.</summary>
    /// <param name="visitId">The visit.</param>
    /// <param name="actor">Who.</param>
    /// <returns>The visit.</returns>
    public Visit Arrive(string visitId, string actor) => MoveVisit(visitId, VisitStatus.Arrived, actor);

    /// <summary>
    /// Checks a visit in when the forms its type needs are complete; otherwise refuses with every reason and changes
    /// nothing. The check-in commits only if the intake response and the patient's consents it read are unchanged.
    /// </summary>
    /// <param name="visitId">The visit.</param>
    /// <param name="actor">Who.</param>
    /// <returns>The outcome.</returns>
    /// <exception cref="StoreConcurrencyException">The visit, its intake response or one of the patient's consents changed since they were read; nothing was saved.</exception>
    public CheckInOutcome CheckIn(string visitId, string actor)
    {
        var stored = Load<Visit>(visitId, "visit");
        var visit = stored.Value;
        var forms = _options.Forms.GetValueOrDefault(visit.AppointmentTypeId) ?? new FormRequirements(false, null);
        var intake = _store.Find<IntakeResponse>(visit.Id);
        var consents = _store.List<Consent>().Where(c => c.Value.PatientId == visit.PatientId).ToList();
        var outcome = VisitDesk.CheckIn(visit, forms, intake is null ? [] : [intake.Value], consents.Select(c => c.Value), actor, _clock);
        if (outcome.CheckedIn)
        {
            _store.Commit(
                [StoreChange.Of(visit.Id, outcome.Visit, stored.Version, actor, "Visit.CheckedIn")],
                [StoreRead.Of(visit.Id, intake), .. consents.Select(c => StoreRead.Of(c.Value.Id, c))]);
        }

        return outcome;
    }

    /// <summary>The visit took place; a care-plan visit closes its activity's occurrence in the same commit.</summary>
    /// <param name="visitId">A checked-in visit.</param>
    /// <param name="actor">Who.</param>
    /// <returns>The visit.</returns>
    public Visit Fulfil(string visitId, string actor) => MoveVisit(visitId, VisitStatus.Fulfilled, actor,
        (plan, visit) => CarePlanLifecycle.RecordFulfilled(plan, visit.BookedRequestId, visit.Start.InZone(_options.Zone).Date, actor, _clock));

    /// <summary>
    /// The visit is called off: its pending reminders and follow-up are cancelled, and a care-plan visit's occurrence
    /// is open again (when its activity still holds the booking), all in the same commit.
    /// </summary>
    /// <param name="visitId">A booked or arrived visit.</param>
    /// <param name="actor">Who.</param>
    /// <returns>The visit.</returns>
    public Visit Cancel(string visitId, string actor)
    {
        var stored = Load<Visit>(visitId, "visit");
        var moved = VisitDesk.Move(stored.Value, VisitStatus.Cancelled, actor, _clock);
        _store.Commit(CalledOff(stored, moved, actor, "Visit.Cancelled"));
        return moved;
    }

    /// <summary>
    /// Marks booked visits not checked in within the grace period after their start as no-shows, each visit in its own
    /// commit with its pending messages cancelled and its care-plan occurrence open again: a visit that cannot be marked
    /// (changed meanwhile, or refused) is reported and the others are marked regardless.
    /// </summary>
    /// <returns>The visits marked and the failures, visit by visit.</returns>
    public NoShowReport MarkNoShows()
    {
        var stored = _store.List<Visit>().ToDictionary(v => v.Value.Id, StringComparer.Ordinal);
        var marked = new List<Visit>();
        var failures = new List<NoShowFailure>();
        foreach (var visit in VisitDesk.MarkNoShows(stored.Values.Select(v => v.Value), _options.CheckInGrace, _clock))
        {
            try
            {
                _store.Commit(CalledOff(stored[visit.Id], visit, "system", "Visit.NoShow"));
                marked.Add(visit);
            }
            catch (Exception e) when (e is StoreConcurrencyException or TransitionException)
            {
                failures.Add(new NoShowFailure(visit.Id, e.Message));
            }
        }

        return new NoShowReport(marked, failures);
    }

    // ----- Results -----

    /// <summary>Takes in a result or a new version of one: its review task opens (urgent when abnormal).</summary>
    /// <param name="result">The result.</param>
    /// <param name="actor">Who delivers it (for example the lab interface).</param>
    /// <returns>The review task.</returns>
    public RelayTask ReceiveResult(IncomingResult result, string actor)
    {
        ArgumentNullException.ThrowIfNull(result);
        var stored = _store.Find<ResultThread>(result.Id);
        var thread = ResultThreads.Receive(stored?.Value, result, _clock);

        // A notification released for an older version is withdrawn with it: the patient is told about the new one.
        _store.Commit([StoreChange.Of(result.Id, thread, stored?.Version ?? 0, actor, $"Result.{result.Status}"),
            .. CancelMessages(m => m.ResultId == result.Id, actor)]);
        return thread.Tasks[^1];
    }

    /// <summary>
    /// Marks a result task done: a review done opens the patient notification (for the provider to release, see
    /// <see cref="ReleaseResult"/>); a notification done by hand (the patient told another way) withdraws its pending message.
    /// </summary>
    /// <param name="resultId">The result.</param>
    /// <param name="taskId">Its open task.</param>
    /// <param name="actor">Who did it.</param>
    /// <returns>The notification task a review opens, or null.</returns>
    public RelayTask? CompleteResultTask(string resultId, string taskId, string actor)
    {
        var stored = Load<ResultThread>(resultId, "result");
        var (thread, opened) = ResultThreads.Complete(stored.Value, taskId, actor, _clock);
        _store.Commit([StoreChange.Of(resultId, thread, stored.Version, actor, opened is null ? "Result.PatientNotified" : "Result.Reviewed"),
            .. CancelMessages(m => m.TaskId == taskId, actor)]);
        return opened;
    }

    /// <summary>
    /// The provider releases a reviewed result to the patient: its open notification task is marked released and an
    /// outbox message (template <c>result-ready</c>, ids only) is planned now, out of the patient's quiet hours, in one
    /// commit. The task is done when the host reports the message delivered; a rejected message leaves it open (on the
    /// worklist past its age) and it may be released again.
    /// </summary>
    /// <param name="resultId">The result.</param>
    /// <param name="taskId">Its open patient-notification task.</param>
    /// <param name="actor">Who releases it (the reviewing provider).</param>
    /// <param name="patientZone">The patient's zone, for quiet hours; null for the clinic's.</param>
    /// <returns>The message planned.</returns>
    /// <exception cref="ArgumentException">The task is not an open patient notification of the result.</exception>
    /// <exception cref="InvalidOperationException">A message for the task is already pending or delivered.</exception>
    public OutboxMessage ReleaseResult(string resultId, string taskId, string actor, DateTimeZone? patientZone = null)
    {
        var stored = Load<ResultThread>(resultId, "result");
        var (thread, released) = ResultThreads.Release(stored.Value, taskId, actor, _clock);
        var earlier = _store.List<OutboxMessage>().Where(m => m.Value.TaskId == taskId).ToList();
        if (earlier.FirstOrDefault(m => m.Value.IsPending || m.Value.Delivery == DeliveryResult.Delivered) is { } standing)
        {
            throw new InvalidOperationException($"Task '{taskId}' is already released: message '{standing.Value.Id}' is {(standing.Value.IsPending ? "pending" : "delivered")}.");
        }

        var message = Outbox.PlanResultNotification(released, thread.Latest.PatientId, earlier.Count + 1, patientZone ?? _options.Zone, _options.Outbox, _clock);
        _store.Commit(
            [StoreChange.Of(resultId, thread, stored.Version, actor, "Result.Released"), StoreChange.Of(message.Id, message, 0, actor, "Message.Planned")],
            [.. earlier.Select(m => StoreRead.Of(m.Value.Id, m))]);
        return message;
    }

    // ----- Referrals -----

    /// <summary>Stores a new referral, in draft.</summary>
    /// <param name="referral">A referral from <see cref="ReferralLifecycle.Draft"/>.</param>
    /// <param name="actor">Who.</param>
    public void CreateReferral(Referral referral, string actor)
    {
        ArgumentNullException.ThrowIfNull(referral);
        _store.Commit([StoreChange.Of(referral.Id, referral, 0, actor, "Referral.Draft")]);
    }

    /// <summary>Moves a stored referral along its lifecycle (refused moves throw and change nothing).</summary>
    /// <param name="referralId">The referral.</param>
    /// <param name="to">The new status.</param>
    /// <param name="actor">Who.</param>
    /// <param name="reason">Why (a short code or phrase, no patient details).</param>
    /// <returns>The referral after the move.</returns>
    public Referral MoveReferral(string referralId, ReferralStatus to, string actor, string reason)
    {
        var stored = Load<Referral>(referralId, "referral");
        var moved = ReferralLifecycle.Move(stored.Value, to, actor, reason, _clock);
        _store.Commit([StoreChange.Of(referralId, moved, stored.Version, actor, $"Referral.{to}")]);
        return moved;
    }

    // ----- Claims -----

    /// <summary>Stores a draft claim for a stored, fulfilled visit.</summary>
    /// <param name="id">The patient control number.</param>
    /// <param name="visitId">The visit.</param>
    /// <param name="patient">The patient.</param>
    /// <param name="coverage">The coverage billed.</param>
    /// <param name="billing">The billing provider.</param>
    /// <param name="rendering">The rendering provider, or null.</param>
    /// <param name="diagnoses">ICD-10-CM codes, principal first.</param>
    /// <param name="lines">Service lines.</param>
    /// <param name="actor">Who.</param>
    /// <returns>The draft.</returns>
    public Claim CreateClaim(string id, string visitId, Person patient, Coverage coverage, ClaimProvider billing, ClaimProvider? rendering,
        IReadOnlyList<string> diagnoses, IReadOnlyList<ServiceLine> lines, string actor)
    {
        var visit = Load<Visit>(visitId, "visit");
        var claim = ClaimLifecycle.FromVisit(id, visit.Value, patient, coverage, billing, rendering, diagnoses, lines) with { CreatedAt = _clock.GetCurrentInstant() };
        _store.Commit([StoreChange.Of(claim.Id, claim, 0, actor, "Claim.Draft")], [StoreRead.Of(visitId, visit)]);
        return claim;
    }

    /// <summary>Moves a stored claim (to Ready only when valid, every problem listed at once).</summary>
    /// <param name="claimId">The claim.</param>
    /// <param name="to">The new status.</param>
    /// <param name="actor">Who.</param>
    /// <param name="reason">Why.</param>
    /// <param name="codeSets">Loaded code tables, if any.</param>
    /// <returns>The claim after the move.</returns>
    public Claim MoveClaim(string claimId, ClaimStatus to, string actor, string reason, ICodeSetProvider? codeSets = null)
    {
        var stored = Load<Claim>(claimId, "claim");
        var moved = ClaimLifecycle.Move(stored.Value, to, actor, reason, _clock, codeSets);
        _store.Commit([StoreChange.Of(claimId, moved, stored.Version, actor, $"Claim.{to}")]);
        return moved;
    }

    // ----- Outbox -----

    /// <summary>
    /// Messages due to be sent now: pending, and still true — a reminder only while its visit is booked, a follow-up
    /// only once its visit was fulfilled, a result notification only while its task is open and released.
    /// </summary>
    /// <returns>The messages.</returns>
    public IReadOnlyList<OutboxMessage> DueMessages() => Outbox.Due(
        _store.List<OutboxMessage>().Select(m => m.Value), _store.List<Visit>().Select(v => v.Value), _store.List<ResultThread>().Select(t => t.Value), _clock);

    /// <summary>Records the host's delivery result for a message; a result notification delivered closes its task in the same commit.</summary>
    /// <param name="messageId">The message.</param>
    /// <param name="result">What happened.</param>
    /// <param name="actor">Who reports it.</param>
    /// <returns>The message.</returns>
    public OutboxMessage RecordDelivery(string messageId, DeliveryResult result, string actor)
    {
        var stored = Load<OutboxMessage>(messageId, "message");
        var message = Outbox.RecordDelivery(stored.Value, result, _clock);
        var changes = new List<StoreChange> { StoreChange.Of(messageId, message, stored.Version, actor, $"Message.{result}") };
        if (result == DeliveryResult.Delivered && message.CancelledAt is null && message is { ResultId: { } resultId, TaskId: { } taskId }
            && _store.Find<ResultThread>(resultId) is { } thread && thread.Value.Tasks.Any(t => t.Id == taskId && t.IsOpen))
        {
            changes.Add(StoreChange.Of(resultId, ResultThreads.Complete(thread.Value, taskId, actor, _clock).Thread, thread.Version, actor, "Result.PatientNotified"));
        }

        _store.Commit(changes);
        return message;
    }

    // ----- Worklist -----

    /// <summary>Everything late, as of now.</summary>
    /// <returns>The worklist.</returns>
    public CoordinatorWorklist Worklist()
    {
        var now = _clock.GetCurrentInstant();
        var plans = _store.List<CarePlan>().Select(p => p.Value).ToList();
        var visits = _store.List<Visit>().Select(v => v.Value).ToList();
        return new(
            CarePlanRequests.Overdue(plans, Today),
            ReferralWorklist.Overdue(_store.List<Referral>().Select(r => r.Value), _options.Referrals, now),
            ResultThreads.Overdue(_store.List<ResultThread>().Select(t => t.Value), _options.Results, _clock),
            [.. visits.Where(v => v.Status == VisitStatus.NoShow).OrderByDescending(v => v.Start)],
            VisitDesk.Stalled(visits, _options.CheckInGrace, _options.Visits, now),
            CarePlanRequests.Stalled(plans, _options.CarePlans, now),
            ClaimWorklist.Stalled(_store.List<Claim>().Select(c => c.Value), _options.Claims, now));
    }

    private Visit MoveVisit(string visitId, VisitStatus to, string actor, Func<CarePlan, Visit, CarePlan>? onPlan = null)
    {
        var stored = Load<Visit>(visitId, "visit");
        var moved = VisitDesk.Move(stored.Value, to, actor, _clock);
        var changes = new List<StoreChange> { StoreChange.Of(visitId, moved, stored.Version, actor, $"Visit.{to}") };
        if (onPlan is not null && CarePlanLifecycle.ParseRequestId(moved.BookedRequestId) is var (planId, _, _) && _store.Find<CarePlan>(planId) is { } plan)
        {
            var changed = onPlan(plan.Value, moved);
            changes.Add(PlanChange(plan, changed, actor));
        }

        _store.Commit(changes);
        return moved;
    }

    /// <summary>
    /// The changes of a visit that will not take place (cancelled or a no-show): the visit, its pending messages
    /// cancelled, and its care-plan occurrence open again when the activity still holds the booking (an activity put
    /// on hold, cancelled or stopped let go of it already).
    /// </summary>
    private List<StoreChange> CalledOff(Stored<Visit> stored, Visit moved, string actor, string action)
    {
        var changes = new List<StoreChange> { StoreChange.Of(moved.Id, moved, stored.Version, actor, action) };
        changes.AddRange(CancelMessages(m => m.VisitId == moved.Id, actor));
        var requestId = moved.BookedRequestId;
        if (CarePlanLifecycle.ParseRequestId(requestId) is var (planId, _, _) && _store.Find<CarePlan>(planId) is { } plan
            && CarePlanLifecycle.HoldsBooking(plan.Value, requestId))
        {
            changes.Add(PlanChange(plan, CarePlanLifecycle.RecordBookingCancelled(plan.Value, requestId, actor, _clock), actor));
        }

        return changes;
    }

    /// <summary>The changes cancelling every pending message that matches.</summary>
    private IEnumerable<StoreChange> CancelMessages(Func<OutboxMessage, bool> which, string actor) =>
        _store.List<OutboxMessage>().Where(m => m.Value.IsPending && which(m.Value))
            .Select(m => StoreChange.Of(m.Value.Id, Outbox.Cancel(m.Value, _clock), m.Version, actor, "Message.Cancelled"));

    private Stored<T> Load<T>(string id, string noun)
        where T : class
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(id);
        return _store.Find<T>(id) ?? throw new KeyNotFoundException($"There is no {noun} '{id}'.");
    }

    /// <summary>The change saving a plan read at <paramref name="stored"/>; its audit actions are the codes of the history entries it added.</summary>
    private static StoreChange PlanChange(Stored<CarePlan> stored, CarePlan changed, string actor) =>
        StoreChange.Of(changed.Id, changed, stored.Version, actor,
            changed.History.Count > stored.Value.History.Count ? [.. changed.History.Skip(stored.Value.History.Count).Select(c => c.Action)] : ["Plan.Saved"]);
}
