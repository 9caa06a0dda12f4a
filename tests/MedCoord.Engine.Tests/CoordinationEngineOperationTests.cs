using MedCoord.Scheduling.Validation;
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
using NodaTime.Testing;
using Xunit;
using MedCoord.Engine.Tests.Storage;

namespace MedCoord.Engine.Tests;

/// <summary>Each engine operation's exact effect: the records it stores, their versions, the audit actions, and what it refuses.</summary>
public sealed class CoordinationEngineOperationTests
{
    private static readonly DateTimeZone NewYork = DateTimeZoneProviders.Tzdb["America/New_York"];
    private readonly FakeClock _clock = new(Instant.FromUtc(2026, 12, 7, 15, 0));

    private Instant Now => _clock.GetCurrentInstant();

    private CoordinationEngine Engine(IEngineStore? store = null, Action<EngineOptions>? configure = null)
    {
        var options = new EngineOptions();
        configure?.Invoke(options);
        return CoordinationEngine.Over(store ?? new InMemoryEngineStore(_clock), _clock, Options.Create(options));
    }

    private static List<string> Actions(CoordinationEngine engine, int after = 0) => [.. engine.Store.AuditTrail().Skip(after).Select(e => $"{e.EntityId} {e.Action}")];

    private static void Put<T>(CoordinationEngine engine, string id, T value)
        where T : class =>
        engine.Store.Commit([StoreChange.Of(id, value, engine.Store.Find<T>(id)?.Version ?? 0, "setup", "Setup.Saved")]);

    private Visit Booked(string id, Instant start, string patient = "pat-1", string type = "follow-up") => new(id, patient, type, start, VisitStatus.Booked, []);

    /// <summary>A schedule booking each (request, patient, start) for 30 minutes.</summary>
    private static (Problem Problem, Schedule Schedule) Schedule(IReadOnlyList<Scheduling.Model.Patient> patients, params (string Request, string Patient, Instant Start)[] bookings)
    {
        var problem = new Problem(new DateInterval(new LocalDate(2026, 12, 7), new LocalDate(2026, 12, 31)), [], [], [], patients, [],
            [.. bookings.Select(b => new AppointmentRequest(b.Request, b.Patient, "follow-up"))], []);
        var schedule = new Schedule(ScheduleStatus.Feasible, new(bookings.Length, bookings.Length, 0),
            [.. bookings.Select(b => new Assignment(b.Request, b.Patient, "dr-a", "exam-1", "clinic", b.Start.WithOffset(Offset.Zero), (b.Start + Duration.FromMinutes(30)).WithOffset(Offset.Zero)))],
            [], new(0, bookings.Length, 0));
        return (problem, schedule);
    }

    [Fact]
    public async Task Operations_OnRecordsThatDoNotExist_NameTheKindAndId()
    {
        var engine = Engine();

        Assert.Equal("There is no visit 'v-9'.", (await Assert.ThrowsAsync<RecordNotFoundException>(() => engine.Visits.ArriveAsync("v-9", "desk-1"))).Message);
        Assert.Equal("There is no visit 'v-9'.", (await Assert.ThrowsAsync<RecordNotFoundException>(() => engine.Visits.CancelAsync("v-9", "desk-1"))).Message);
        Assert.Equal("There is no visit 'v-9'.", (await Assert.ThrowsAsync<RecordNotFoundException>(() => engine.Visits.CheckInAsync("v-9", "desk-1"))).Message);
        Assert.Equal("There is no care plan 'plan-9'.", (await Assert.ThrowsAsync<RecordNotFoundException>(() => engine.CarePlans.ChangeAsync("plan-9", (p, _) => p, "coord-1"))).Message);
        Assert.Equal("There is no result 'res-9'.", (await Assert.ThrowsAsync<RecordNotFoundException>(() => engine.Results.CompleteTaskAsync("res-9", "res-9/v1/ProviderReview", "dr-a"))).Message);
        Assert.Equal("There is no result 'res-9'.", (await Assert.ThrowsAsync<RecordNotFoundException>(() => engine.Results.ReleaseAsync("res-9", "res-9/v1/PatientNotification", "dr-a"))).Message);
        Assert.Equal("There is no referral 'ref-9'.", (await Assert.ThrowsAsync<RecordNotFoundException>(() => engine.Referrals.MoveAsync("ref-9", ReferralStatus.Sent, "dr-a", "sent"))).Message);
        Assert.Equal("There is no message 'm-9'.", (await Assert.ThrowsAsync<RecordNotFoundException>(() => engine.Outbox.RecordDeliveryAsync("m-9", DeliveryResult.Delivered, "sms"))).Message);
        Assert.Equal("id", (await Assert.ThrowsAsync<ArgumentException>(() => engine.Visits.ArriveAsync(" ", "desk-1"))).ParamName);
        Assert.Empty(engine.Store.AuditTrail());
    }

    [Fact]
    public void Today_IsTheDateInTheClinicsZone()
    {
        _clock.Reset(Instant.FromUtc(2026, 12, 7, 3, 0));

        Assert.Equal(new LocalDate(2026, 12, 6), Engine(configure: o => o.ClinicZone = "America/Denver").Today);
        Assert.Equal(new LocalDate(2026, 12, 7), Engine().Today);
    }

