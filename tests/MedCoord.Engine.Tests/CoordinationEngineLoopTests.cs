using MedCoord.Engine.Audit;
using MedCoord.Engine.CarePlans;
using MedCoord.Engine.Communications;
using MedCoord.Engine.Results;
using MedCoord.Engine.Storage;
using MedCoord.Engine.Visits;
using MedCoord.Scheduling.Model;
using MedCoord.Scheduling.Results;
using Microsoft.Extensions.Options;
using NodaTime;
using NodaTime.Testing;
using Xunit;
using MedCoord.Engine.Tests.Storage;

namespace MedCoord.Engine.Tests;

/// <summary>Loops that must not break without a word: re-bookings, messages of visits that will not happen, stale forms, no-shows, result notifications.</summary>
public sealed class CoordinationEngineLoopTests : IDisposable
{
    private static readonly DateInterval Horizon = new(new LocalDate(2026, 12, 7), new LocalDate(2026, 12, 31));
    private readonly FakeClock _clock = new(Instant.FromUtc(2026, 12, 7, 15, 0));
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"medcoord-loops-{Guid.NewGuid():N}.db");

    public void Dispose() => File.Delete(_path);

    private Instant Now => _clock.GetCurrentInstant();

    private CoordinationEngine Engine(IEngineStore? store = null) => CoordinationEngine.Over(store ?? new InMemoryEngineStore(_clock), _clock, Options.Create(new EngineOptions
    {
        Forms = { ["new-patient"] = new FormRequirements(IntakeQuestionnaire: true, ConsentScope: "treatment") },
    }));

    private IEngineStore Store(string kind)
    {
        if (kind == "memory")
        {
            return new InMemoryEngineStore(_clock);
        }

        var database = SqliteDatabase.Open(_path);
        return new SqliteEngineStore(database, new SqliteAuditLog(database, _clock));
    }

    internal static async Task ActivePlan(CoordinationEngine engine, string planId, string patientId = "pat-1", string type = "follow-up")
    {
        await engine.CarePlans.CreateAsync(planId, patientId, [], [new CareActivity("consult", ActivityKind.OneOff, type, DueBy: new LocalDate(2026, 12, 31))], "coord-1");
        await engine.CarePlans.ChangeAsync(planId, (p, c) => CarePlanLifecycle.SetStatus(p, CarePlanStatus.Active, "coord-1", c), "coord-1");
    }

    /// <summary>Books every due care-plan request at <paramref name="start"/>, as a scheduler would.</summary>
    internal static async Task<IReadOnlyList<Visit>> BookDue(CoordinationEngine engine, Instant start)
    {
        var due = await engine.CarePlans.DueRequestsAsync(Horizon);
        var problem = new Problem(Horizon, [], [], [], [.. due.Select(d => d.PatientId).Distinct().Select(p => new Patient(p, null, null, []))], [], [.. due.Select(d => d.Request)], []);
        var schedule = new Schedule(ScheduleStatus.Feasible, new(due.Count, due.Count, 0),
            [.. due.Select(d => new Assignment(d.Request.Id, d.PatientId, "dr-a", "exam-1", "clinic", start.WithOffset(Offset.Zero), (start + Duration.FromMinutes(30)).WithOffset(Offset.Zero)))],
            [], new(0, due.Count, 0));
        return await engine.Visits.BookAsync(problem, schedule, "scheduler");
    }

    private static IReadOnlyList<OutboxMessage> MessagesOf(CoordinationEngine engine, string visitId) =>
        [.. engine.Store.List<OutboxMessage>().Select(m => m.Value).Where(m => m.VisitId == visitId)];

    /// <summary>Cancels the visit, or lets two hours pass and marks it a no-show.</summary>
    private async Task CallOff(CoordinationEngine engine, string visitId, bool noShow)
    {
        if (!noShow)
        {
            await engine.Visits.CancelAsync(visitId, "desk-1");
            return;
        }

        _clock.Advance(Duration.FromHours(2));
        Assert.Equal([visitId], (await engine.Visits.MarkNoShowsAsync()).Marked.Select(v => v.Id));
    }

    // ----- 1. A re-booked care-plan occurrence -----

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Book_ReBookingAnOccurrenceEmittedAgain_IsANewVisitLinkedToItWithRemindersInOneCommit(bool noShow)
    {
        var engine = Engine();
        await ActivePlan(engine, "plan-1");
        var first = Assert.Single(await BookDue(engine, Now + Duration.FromHours(1)));
        await CallOff(engine, first.Id, noShow);
        var again = Assert.Single(await engine.CarePlans.DueRequestsAsync(Horizon));
        var auditBefore = engine.Store.AuditTrail().Count;

        var rebooked = Assert.Single(await BookDue(engine, Now + Duration.FromDays(3)));
        var repeated = await BookDue(engine, Now + Duration.FromDays(3));

        Assert.Equal("plan-1/consult/1", again.Request.Id);
        Assert.Equal(("plan-1/consult/1#2", "plan-1/consult/1", VisitStatus.Booked), (rebooked.Id, rebooked.RequestId, rebooked.Status));
        Assert.Empty(repeated);
        var activity = engine.Store.Find<CarePlan>("plan-1")!.Value.Activity("consult");
        Assert.Equal((ActivityStatus.Scheduled, "plan-1/consult/1"), (activity.Status, activity.BookedRequestId));
        Assert.Equal(3, MessagesOf(engine, rebooked.Id).Count(m => m.IsPending)); // two reminders and the follow-up
        Assert.Equal(["Visit.Booked", "Message.Planned", "Message.Planned", "Message.Planned", "Activity.Scheduled"],
            engine.Store.AuditTrail().Skip(auditBefore).Select(e => e.Action));
        Assert.Empty(await engine.CarePlans.DueRequestsAsync(Horizon));

        // The new visit carries the occurrence to its end.
        _clock.Advance(Duration.FromDays(3));
        await engine.Visits.CheckInAsync(rebooked.Id, "desk-1");
        await engine.Visits.FulfilAsync(rebooked.Id, "dr-a");
        Assert.Equal(ActivityStatus.Completed, engine.Store.Find<CarePlan>("plan-1")!.Value.Activity("consult").Status);
        Assert.True(engine.Store.VerifyAudit().Intact);
    }

    // ----- 2. Messages of visits that will not happen -----

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task CancelOrNoShow_CancelsThePendingMessagesInTheSameCommitAndNoneFallsDue(bool noShow)
    {
        var engine = Engine();
        await ActivePlan(engine, "plan-1");
        var visit = Assert.Single(await BookDue(engine, Now + Duration.FromHours(3)));
        _clock.Advance(Duration.FromHours(1) + Duration.FromMinutes(30));
        Assert.Equal(["reminder-2h"], (await engine.Outbox.DueMessagesAsync()).Select(m => m.Template)); // booked: the reminder is due
        var auditBefore = engine.Store.AuditTrail().Count;

        await CallOff(engine, visit.Id, noShow);
        _clock.Advance(Duration.FromDays(3)); // past the follow-up's time too
        Assert.Empty(await engine.Outbox.DueMessagesAsync());
        Assert.All(MessagesOf(engine, visit.Id), m => Assert.NotNull(m.CancelledAt));
        Assert.Equal([noShow ? "Visit.NoShow" : "Visit.Cancelled", "Message.Cancelled", "Message.Cancelled", "Activity.BookingCancelled"],
            engine.Store.AuditTrail().Skip(auditBefore).Select(e => e.Action));
    }

    [Fact]
    public async Task DueMessages_VisitCancelledWithoutItsMessages_HandsOutNone()
    {
        // A visit cancelled by an older version left its reminders pending: they are never handed out.
        var engine = Engine();
        await ActivePlan(engine, "plan-1");
        var visit = Assert.Single(await BookDue(engine, Now + Duration.FromHours(3)));
        var stored = engine.Store.Find<Visit>(visit.Id)!;
        engine.Store.Commit([StoreChange.Of(visit.Id, VisitDesk.Move(stored.Value, VisitStatus.Cancelled, "desk-1", _clock), stored.Version, "desk-1", "Visit.Cancelled")]);
        _clock.Advance(Duration.FromDays(3));

        Assert.Empty(await engine.Outbox.DueMessagesAsync());
        Assert.Equal(2, MessagesOf(engine, visit.Id).Count(m => m.IsPending));
    }

    // ----- 3. Every record a decision reads is in its concurrency check -----

    [Theory]
    [InlineData("memory", "consent")]
    [InlineData("memory", "intake")]
    [InlineData("sqlite", "consent")]
    [InlineData("sqlite", "intake")]
    public async Task CheckIn_AFormChangedBetweenTheReadAndTheCommit_ConflictsAndSavesNothing(string storeKind, string changed)
    {
        var store = Store(storeKind);
        var desk = Engine(store);
        var consent = new Consent("consent-1", "pat-1", "treatment", Now - Duration.FromDays(1), null, null);
        desk.Store.Commit([StoreChange.Of("v1", new Visit("v1", "pat-1", "new-patient", Now + Duration.FromMinutes(5), VisitStatus.Booked, []), 0, "scheduler", "Visit.Booked")]);
        await desk.Visits.RecordConsentAsync(consent, "desk-1");
        await desk.Visits.RecordIntakeAsync(new IntakeResponse("v1", "pat-1", Now), "pat-1");

        // A second engine (for SQLite on its own connection) changes the form after the check-in read it.
        var other = Engine(storeKind == "memory" ? store : Store(storeKind));
        var interleaved = new InterleavingStore(store, () =>
        {
            if (changed == "consent")
            {
                other.Visits.RecordConsentAsync(consent with { RevokedAt = Now }, "privacy-office").GetAwaiter().GetResult();
            }
            else
            {
                other.Visits.RecordIntakeAsync(new IntakeResponse("v1", "pat-1", Now), "pat-1").GetAwaiter().GetResult();
            }
        });
        var checkIn = Engine(interleaved);
        var auditBefore = store.AuditTrail().Count;

        var error = await Assert.ThrowsAsync<StoreConcurrencyException>(() => checkIn.Visits.CheckInAsync("v1", "desk-1"));

        Assert.Equal((changed == "consent" ? "consent" : "intake-response", 1L, 2L), (error.Kind, error.ExpectedVersion, error.StoredVersion));
        Assert.Equal((VisitStatus.Booked, 1L), (store.Find<Visit>("v1")!.Value.Status, store.Find<Visit>("v1")!.Version));
        Assert.Equal(auditBefore + 1, store.AuditTrail().Count); // only the other engine's change
        if (changed == "consent")
        {
            Assert.Equal(["the 'treatment' consent was revoked"], (await checkIn.Visits.CheckInAsync("v1", "desk-1")).Refusals); // the retry sees the revocation
        }
        else
        {
            Assert.True((await checkIn.Visits.CheckInAsync("v1", "desk-1")).CheckedIn);
        }

        Assert.True(store.VerifyAudit().Intact);
    }

    // ----- 4. No-shows visit by visit -----

    [Fact]
    public async Task MarkNoShows_AVisitChangedMeanwhile_IsReportedAndTheOthersAreMarked()
    {
        var store = new InMemoryEngineStore(_clock);
        foreach (var id in new[] { "v1", "v2", "v3" })
        {
            store.Commit([StoreChange.Of(id, new Visit(id, "pat-1", "follow-up", Now, VisitStatus.Booked, []), 0, "scheduler", "Visit.Booked")]);
        }

        _clock.Advance(Duration.FromHours(1));

        // Someone checks v2 in while the no-shows are being marked (before the first of them is saved).
        var engine = Engine(new InterleavingStore(store, () => Engine(store).Visits.CheckInAsync("v2", "desk-1").GetAwaiter().GetResult()));
        var report = await engine.Visits.MarkNoShowsAsync();

        Assert.Equal(["v1", "v3"], report.Marked.Select(v => v.Id));
        var failure = Assert.Single(report.Failures);
        Assert.Equal("v2", failure.VisitId);
        Assert.Contains("visit 'v2' was changed by someone else", failure.Reason);
        Assert.Equal([VisitStatus.NoShow, VisitStatus.CheckedIn, VisitStatus.NoShow], store.List<Visit>().Select(v => v.Value.Status));
    }

    [Fact]
    public async Task MarkNoShowsAndCancel_ActivityPutOnHoldAfterBooking_MarkTheVisitAndLeaveThePlanAlone()
    {
        var engine = Engine();
        await ActivePlan(engine, "plan-1");
        await ActivePlan(engine, "plan-2", "pat-2");
        await ActivePlan(engine, "plan-3", "pat-3");
        await BookDue(engine, Now + Duration.FromHours(1));
        foreach (var plan in new[] { "plan-2", "plan-3" })
        {
            await engine.CarePlans.ChangeAsync(plan, (p, c) => CarePlanLifecycle.SetActivityStatus(p, "consult", ActivityStatus.OnHold, "coord-1", c), "coord-1");
        }

        var cancelled = await engine.Visits.CancelAsync("plan-3/consult/1", "desk-1");
        _clock.Advance(Duration.FromHours(2));
        var report = await engine.Visits.MarkNoShowsAsync();

        Assert.Equal(VisitStatus.Cancelled, cancelled.Status);
        Assert.Equal(["plan-1/consult/1", "plan-2/consult/1"], report.Marked.Select(v => v.Id));
        Assert.Empty(report.Failures);
        Assert.Equal(ActivityStatus.NotStarted, engine.Store.Find<CarePlan>("plan-1")!.Value.Activity("consult").Status);
        Assert.Equal(ActivityStatus.OnHold, engine.Store.Find<CarePlan>("plan-2")!.Value.Activity("consult").Status);
        Assert.Equal(ActivityStatus.OnHold, engine.Store.Find<CarePlan>("plan-3")!.Value.Activity("consult").Status);
    }

    // ----- 6. A result's patient notification -----

    [Fact]
    public async Task Result_ReviewedReleasedAndDelivered_TellsThePatientAndClosesTheTask()
    {
        var engine = Engine();
        _clock.Reset(Instant.FromUtc(2026, 12, 7, 21, 30)); // 21:30 UTC: quiet hours in the clinic's zone
        var review = await engine.Results.ReceiveAsync(new IncomingResult("res-1", "pat-1", "dr-a", "lipids", ResultStatus.Final, Abnormal: false), "lab");
        var notification = (await engine.Results.CompleteTaskAsync("res-1", review.Id, "dr-a"))!;
        Assert.Empty(await engine.Outbox.DueMessagesAsync()); // reviewed, not yet released: nothing goes to the patient

        var message = await engine.Results.ReleaseAsync("res-1", notification.Id, "dr-a");
        var early = await engine.Outbox.DueMessagesAsync();
        _clock.Reset(Instant.FromUtc(2026, 12, 8, 8, 0));
        var due = Assert.Single(await engine.Outbox.DueMessagesAsync());
        await engine.Outbox.RecordDeliveryAsync(due.Id, DeliveryResult.Delivered, "sms-gateway");
        _clock.Advance(Duration.FromDays(10));

        Assert.Empty(early);
        Assert.Equal((message.Id, MessagePurpose.ResultNotification, "result-ready", "pat-1"), (due.Id, due.Purpose, due.Template, due.PatientId));
        Assert.Equal(Instant.FromUtc(2026, 12, 8, 8, 0), message.SendAt); // when quiet hours end
        var task = engine.Store.Find<ResultThread>("res-1")!.Value.Tasks.Single(t => t.Id == notification.Id);
        Assert.Equal(("dr-a", "sms-gateway", false), (task.ReleasedBy, task.DoneBy, task.IsOpen));
        Assert.Equal(["Result.Final", "Result.Reviewed", "Result.Released", "Message.Planned", "Message.Delivered", "Result.PatientNotified"],
            engine.Store.AuditTrail().Select(e => e.Action));
        Assert.Empty((await engine.Worklist.GetAsync()).ResultTasks);
        Assert.Empty(await engine.Outbox.DueMessagesAsync());
        await Assert.ThrowsAsync<ArgumentException>(() => engine.Results.ReleaseAsync("res-1", notification.Id, "dr-a"));
    }

    [Fact]
    public async Task Result_NotificationRejected_StaysOpenOnTheWorklistAndIsReleasedAgain()
    {
        var engine = Engine();
        var review = await engine.Results.ReceiveAsync(new IncomingResult("res-1", "pat-1", "dr-a", "lipids", ResultStatus.Final, Abnormal: true), "lab");
        var notification = (await engine.Results.CompleteTaskAsync("res-1", review.Id, "dr-a"))!;
        var first = await engine.Results.ReleaseAsync("res-1", notification.Id, "dr-a");
        var twice = await Assert.ThrowsAsync<InvalidOperationException>(() => engine.Results.ReleaseAsync("res-1", notification.Id, "dr-a"));
        await engine.Outbox.RecordDeliveryAsync(first.Id, DeliveryResult.Rejected, "sms-gateway");
        _clock.Advance(Duration.FromHours(5));

        var late = (await engine.Worklist.GetAsync()).ResultTasks;
        var second = await engine.Results.ReleaseAsync("res-1", notification.Id, "dr-a");

        Assert.Contains("already released", twice.Message);
        Assert.Equal([notification.Id], late.Select(t => t.Id));
        Assert.Equal("res-1/v1/PatientNotification/message-2", second.Id);
        Assert.Equal([second.Id], (await engine.Outbox.DueMessagesAsync()).Select(m => m.Id));
    }

    [Fact]
    public async Task Result_NewVersionAfterRelease_WithdrawsTheMessageOfTheOldOne()
    {
        var engine = Engine();
        var review = await engine.Results.ReceiveAsync(new IncomingResult("res-1", "pat-1", "dr-a", "lipids", ResultStatus.Final, Abnormal: false), "lab");
        var released = await engine.Results.ReleaseAsync("res-1", (await engine.Results.CompleteTaskAsync("res-1", review.Id, "dr-a"))!.Id, "dr-a");

        var newReview = await engine.Results.ReceiveAsync(new IncomingResult("res-1", "pat-1", "dr-a", "lipids", ResultStatus.Amended, Abnormal: true), "lab");

        Assert.Empty(await engine.Outbox.DueMessagesAsync());
        Assert.NotNull(engine.Store.Find<OutboxMessage>(released.Id)!.Value.CancelledAt);
        Assert.Equal(["Result.Amended", "Message.Cancelled"], engine.Store.AuditTrail().TakeLast(2).Select(e => e.Action));
        Assert.Equal((RelayStep.ProviderReview, 2), (newReview.Step, newReview.Version));
    }

    /// <summary>Runs an action once, just before the next commit reaches the store: another user's change landing between an operation's reads and its commit.</summary>
    internal sealed class InterleavingStore(IEngineStore inner, Action beforeFirstCommit) : IEngineStore
    {
        private Action? _pending = beforeFirstCommit;

        public Task<Stored<T>?> FindAsync<T>(string id, CancellationToken cancellationToken)
            where T : class => inner.FindAsync<T>(id, cancellationToken);

        public Task<IReadOnlyList<Stored<T>>> FindManyAsync<T>(IReadOnlyCollection<string> ids, CancellationToken cancellationToken)
            where T : class => inner.FindManyAsync<T>(ids, cancellationToken);

        public Task<IReadOnlyList<Stored<T>>> ListAsync<T>(RecordQuery query, CancellationToken cancellationToken)
            where T : class => inner.ListAsync<T>(query, cancellationToken);

        public Task CommitAsync(IReadOnlyList<StoreChange> changes, IReadOnlyList<StoreRead> reads, CancellationToken cancellationToken)
        {
            var pending = Interlocked.Exchange(ref _pending, null);
            pending?.Invoke();
            return inner.CommitAsync(changes, reads, cancellationToken);
        }

        public Task RecordAccessAsync(string actor, string operation, IReadOnlyList<AccessedRecord> records, CancellationToken cancellationToken) =>
            inner.RecordAccessAsync(actor, operation, records, cancellationToken);

        public Task<IReadOnlyList<AuditEntry>> AuditTrailAsync(CancellationToken cancellationToken) => inner.AuditTrailAsync(cancellationToken);

        public Task<AuditVerification> VerifyAuditAsync(CancellationToken cancellationToken) => inner.VerifyAuditAsync(cancellationToken);
    }
}
