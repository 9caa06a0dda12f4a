using FsCheck;
using FsCheck.Xunit;
using MedCoord.Engine.CarePlans;
using MedCoord.Engine.Communications;
using MedCoord.Engine.Referrals;
using MedCoord.Engine.Results;
using MedCoord.Engine.Storage;
using MedCoord.Engine.Visits;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using NodaTime;
using NodaTime.Testing;
using Xunit;
using MedCoord.Engine.Tests.Storage;

namespace MedCoord.Engine.Tests;

public sealed class CoordinationEngineTests : IDisposable
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"medcoord-engine-{Guid.NewGuid():N}.db");
    private readonly FakeClock _clock = new(Instant.FromUtc(2026, 12, 7, 15, 0));

    public void Dispose() => File.Delete(_path);

    private ServiceProvider Services(Action<EngineOptions> configure) =>
        new ServiceCollection().AddSingleton<IClock>(_clock).AddMedCoordEngine(configure).BuildServiceProvider();

    private static void Forms(EngineOptions o)
    {
        o.ClinicZone = "America/Denver";
        o.Forms["new-patient"] = new FormRequirements(IntakeQuestionnaire: true, ConsentScope: "treatment");
    }

    private static Visit Visit(string id, Instant start, string type = "new-patient") => new(id, "pat-1", type, start, VisitStatus.Booked, []);

    [Fact]
    public void AddMedCoordEngine_BadOptions_FailNamingEveryProblem()
    {
        using var services = Services(o =>
        {
            o.ClinicZone = "Mars/Olympus";
            o.CheckInGrace = Duration.FromMinutes(-1);
            o.Referrals.Limits.Remove(ReferralPriority.Stat);
        });

        var error = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<CoordinationEngine>());

        Assert.Contains("ClinicZone: 'Mars/Olympus' is not a tzdb zone id", error.Message);
        Assert.Contains("CheckInGrace: must not be negative", error.Message);
        Assert.Contains("Referrals.Limits[Stat]: missing", error.Message);
    }

    [Fact]
    public async Task AddMedCoordEngine_WithADatabasePath_KeepsRecordsInSqliteAcrossProviders()
    {
        using (var services = Services(o => o.DatabasePath = _path))
        {
            Assert.IsType<SqliteEngineStore>(services.GetRequiredService<CoordinationEngine>().Store);
            await services.GetRequiredService<CoordinationEngine>().Visits.RecordConsentAsync(new Consent("c1", "pat-1", "treatment", _clock.GetCurrentInstant(), null, null), "desk-1");
        }

        using var again = Services(o => o.DatabasePath = _path);
        Assert.NotNull(again.GetRequiredService<CoordinationEngine>().Store.Find<Consent>("c1"));
        using var inMemory = Services(_ => { });
        Assert.IsType<InMemoryEngineStore>(inMemory.GetRequiredService<CoordinationEngine>().Store);
    }

    [Fact]
    public void AddMedCoordEngine_RegistersEachServiceOnItsOwn_AllOverOneStore()
    {
        using var services = Services(_ => { });
        var engine = services.GetRequiredService<CoordinationEngine>();

        Assert.Same(engine.CarePlans, services.GetRequiredService<CarePlanService>());
        Assert.Same(engine.Visits, services.GetRequiredService<VisitService>());
        Assert.Same(engine.Results, services.GetRequiredService<ResultsService>());
        Assert.Same(engine.Referrals, services.GetRequiredService<ReferralService>());
        Assert.Same(engine.Claims, services.GetRequiredService<ClaimService>());
        Assert.Same(engine.Outbox, services.GetRequiredService<OutboxService>());
        Assert.Same(engine.Worklist, services.GetRequiredService<WorklistService>());
        Assert.Same(engine.Records, services.GetRequiredService<RecordsService>());
    }

    [Fact]
    public async Task CheckIn_Refused_ChangesNothingAndFulfilClosesTheCarePlanOccurrenceInTheSameCommit()
    {
        using var services = Services(o => { Forms(o); o.DatabasePath = _path; });
        var engine = services.GetRequiredService<CoordinationEngine>();
        await engine.CarePlans.CreateAsync("plan-1", "pat-1", [], [new CareActivity("consult", ActivityKind.OneOff, "new-patient", DueBy: new LocalDate(2026, 12, 31))], "coord-1");
        await engine.CarePlans.ChangeAsync("plan-1", (p, c) => CarePlanLifecycle.SetStatus(p, CarePlanStatus.Active, "coord-1", c), "coord-1");
        await engine.CarePlans.ChangeAsync("plan-1", (p, c) => CarePlanLifecycle.RecordBooked(p, "plan-1/consult/1", "scheduler", c), "scheduler");
        engine.Store.Commit([StoreChange.Of("plan-1/consult/1", Visit("plan-1/consult/1", _clock.GetCurrentInstant() + Duration.FromMinutes(5)), 0, "scheduler", "Visit.Booked")]);
        var auditBefore = engine.Store.AuditTrail().Count;

        var refused = await engine.Visits.CheckInAsync("plan-1/consult/1", "desk-1");
        var unchanged = engine.Store.Find<Visit>("plan-1/consult/1")!;
        await engine.Visits.RecordIntakeAsync(new IntakeResponse("plan-1/consult/1", "pat-1", _clock.GetCurrentInstant()), "pat-1");
        await engine.Visits.RecordConsentAsync(new Consent("c1", "pat-1", "treatment", _clock.GetCurrentInstant(), null, null), "desk-1");
        var admitted = await engine.Visits.CheckInAsync("plan-1/consult/1", "desk-1");
        await engine.Visits.FulfilAsync("plan-1/consult/1", "dr-a");

        Assert.Equal(["the intake questionnaire for this visit is not completed", "no 'treatment' consent is on file"], refused.Refusals);
        Assert.Equal((VisitStatus.Booked, 1L), (unchanged.Value.Status, unchanged.Version));
        Assert.Equal(auditBefore + 5, engine.Store.AuditTrail().Count); // intake, consent, check-in, then the visit and the plan fulfilled
        Assert.True(admitted.CheckedIn);
        Assert.Equal(ActivityStatus.Completed, engine.Store.Find<CarePlan>("plan-1")!.Value.Activity("consult").Status);
        Assert.Equal(["Visit.Fulfilled", "Activity.Completed"], engine.Store.AuditTrail().TakeLast(2).Select(e => e.Action));
        Assert.True(engine.Store.VerifyAudit().Intact);
    }

    [Fact]
    public async Task MoveReferral_TwoCoordinatorsOnTwoConnections_OneWinsTheOtherIsToldToRetryAndNothingIsLost()
    {
        using var first = Services(o => o.DatabasePath = _path);
        using var second = Services(o => o.DatabasePath = _path);
        var a = first.GetRequiredService<CoordinationEngine>();
        var b = second.GetRequiredService<CoordinationEngine>();
        await a.Referrals.CreateAsync(ReferralLifecycle.Draft("ref-1", "pat-1", "dr-a", "cardiology", ReferralPriority.Urgent, _clock), "dr-a");
        await a.Referrals.MoveAsync("ref-1", ReferralStatus.Sent, "dr-a", "sent");

        // Both read version 2; a saves first; b's change, based on version 2, is refused.
        var read = b.Store.Find<Referral>("ref-1")!;
        await a.Referrals.MoveAsync("ref-1", ReferralStatus.Accepted, "cardio-desk", "accepted");
        var moved = ReferralLifecycle.Move(read.Value, ReferralStatus.Declined, "other-desk", "full", _clock);
        var error = Assert.Throws<StoreConcurrencyException>(() => b.Store.Commit([StoreChange.Of("ref-1", moved, read.Version, "other-desk", "Referral.Declined")]));

        Assert.Equal(3, error.StoredVersion);
        Assert.Equal(ReferralStatus.Accepted, b.Store.Find<Referral>("ref-1")!.Value.Status);
        await Assert.ThrowsAsync<TransitionException>(() => b.Referrals.MoveAsync("ref-1", ReferralStatus.Sent, "other-desk", "again"));
        Assert.True(b.Store.VerifyAudit().Intact);
    }

    [Fact]
    public async Task Book_PlansRemindersInThePatientsZoneThatFallDueAndRecordTheirDelivery()
    {
        using var services = Services(Forms);
        var engine = services.GetRequiredService<CoordinationEngine>();
        var tokyo = DateTimeZoneProviders.Tzdb["Asia/Tokyo"];
        var start = _clock.GetCurrentInstant() + Duration.FromDays(3);
        var problem = new MedCoord.Scheduling.Model.Problem(new DateInterval(new LocalDate(2026, 12, 7), new LocalDate(2026, 12, 14)), [], [], [],
            [new MedCoord.Scheduling.Model.Patient("pat-1", tokyo, null, [])], [], [new MedCoord.Scheduling.Model.AppointmentRequest("r1", "pat-1", "new-patient")], []);
        var assignment = new MedCoord.Scheduling.Results.Assignment("r1", "pat-1", "dr-a", "exam-1", "clinic", start.WithOffset(Offset.Zero), (start + Duration.FromMinutes(30)).WithOffset(Offset.Zero));
        var schedule = new MedCoord.Scheduling.Results.Schedule(MedCoord.Scheduling.Results.ScheduleStatus.Feasible, new(1, 1, 0), [assignment], [], new(0, 1, 0));

        var visits = await engine.Visits.BookAsync(problem, schedule, "scheduler");
        var again = await engine.Visits.BookAsync(problem, schedule, "scheduler");
        _clock.Reset(start - Duration.FromHours(39));
        var due = await engine.Outbox.DueMessagesAsync();
        var delivered = await engine.Outbox.RecordDeliveryAsync(due[0].Id, MedCoord.Engine.Communications.DeliveryResult.Delivered, "sms-gateway");

        Assert.Equal("r1", Assert.Single(visits).Id);
        Assert.Empty(again);
        Assert.Equal(3, engine.Store.List<MedCoord.Engine.Communications.OutboxMessage>().Count); // two reminders and a follow-up
        // The 48-hour reminder falls at 00:00 in Tokyo, inside quiet hours: it goes out when they end, 08:00 there.
        Assert.Equal(new LocalDateTime(2026, 12, 9, 8, 0), Assert.Single(due).SendAt.InZone(tokyo).LocalDateTime);
        Assert.Equal(MedCoord.Engine.Communications.DeliveryResult.Delivered, delivered.Delivery);
        Assert.Empty(await engine.Outbox.DueMessagesAsync());
        Assert.Equal("Message.Delivered", engine.Store.AuditTrail()[^1].Action);
    }

    /// <summary>
    /// Random operation sequences against the engine (referral moves, result tasks, consents and intake, check-ins,
    /// arrivals, fulfilments, no-shows, time passing; refused ones included): no referral is both closed and on the
    /// worklist, no visit is checked in without its forms as they stood at check-in, and the audit trail always verifies.
    /// </summary>
    [Property(MaxTest = 60)]
    public async Task RandomOperations_KeepTheInvariants(int[] operations)
    {
        using var services = Services(Forms);
        var engine = services.GetRequiredService<CoordinationEngine>();
        var start = _clock.GetCurrentInstant();
        foreach (var v in new[] { "v1", "v2", "v3" })
        {
            engine.Store.Commit([StoreChange.Of(v, Visit(v, start + Duration.FromHours(1), v == "v3" ? "follow-up" : "new-patient"), 0, "scheduler", "Visit.Booked")]);
        }

        await engine.Referrals.CreateAsync(ReferralLifecycle.Draft("r1", "pat-1", "dr-a", "cardiology", ReferralPriority.Stat, _clock), "dr-a");
        await engine.Results.ReceiveAsync(new IncomingResult("res-1", "pat-1", "dr-a", "lipids", ResultStatus.Preliminary, true), "lab");
        var statuses = Enum.GetValues<ReferralStatus>();
        foreach (var op in operations ?? [])
        {
            var n = Math.Abs(op);
            var visit = $"v{1 + (n % 3)}";
            var formsBefore = (Intake: engine.Store.Find<IntakeResponse>(visit) is not null,
                Consent: engine.Store.List<Consent>().Any(c => c.Value.ActiveAt(_clock.GetCurrentInstant())));
            try
            {
                switch (n % 9)
                {
                    case 0: await engine.Referrals.MoveAsync("r1", statuses[n / 9 % statuses.Length], "c", "r"); break;
                    case 1: _clock.Advance(Duration.FromHours(1 + (n % 30))); break;
                    case 2: await engine.Visits.RecordConsentAsync(new Consent($"c{n % 2}", "pat-1", "treatment", _clock.GetCurrentInstant(), _clock.GetCurrentInstant() + Duration.FromHours(n % 5), null), "d"); break;
                    case 3: await engine.Visits.RecordIntakeAsync(new IntakeResponse(visit, "pat-1", _clock.GetCurrentInstant()), "p"); break;
                    case 4:
                        var outcome = await engine.Visits.CheckInAsync(visit, "d");
                        Assert.True(!outcome.CheckedIn || visit == "v3" || (formsBefore.Intake && formsBefore.Consent));
                        break;
                    case 5: await engine.Visits.ArriveAsync(visit, "d"); break;
                    case 6: await engine.Visits.FulfilAsync(visit, "d"); break;
                    case 7: await engine.Visits.MarkNoShowsAsync(); break;
                    default:
                        var open = engine.Store.Find<ResultThread>("res-1")!.Value.Tasks.FirstOrDefault(t => t.IsOpen);
                        if (open is null || n % 2 == 0)
                        {
                            await engine.Results.ReceiveAsync(new IncomingResult("res-1", "pat-1", "dr-a", "lipids", n % 3 == 0 ? ResultStatus.Amended : ResultStatus.Final, n % 2 == 0), "lab");
                        }
                        else
                        {
                            await engine.Results.CompleteTaskAsync("res-1", open.Id, "dr-a");
                        }

                        break;
                }
            }
            catch (Exception e) when (e is TransitionException or ArgumentException)
            {
            }

            var worklist = await engine.Worklist.GetAsync();
            var referral = engine.Store.Find<Referral>("r1")!.Value;
            Assert.False(referral.Status == ReferralStatus.Closed && worklist.Referrals.Any(r => r.ReferralId == "r1"));
            Assert.All(worklist.NoShows, v => Assert.Equal(VisitStatus.NoShow, v.Status));
            Assert.True(engine.Store.VerifyAudit().Intact);
        }
    }

    /// <summary>
    /// Random care-plan operation sequences — booking what is due, cancelling, no-shows, check-in and fulfilment,
    /// sending due messages, time passing — so that cancel → re-emit → re-book and no-show → re-book happen again and
    /// again: no booking is lost (every booked due request has an open visit, and an activity is scheduled exactly
    /// while one open visit holds its occurrence), no message is handed out for a visit that is not booked (or, for a
    /// follow-up, fulfilled), none stays pending for a visit that will not happen, and the audit trail always verifies.
    /// </summary>
    [Property(MaxTest = 40)]
    public async Task RandomCarePlanOperations_LoseNoBookingAndSendNothingForVisitsThatWillNotHappen(int[] operations)
    {
        using var services = Services(_ => { });
        var engine = services.GetRequiredService<CoordinationEngine>();
        await engine.CarePlans.CreateAsync("plan-1", "pat-1", [], [new CareActivity("consult", ActivityKind.OneOff, "follow-up", DueBy: new LocalDate(2027, 3, 31))], "coord-1");
        await engine.CarePlans.CreateAsync("plan-2", "pat-2", [], [new CareActivity("check", ActivityKind.Recurring, "follow-up", Every: Period.FromWeeks(1), ToleranceDays: 3, FirstDue: new LocalDate(2026, 12, 9))], "coord-1");
        foreach (var plan in new[] { "plan-1", "plan-2" })
        {
            await engine.CarePlans.ChangeAsync(plan, (p, c) => CarePlanLifecycle.SetStatus(p, CarePlanStatus.Active, "coord-1", c), "coord-1");
        }

        foreach (var op in (operations ?? []).Take(30))
        {
            var n = Math.Abs(op % 1000);
            var open = engine.Store.List<Visit>().Select(v => v.Value).Where(v => v.IsOpen).ToList();
            var visit = open.Count > 0 ? open[n % open.Count] : null;
            try
            {
                switch (n % 6)
                {
                    case 0:
                        var due = await engine.CarePlans.DueRequestsAsync(new DateInterval(engine.Today, engine.Today.PlusDays(30)));
                        await CoordinationEngineLoopTests.BookDue(engine, _clock.GetCurrentInstant() + Duration.FromHours(1 + (n % 5)));
                        var booked = engine.Store.List<Visit>().Select(v => v.Value).Where(v => v.IsOpen || v.Status == VisitStatus.Fulfilled).Select(v => v.BookedRequestId);
                        Assert.All(due, d => Assert.Contains(d.Request.Id, booked)); // no lost re-booking
                        break;
                    case 1 when visit is not null: await engine.Visits.CancelAsync(visit.Id, "desk-1"); break;
                    case 2: _clock.Advance(Duration.FromHours(1 + (n % 7))); break;
                    case 3: Assert.Empty((await engine.Visits.MarkNoShowsAsync()).Failures); break;
                    case 4 when visit is not null:
                        if (visit.Status == VisitStatus.CheckedIn)
                        {
                            await engine.Visits.FulfilAsync(visit.Id, "dr-a");
                        }
                        else
                        {
                            await engine.Visits.CheckInAsync(visit.Id, "desk-1");
                        }

                        break;
                    case 5:
                        foreach (var message in (await engine.Outbox.DueMessagesAsync()).Take(2))
                        {
                            await engine.Outbox.RecordDeliveryAsync(message.Id, n % 4 == 0 ? DeliveryResult.Failed : DeliveryResult.Delivered, "sms-gateway");
                        }

                        break;
                }
            }
            catch (TransitionException)
            {
            }

            var visits = engine.Store.List<Visit>().Select(v => v.Value).ToDictionary(v => v.Id);
            foreach (var activity in engine.Store.List<CarePlan>().SelectMany(p => p.Value.Activities))
            {
                var holding = visits.Values.Where(v => v.IsOpen && v.BookedRequestId == activity.BookedRequestId).ToList();
                Assert.Equal(activity.Status == ActivityStatus.Scheduled ? 1 : 0, holding.Count);
            }

            var scheduled = engine.Store.List<CarePlan>().SelectMany(p => p.Value.Activities).Where(a => a.Status == ActivityStatus.Scheduled).Select(a => a.BookedRequestId).ToList();
            Assert.All(visits.Values.Where(v => v.IsOpen), v => Assert.Contains(v.BookedRequestId, scheduled));
            Assert.All(await engine.Outbox.DueMessagesAsync(), m => Assert.Equal(m.Purpose == MessagePurpose.Reminder ? VisitStatus.Booked : VisitStatus.Fulfilled, visits[m.VisitId!].Status));
            Assert.DoesNotContain(engine.Store.List<OutboxMessage>(), m => m.Value.IsPending && visits[m.Value.VisitId!].Status is VisitStatus.Cancelled or VisitStatus.NoShow);
            Assert.True(engine.Store.VerifyAudit().Intact);
        }
    }
}