    [Fact]
    public async Task RecordConsentAndIntake_NewChangedOrRevoked_EachWithItsAuditActionAndVersion()
    {
        var engine = Engine();
        var consent = new Consent("c-1", "pat-1", "treatment", Now, null, null);

        await engine.Visits.RecordConsentAsync(consent, "desk-1");
        await engine.Visits.RecordConsentAsync(consent with { ExpiresAt = Now + Duration.FromDays(365) }, "desk-1");
        await engine.Visits.RecordConsentAsync(consent with { RevokedAt = Now }, "privacy-1");
        await engine.Visits.RecordIntakeAsync(new IntakeResponse("v-1", "pat-1", Now), "pat-1");
        await engine.Visits.RecordIntakeAsync(new IntakeResponse("v-1", "pat-1", Now + Duration.FromMinutes(5)), "pat-1");

        Assert.Equal(["c-1 Consent.Given", "c-1 Consent.Changed", "c-1 Consent.Revoked", "v-1 Intake.Completed", "v-1 Intake.Completed"], Actions(engine));
        Assert.Equal((3L, (Instant?)Now), (engine.Store.Find<Consent>("c-1")!.Version, engine.Store.Find<Consent>("c-1")!.Value.RevokedAt));
        Assert.Equal((2L, Now + Duration.FromMinutes(5)), (engine.Store.Find<IntakeResponse>("v-1")!.Version, engine.Store.Find<IntakeResponse>("v-1")!.Value.CompletedAt));
        Assert.Equal("privacy-1", engine.Store.AuditTrail()[2].Actor);
        await Assert.ThrowsAsync<ArgumentNullException>(() => engine.Visits.RecordConsentAsync(null!, "desk-1"));
        await Assert.ThrowsAsync<ArgumentNullException>(() => engine.Visits.RecordIntakeAsync(null!, "desk-1"));
    }

    [Fact]
    public async Task Book_RequestBookedBeforeAndCalledOffTwice_GetsTheNextFreeNumberAndKeepsTheRequest()
    {
        var engine = Engine();
        var start = Now + Duration.FromDays(2);
        Put(engine, "r1", Booked("r1", start) with { Status = VisitStatus.Cancelled, RequestId = "r1" });
        Put(engine, "r1#2", Booked("r1#2", start) with { Status = VisitStatus.NoShow, RequestId = "r1" });
        var (problem, schedule) = Schedule([], ("r1", "pat-1", start), ("r2", "pat-2", start));

        var visits = await engine.Visits.BookAsync(problem, schedule, "scheduler");

        Assert.Equal([("r1#3", "pat-1", "follow-up", start, VisitStatus.Booked, "r1"), ("r2", "pat-2", "follow-up", start, VisitStatus.Booked, "r2")],
            visits.Select(v => (v.Id, v.PatientId, v.AppointmentTypeId, v.Start, v.Status, v.RequestId!)));
        Assert.All(visits, v => Assert.Empty(v.History));
        Assert.Equal(1L, engine.Store.Find<Visit>("r1#3")!.Version);
        Assert.Equal(["r1#3/follow-up", "r1#3/reminder/120m", "r1#3/reminder/2880m", "r2/follow-up", "r2/reminder/120m", "r2/reminder/2880m"],
            engine.Store.List<OutboxMessage>().Select(m => m.Value.Id));
    }

    [Theory]
    [InlineData(VisitStatus.Booked)]
    [InlineData(VisitStatus.Arrived)]
    [InlineData(VisitStatus.CheckedIn)]
    [InlineData(VisitStatus.Fulfilled)]
    public async Task Book_RequestWithAVisitOpenOrFulfilled_IsNotBookedAgainAndNothingIsCommitted(VisitStatus status)
    {
        var engine = Engine();
        Put(engine, "old", Booked("old", Now) with { Status = VisitStatus.Cancelled, RequestId = "r1" });
        Put(engine, "r1", Booked("r1", Now) with { Status = status });
        var auditBefore = engine.Store.AuditTrail().Count;
        var (problem, schedule) = Schedule([], ("r1", "pat-1", Now + Duration.FromDays(2)));

        Assert.Empty(await engine.Visits.BookAsync(problem, schedule, "scheduler"));
        Assert.Equal(auditBefore, engine.Store.AuditTrail().Count);
        Assert.Equal(2, engine.Store.List<Visit>().Count);
    }

    [Fact]
    public async Task Book_PatientWithoutAZone_RemindersInTheClinicsZone()
    {
        // 09:00 in New York: two hours before is 07:00 there, quiet until 08:00 (in UTC it would be 12:00, not quiet).
        var engine = Engine(configure: o => o.ClinicZone = "America/New_York");
        var start = NewYork.AtStrictly(new LocalDateTime(2026, 12, 9, 9, 0)).ToInstant();
        var (problem, schedule) = Schedule([new Scheduling.Model.Patient("pat-1", null, null, [])], ("r1", "pat-1", start));

        await engine.Visits.BookAsync(problem, schedule, "scheduler");

        Assert.Equal(NewYork.AtStrictly(new LocalDateTime(2026, 12, 9, 8, 0)).ToInstant(), engine.Store.Find<OutboxMessage>("r1/reminder/120m")!.Value.SendAt);
    }

    [Fact]
    public async Task Book_AMessageLeftUnderTheSameId_IsReplacedAtItsVersion()
    {
        var engine = Engine();
        var start = Now + Duration.FromDays(3);
        Put(engine, "r1/follow-up", new OutboxMessage("r1/follow-up", "r1", "pat-1", MessagePurpose.FollowUp, "follow-up", Now, DeliveryResult.Failed, Now));
        var (problem, schedule) = Schedule([], ("r1", "pat-1", start));

        await engine.Visits.BookAsync(problem, schedule, "scheduler");

        var stored = engine.Store.Find<OutboxMessage>("r1/follow-up")!;
        Assert.Equal((2L, start + Duration.FromMinutes(30) + Duration.FromHours(24), (DeliveryResult?)null), (stored.Version, stored.Value.SendAt, stored.Value.Delivery));
    }

    [Fact]
    public async Task Book_TwoOccurrencesOfOnePlan_ScheduleBothActivitiesInOneChangeOfThePlan()
    {
        var engine = Engine();
        await engine.CarePlans.CreateAsync("plan-1", "pat-1", [],
        [
            new CareActivity("consult", ActivityKind.OneOff, "follow-up", DueBy: new LocalDate(2026, 12, 31)),
            new CareActivity("labs", ActivityKind.Order, "follow-up", DueBy: new LocalDate(2026, 12, 31)),
        ], "coord-1");
        await engine.CarePlans.ChangeAsync("plan-1", (p, c) => CarePlanLifecycle.SetStatus(p, CarePlanStatus.Active, "coord-1", c), "coord-1");
        var auditBefore = engine.Store.AuditTrail().Count;
        var start = Now + Duration.FromDays(1);
        var (problem, schedule) = Schedule([], ("plan-1/consult/1", "pat-1", start), ("plan-1/labs/1", "pat-1", start + Duration.FromHours(1)), ("plan-9/x/1", "pat-1", start));

        await engine.Visits.BookAsync(problem, schedule, "scheduler");

        var plan = engine.Store.Find<CarePlan>("plan-1")!;
        Assert.Equal(3L, plan.Version);
        Assert.Equal([("consult", ActivityStatus.Scheduled, "plan-1/consult/1"), ("labs", ActivityStatus.Scheduled, "plan-1/labs/1")],
            plan.Value.Activities.Select(a => (a.Id, a.Status, a.BookedRequestId!)));
        Assert.Equal(["plan-1 Activity.Scheduled", "plan-1 Activity.Scheduled"], Actions(engine, auditBefore).Where(a => a.StartsWith("plan-1 ", StringComparison.Ordinal)));
        Assert.Equal(["plan-1/consult/1", "plan-1/labs/1", "plan-9/x/1"], engine.Store.List<Visit>().Select(v => v.Value.Id));
    }

    [Fact]
    public async Task Book_AnEarlierVisitChangedBeforeTheCommit_Conflicts()
    {
        var store = new InMemoryEngineStore(_clock);
        var setup = Engine(store);
        Put(setup, "r1", Booked("r1", Now) with { Status = VisitStatus.Cancelled });
        var interleaved = new CoordinationEngineLoopTests.InterleavingStore(store, () => Put(setup, "r1", Booked("r1", Now) with { Status = VisitStatus.Cancelled, PatientId = "pat-1" }));
        var (problem, schedule) = Schedule([], ("r1", "pat-1", Now + Duration.FromDays(2)));

        var error = await Assert.ThrowsAsync<StoreConcurrencyException>(() => Engine(interleaved).Visits.BookAsync(problem, schedule, "scheduler"));

        Assert.Equal(("visit", "r1", 1L, 2L), (error.Kind, error.Id, error.ExpectedVersion, error.StoredVersion));
        Assert.Null(store.Find<Visit>("r1#2"));
    }

    [Fact]
    public async Task CheckIn_TypeWithoutForms_ChecksInAndAnotherPatientsConsentChangingDoesNotConflict()
    {
        var store = new InMemoryEngineStore(_clock);
        var setup = Engine(store);
        Put(setup, "v-1", Booked("v-1", Now + Duration.FromMinutes(10)));
        await setup.Visits.RecordConsentAsync(new Consent("c-other", "pat-2", "treatment", Now, null, null), "desk-1");
        var interleaved = new CoordinationEngineLoopTests.InterleavingStore(store,
            () => setup.Visits.RecordConsentAsync(new Consent("c-other", "pat-2", "treatment", Now, null, Now), "privacy-1"));

        var outcome = await Engine(interleaved).Visits.CheckInAsync("v-1", "desk-2");

        Assert.True(outcome.CheckedIn);
        var stored = store.Find<Visit>("v-1")!;
        Assert.Equal((VisitStatus.CheckedIn, 2L), (stored.Value.Status, stored.Version));
        Assert.Equal(["v-1 Visit.CheckedIn"], Actions(setup).TakeLast(1));
        Assert.Equal("desk-2", store.AuditTrail()[^1].Actor);
    }

    [Fact]
    public async Task Fulfil_CarePlanVisit_RecordsTheOccurrenceOnTheClinicsLocalDate()
    {
        // 02:00 UTC on 9 December is still 8 December in Denver.
        var engine = Engine(configure: o => o.ClinicZone = "America/Denver");
        await engine.CarePlans.CreateAsync("plan-1", "pat-1", [],
            [new CareActivity("hba1c", ActivityKind.Recurring, "follow-up", Every: Period.FromMonths(3), FirstDue: new LocalDate(2026, 12, 8))], "coord-1");
        await engine.CarePlans.ChangeAsync("plan-1", (p, c) => CarePlanLifecycle.SetStatus(p, CarePlanStatus.Active, "coord-1", c), "coord-1");
        var start = Instant.FromUtc(2026, 12, 9, 2, 0);
        var (problem, schedule) = Schedule([], ("plan-1/hba1c/1", "pat-1", start));
        var visit = Assert.Single(await engine.Visits.BookAsync(problem, schedule, "scheduler"));
        _clock.Reset(start);
        await engine.Visits.CheckInAsync(visit.Id, "desk-1");
        var auditBefore = engine.Store.AuditTrail().Count;

        var fulfilled = await engine.Visits.FulfilAsync(visit.Id, "dr-a");

        Assert.Equal(VisitStatus.Fulfilled, fulfilled.Status);
        var activity = engine.Store.Find<CarePlan>("plan-1")!.Value.Activity("hba1c");
        Assert.Equal((ActivityStatus.InProgress, 1, (LocalDate?)new LocalDate(2026, 12, 8)), (activity.Status, activity.CompletedCount, activity.LastDoneOn));
        Assert.Equal(["plan-1/hba1c/1 Visit.Fulfilled", "plan-1 Activity.OccurrenceDone"], Actions(engine, auditBefore));
    }

    [Fact]
    public async Task ArriveAndFulfil_VisitOutsideAnyPlan_ChangeOnlyTheVisit()
    {
        var engine = Engine();
        Put(engine, "v-1", Booked("v-1", Now));
        var auditBefore = engine.Store.AuditTrail().Count;

        var arrived = await engine.Visits.ArriveAsync("v-1", "desk-1");
        await engine.Visits.CheckInAsync("v-1", "desk-1");
        var fulfilled = await engine.Visits.FulfilAsync("v-1", "dr-a");

        Assert.Equal(VisitStatus.Arrived, arrived.Status);
        Assert.Equal([VisitStatus.Arrived, VisitStatus.CheckedIn, VisitStatus.Fulfilled], fulfilled.History.Select(h => h.To));
        Assert.Equal(["v-1 Visit.Arrived", "v-1 Visit.CheckedIn", "v-1 Visit.Fulfilled"], Actions(engine, auditBefore));
        Assert.Equal(4L, engine.Store.Find<Visit>("v-1")!.Version);
    }

    [Fact]
    public async Task Cancel_CheckedInVisit_IsRefusedAndNothingIsSaved()
    {
        var engine = Engine();
        Put(engine, "v-1", Booked("v-1", Now) with { Status = VisitStatus.CheckedIn });
        var auditBefore = engine.Store.AuditTrail().Count;

        var refused = await Assert.ThrowsAsync<TransitionException>(() => engine.Visits.CancelAsync("v-1", "desk-1"));

        Assert.Equal((VisitStatus.CheckedIn, VisitStatus.Cancelled), (refused.From, refused.To));
        Assert.Equal(auditBefore, engine.Store.AuditTrail().Count);
    }

    [Fact]
    public async Task Cancel_CancelsOnlyThisVisitsPendingMessages()
    {
        var engine = Engine();
        var start = Now + Duration.FromDays(3);
        var (problem, schedule) = Schedule([], ("r1", "pat-1", start), ("r2", "pat-2", start));
        await engine.Visits.BookAsync(problem, schedule, "scheduler");
        await engine.Outbox.RecordDeliveryAsync("r1/reminder/2880m", DeliveryResult.Delivered, "sms");
        await engine.Outbox.RecordDeliveryAsync("r1/reminder/120m", DeliveryResult.Failed, "sms");
        _clock.Advance(Duration.FromHours(1));
        var auditBefore = engine.Store.AuditTrail().Count;

        await engine.Visits.CancelAsync("r1", "desk-1");

        Assert.Equal(["r1 Visit.Cancelled", "r1/follow-up Message.Cancelled", "r1/reminder/120m Message.Cancelled"], Actions(engine, auditBefore));
        Assert.Equal(Now, engine.Store.Find<OutboxMessage>("r1/follow-up")!.Value.CancelledAt);
        Assert.Null(engine.Store.Find<OutboxMessage>("r1/reminder/2880m")!.Value.CancelledAt);
        Assert.All(engine.Store.List<OutboxMessage>().Where(m => m.Value.VisitId == "r2"), m => Assert.Null(m.Value.CancelledAt));
    }

    [Fact]
    public async Task MarkNoShows_AfterTheConfiguredGrace_EachWithItsMessagesAndTheOthersLeft()
    {
        var engine = Engine(configure: o => o.CheckInGrace = Duration.FromMinutes(30));
        var start = Now + Duration.FromHours(3);
        var (problem, schedule) = Schedule([], ("r1", "pat-1", start), ("r2", "pat-2", start + Duration.FromMinutes(1)), ("r3", "pat-3", start));
        await engine.Visits.BookAsync(problem, schedule, "scheduler");
        await engine.Visits.ArriveAsync("r3", "desk-1");
        _clock.Reset(start + Duration.FromMinutes(30));
        var atGrace = await engine.Visits.MarkNoShowsAsync();
        _clock.Advance(Duration.FromSeconds(1));
        var auditBefore = engine.Store.AuditTrail().Count;

        var report = await engine.Visits.MarkNoShowsAsync();

        Assert.Empty(atGrace.Marked);
        Assert.Equal(["r1"], report.Marked.Select(v => v.Id));
        Assert.Empty(report.Failures);
        Assert.Equal(new StatusChange<VisitStatus>(VisitStatus.Booked, VisitStatus.NoShow, "system", Now), report.Marked[0].History.Single());
        Assert.Equal(["r1 Visit.NoShow", "r1/follow-up Message.Cancelled", "r1/reminder/120m Message.Cancelled"], Actions(engine, auditBefore)); // the 48-hour reminder was past when booked
        Assert.All(engine.Store.AuditTrail().Skip(auditBefore), e => Assert.Equal("system", e.Actor));
        Assert.Equal(VisitStatus.NoShow, engine.Store.Find<Visit>("r1")!.Value.Status);
    }

    [Fact]
    public async Task MarkNoShows_AVisitChangedMeanwhile_ReportedWithTheConflict_ThePlanVisitStillReopensItsOccurrence()
    {
        var store = new InMemoryEngineStore(_clock);
        var setup = Engine(store);
        Put(setup, "v-1", Booked("v-1", Now) with { RequestId = "plan-1/consult/1" });
        Put(setup, "v-2", Booked("v-2", Now));
        var plan = CarePlanLifecycle.Create("plan-1", "pat-1", [], [new CareActivity("consult", ActivityKind.OneOff, "follow-up", DueBy: new LocalDate(2026, 12, 31))], "coord-1", _clock);
        Put(setup, "plan-1", plan with
        {
            Status = CarePlanStatus.Active,
            Activities = [plan.Activities[0] with { Status = ActivityStatus.Scheduled, BookedRequestId = "plan-1/consult/1" }],
        });
        _clock.Advance(Duration.FromHours(1));
        var engine = Engine(new CoordinationEngineLoopTests.InterleavingStore(store, () => Put(setup, "v-2", Booked("v-2", Now))));

        var report = await engine.Visits.MarkNoShowsAsync();

        Assert.Equal(["v-1"], report.Marked.Select(v => v.Id));
        Assert.Equal(
            [new NoShowFailure("v-2", "The visit 'v-2' was changed by someone else (stored version 2, this change was based on 1); nothing was saved: read it again and retry.")],
            report.Failures);
        var activity = store.Find<CarePlan>("plan-1")!.Value.Activity("consult");
        Assert.Equal((ActivityStatus.NotStarted, (string?)null), (activity.Status, activity.BookedRequestId));
        Assert.Equal(["v-1 Visit.NoShow", "plan-1 Activity.BookingCancelled"], Actions(setup).TakeLast(2));
    }

    [Fact]
    public async Task ReceiveResult_NewVersion_ActionNamesTheStatusAndWithdrawsOnlyThisResultsMessages()
    {
        var engine = Engine();
        foreach (var id in new[] { "res-1", "res-2" })
        {
            var review = await engine.Results.ReceiveAsync(new IncomingResult(id, "pat-1", "dr-a", "lab", ResultStatus.Preliminary, false), "lab");
            await engine.Results.ReleaseAsync(id, (await engine.Results.CompleteTaskAsync(id, review.Id, "dr-a"))!.Id, "dr-a");
        }

        var auditBefore = engine.Store.AuditTrail().Count;

        var task = await engine.Results.ReceiveAsync(new IncomingResult("res-1", "pat-1", "dr-a", "lab", ResultStatus.Final, true), "lab");

        Assert.Equal(("res-1/v2/ProviderReview", true), (task.Id, task.Urgent));
        Assert.Equal(["res-1 Result.Final", "res-1/v1/PatientNotification/message-1 Message.Cancelled"], Actions(engine, auditBefore));
        Assert.Equal(4L, engine.Store.Find<ResultThread>("res-1")!.Version);
        Assert.Null(engine.Store.Find<OutboxMessage>("res-2/v1/PatientNotification/message-1")!.Value.CancelledAt);
        Assert.Equal(["res-1 Result.Preliminary"], Actions(engine).Take(1));
        await Assert.ThrowsAsync<ArgumentNullException>(() => engine.Results.ReceiveAsync(null!, "lab"));
    }

    [Fact]
    public async Task CompleteResultTask_NotificationByHand_WithdrawsItsMessageAndRecordsPatientNotified()
    {
        var engine = Engine();
        var review = await engine.Results.ReceiveAsync(new IncomingResult("res-1", "pat-1", "dr-a", "lab", ResultStatus.Final, false), "lab");
        var notification = (await engine.Results.CompleteTaskAsync("res-1", review.Id, "dr-a"))!;
        var message = await engine.Results.ReleaseAsync("res-1", notification.Id, "dr-a");
        var auditBefore = engine.Store.AuditTrail().Count;

        var opened = await engine.Results.CompleteTaskAsync("res-1", notification.Id, "nurse-1");

        Assert.Null(opened);
        Assert.Equal(["res-1 Result.PatientNotified", $"{message.Id} Message.Cancelled"], Actions(engine, auditBefore));
        Assert.Equal(("res-1/v1/PatientNotification", RelayStep.PatientNotification), (notification.Id, notification.Step));
    }

    [Theory]
    [InlineData(null, "pending")]
    [InlineData(DeliveryResult.Failed, "pending")]
    [InlineData(DeliveryResult.Delivered, "delivered")]
    public async Task ReleaseResult_WhileAMessageStandsForTheTask_IsRefusedSayingWhich(DeliveryResult? delivery, string state)
    {
        var engine = Engine();
        var review = await engine.Results.ReceiveAsync(new IncomingResult("res-1", "pat-1", "dr-a", "lab", ResultStatus.Final, false), "lab");
        var notification = (await engine.Results.CompleteTaskAsync("res-1", review.Id, "dr-a"))!;
        var message = await engine.Results.ReleaseAsync("res-1", notification.Id, "dr-a");
        if (delivery is { } result)
        {
            // Delivered is recorded without closing the task here, as a message delivered while the task stays open.
            var stored = engine.Store.Find<OutboxMessage>(message.Id)!;
            engine.Store.Commit([StoreChange.Of(message.Id, Outbox.RecordDelivery(stored.Value, result, _clock), stored.Version, "sms", $"Message.{result}")]);
        }

        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => engine.Results.ReleaseAsync("res-1", notification.Id, "dr-a"));

        Assert.Equal($"Task 'res-1/v1/PatientNotification' is already released: message 'res-1/v1/PatientNotification/message-1' is {state}.", refused.Message);
    }

    [Fact]
    public async Task ReleaseResult_AfterARejectedAndACancelledMessage_IsTheThirdAttemptInThePatientsZone()
    {
        var engine = Engine(configure: o => o.ClinicZone = "Asia/Tokyo");
        _clock.Reset(Instant.FromUtc(2026, 12, 7, 13, 0)); // 08:00 in New York, 22:00 in Tokyo
        var review = await engine.Results.ReceiveAsync(new IncomingResult("res-1", "pat-1", "dr-a", "lab", ResultStatus.Final, false), "lab");
        var notification = (await engine.Results.CompleteTaskAsync("res-1", review.Id, "dr-a"))!;
        var first = await engine.Results.ReleaseAsync("res-1", notification.Id, "dr-a");
        await engine.Outbox.RecordDeliveryAsync(first.Id, DeliveryResult.Rejected, "sms");
        var second = await engine.Results.ReleaseAsync("res-1", notification.Id, "dr-a");
        var stored = engine.Store.Find<OutboxMessage>(second.Id)!;
        engine.Store.Commit([StoreChange.Of(second.Id, Outbox.Cancel(stored.Value, _clock), stored.Version, "coord-1", "Message.Cancelled")]);
        var auditBefore = engine.Store.AuditTrail().Count;

        var third = await engine.Results.ReleaseAsync("res-1", notification.Id, "dr-b", NewYork);

        Assert.Equal(Instant.FromUtc(2026, 12, 7, 23, 0), first.SendAt); // Tokyo's quiet hours end at 08:00 there
        Assert.Equal(("res-1/v1/PatientNotification/message-3", Now), (third.Id, third.SendAt));
        Assert.Equal(["res-1 Result.Released", "res-1/v1/PatientNotification/message-3 Message.Planned"], Actions(engine, auditBefore));
        Assert.Equal("dr-b", engine.Store.Find<ResultThread>("res-1")!.Value.Tasks.Single(t => t.Id == notification.Id).ReleasedBy);
    }

    [Theory]
    [InlineData(DeliveryResult.Delivered, false, true)]
    [InlineData(DeliveryResult.Failed, false, false)]
    [InlineData(DeliveryResult.Rejected, false, false)]
    [InlineData(DeliveryResult.Delivered, true, false)]
    public async Task RecordDelivery_OnlyADeliveredStandingNotificationClosesItsTask(DeliveryResult result, bool cancelledFirst, bool closes)
    {
        var engine = Engine();
        var review = await engine.Results.ReceiveAsync(new IncomingResult("res-1", "pat-1", "dr-a", "lab", ResultStatus.Final, false), "lab");
        var notification = (await engine.Results.CompleteTaskAsync("res-1", review.Id, "dr-a"))!;
        var message = await engine.Results.ReleaseAsync("res-1", notification.Id, "dr-a");
        if (cancelledFirst)
        {
            var stored = engine.Store.Find<OutboxMessage>(message.Id)!;
            engine.Store.Commit([StoreChange.Of(message.Id, Outbox.Cancel(stored.Value, _clock), stored.Version, "coord-1", "Message.Cancelled")]);
        }

        _clock.Advance(Duration.FromMinutes(3));
        var auditBefore = engine.Store.AuditTrail().Count;

        var recorded = await engine.Outbox.RecordDeliveryAsync(message.Id, result, "sms-gateway");

        Assert.Equal((result, (Instant?)Now), (recorded.Delivery!.Value, recorded.ReportedAt));
        var task = engine.Store.Find<ResultThread>("res-1")!.Value.Tasks.Single(t => t.Id == notification.Id);
        Assert.Equal(closes ? new List<string> { $"{message.Id} Message.{result}", "res-1 Result.PatientNotified" } : [$"{message.Id} Message.{result}"], Actions(engine, auditBefore));
        Assert.Equal(closes ? "sms-gateway" : null, task.DoneBy);
        Assert.Equal(closes ? Now : (Instant?)null, task.DoneAt);
    }

    [Fact]
    public async Task RecordDelivery_TaskAlreadyDoneByHand_OnlyTheMessageIsRecorded()
    {
        var engine = Engine();
        var review = await engine.Results.ReceiveAsync(new IncomingResult("res-1", "pat-1", "dr-a", "lab", ResultStatus.Final, false), "lab");
        var notification = (await engine.Results.CompleteTaskAsync("res-1", review.Id, "dr-a"))!;
        var message = await engine.Results.ReleaseAsync("res-1", notification.Id, "dr-a");
        var thread = engine.Store.Find<ResultThread>("res-1")!;
        engine.Store.Commit([StoreChange.Of("res-1", ResultThreads.Complete(thread.Value, notification.Id, "nurse-1", _clock).Thread, thread.Version, "nurse-1", "Result.PatientNotified")]);
        var auditBefore = engine.Store.AuditTrail().Count;

        await engine.Outbox.RecordDeliveryAsync(message.Id, DeliveryResult.Delivered, "sms-gateway");

        Assert.Equal([$"{message.Id} Message.Delivered"], Actions(engine, auditBefore));
        Assert.Equal("nurse-1", engine.Store.Find<ResultThread>("res-1")!.Value.Tasks.Single(t => t.Id == notification.Id).DoneBy);
    }

    [Fact]
    public async Task RecordDelivery_VisitReminder_ChangesOnlyTheMessage()
    {
        var engine = Engine();
        var (problem, schedule) = Schedule([], ("r1", "pat-1", Now + Duration.FromDays(3)));
        await engine.Visits.BookAsync(problem, schedule, "scheduler");
        var auditBefore = engine.Store.AuditTrail().Count;

        await engine.Outbox.RecordDeliveryAsync("r1/reminder/2880m", DeliveryResult.Delivered, "sms");

        Assert.Equal(["r1/reminder/2880m Message.Delivered"], Actions(engine, auditBefore));
        Assert.Equal(2L, engine.Store.Find<OutboxMessage>("r1/reminder/2880m")!.Version);
    }

    [Fact]
    public async Task Worklist_NoShowsMostRecentFirst_StalledVisitsByTheEngineLimits()
    {
        var engine = Engine(configure: o =>
        {
            o.CheckInGrace = Duration.FromMinutes(20);
            o.Visits.CheckInAfterArrival = Duration.FromMinutes(10);
        });
        Put(engine, "ns-old", Booked("ns-old", Now - Duration.FromDays(2)) with { Status = VisitStatus.NoShow });
        Put(engine, "ns-new", Booked("ns-new", Now - Duration.FromDays(1)) with { Status = VisitStatus.NoShow });
        Put(engine, "ns-mid", Booked("ns-mid", Now - Duration.FromDays(1) - Duration.FromHours(1)) with { Status = VisitStatus.NoShow });
        Put(engine, "booked", Booked("booked", Now - Duration.FromMinutes(20)));
        Put(engine, "booked-late", Booked("booked-late", Now - Duration.FromMinutes(21)));
        Put(engine, "arrived", Booked("arrived", Now) with { Status = VisitStatus.Arrived, History = [new StatusChange<VisitStatus>(VisitStatus.Booked, VisitStatus.Arrived, "desk-1", Now - Duration.FromMinutes(11))] });

        var worklist = await engine.Worklist.GetAsync();

        Assert.Equal(["ns-new", "ns-mid", "ns-old"], worklist.NoShows.Select(v => v.Id));
        Assert.Equal([("arrived", Now - Duration.FromMinutes(1)), ("booked-late", Now - Duration.FromMinutes(1))], worklist.Visits.Select(v => (v.VisitId, v.DueAt)));
    }

    [Fact]
    public async Task ChangeCarePlan_ChangeAddingNoHistory_IsAuditedAsSaved_OthersByTheirOwnActions()
    {
        var engine = Engine();
        await engine.CarePlans.CreateAsync("plan-1", "pat-1", [], [new CareActivity("consult", ActivityKind.OneOff, "follow-up", DueBy: new LocalDate(2026, 12, 31))], "coord-1");

        var same = await engine.CarePlans.ChangeAsync("plan-1", (p, _) => p with { Goals = [new CarePlanGoal("g1", "walk daily")] }, "coord-2");
        var twice = await engine.CarePlans.ChangeAsync("plan-1", (p, c) => CarePlanLifecycle.SetActivityStatus(CarePlanLifecycle.SetStatus(p, CarePlanStatus.Active, "coord-2", c), "consult", ActivityStatus.OnHold, "coord-2", c), "coord-2");

        Assert.Equal(["plan-1 Plan.Created", "plan-1 Plan.Saved", "plan-1 Plan.Active", "plan-1 Activity.OnHold"], Actions(engine));
        Assert.Equal("g1", Assert.Single(same.Goals).Id);
        Assert.Equal(CarePlanStatus.Active, twice.Status);
        Assert.Equal(3L, engine.Store.Find<CarePlan>("plan-1")!.Version);
        Assert.Equal("coord-2", engine.Store.AuditTrail()[1].Actor);
        await Assert.ThrowsAsync<ArgumentNullException>(() => engine.CarePlans.ChangeAsync("plan-1", null!, "coord-2"));
    }

    [Fact]
    public async Task DueRequests_OfEveryStoredPlan()
    {
        var engine = Engine();
        await CoordinationEngineLoopTests.ActivePlan(engine, "plan-1");
        await CoordinationEngineLoopTests.ActivePlan(engine, "plan-2", "pat-2");
        await engine.CarePlans.CreateAsync("plan-3", "pat-3", [], [new CareActivity("consult", ActivityKind.OneOff, "follow-up", DueBy: new LocalDate(2026, 12, 31))], "coord-1");

        var due = await engine.CarePlans.DueRequestsAsync(new DateInterval(new LocalDate(2026, 12, 7), new LocalDate(2026, 12, 31)));

        Assert.Equal(["plan-1/consult/1", "plan-2/consult/1"], due.Select(d => d.Request.Id));
    }

    [Fact]
    public async Task Referrals_CreatedAndMoved_AuditedByStatus()
    {
        var engine = Engine();
        await engine.Referrals.CreateAsync(ReferralLifecycle.Draft("ref-1", "pat-1", "dr-a", "cardiology", ReferralPriority.Urgent, _clock), "dr-a");

        var sent = await engine.Referrals.MoveAsync("ref-1", ReferralStatus.Sent, "dr-a", "faxed");

        Assert.Equal(["ref-1 Referral.Draft", "ref-1 Referral.Sent"], Actions(engine));
        Assert.Equal((ReferralStatus.Sent, (Instant?)Now, 2L), (sent.Status, sent.SentAt, engine.Store.Find<Referral>("ref-1")!.Version));
        await Assert.ThrowsAsync<ArgumentNullException>(() => engine.Referrals.CreateAsync(null!, "dr-a"));
    }

    [Fact]
    public async Task Constructor_InvalidOptionsOrMissingParts_AreRefused()
    {
        var store = new InMemoryEngineStore(_clock);
        var bad = new EngineOptions { CheckInGrace = -Duration.FromMinutes(1), ClinicZone = "Nowhere/Town" };

        var refused = Assert.Throws<ValidationException>(() => CoordinationEngine.Over(store, _clock, Options.Create(bad)));

        Assert.Equal("options", refused.ParamName);
        Assert.Equal([new("ClinicZone", "'Nowhere/Town' is not a tzdb zone id"), new("CheckInGrace", "must not be negative, found -0:00:01:00")], refused.Errors);
        Assert.StartsWith("The engine configuration is invalid (2 errors):", refused.Message, StringComparison.Ordinal);
        Assert.Equal("store", Assert.Throws<ArgumentNullException>(() => CoordinationEngine.Over(null!, _clock, Options.Create(new EngineOptions()))).ParamName);
        Assert.Equal("clock", Assert.Throws<ArgumentNullException>(() => CoordinationEngine.Over(store, null!, Options.Create(new EngineOptions()))).ParamName);
        Assert.Equal("options", Assert.Throws<ArgumentNullException>(() => CoordinationEngine.Over(store, _clock, null!)).ParamName);
        Assert.Same(store, Engine(store).Store);
        Assert.Equal("problem", (await Assert.ThrowsAsync<ArgumentNullException>(() => Engine(store).Visits.BookAsync(null!, Schedule([]).Schedule, "scheduler"))).ParamName);
        Assert.Equal("schedule", (await Assert.ThrowsAsync<ArgumentNullException>(() => Engine(store).Visits.BookAsync(Schedule([]).Problem, null!, "scheduler"))).ParamName);
    }
}
