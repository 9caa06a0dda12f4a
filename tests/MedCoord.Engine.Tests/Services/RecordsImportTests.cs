using MedCoord.Engine.CarePlans;
using MedCoord.Engine.Referrals;
using MedCoord.Engine.Storage;
using MedCoord.Engine.Tests.Storage;
using MedCoord.Engine.Visits;
using MedCoord.Scheduling.Validation;
using Microsoft.Extensions.Options;
using NodaTime;
using NodaTime.Testing;
using Xunit;

namespace MedCoord.Engine.Tests.Services;

/// <summary>Records written elsewhere, stored in one commit or not at all, each with its audit entry.</summary>
public sealed class RecordsImportTests
{
    private static readonly Instant Now = Instant.FromUtc(2026, 12, 7, 15, 0);

    private static CoordinationEngine Engine() => CoordinationEngine.Over(new InMemoryEngineStore(new FakeClock(Now)), new FakeClock(Now), Options.Create(new EngineOptions()));

    private static CarePlanImport Plan(string id = "cp-1", bool activate = true) =>
        new(id, "p-1", [new CarePlanGoal("g1", "HbA1c below 7")],
        [
            new CareActivity("labs", ActivityKind.Order, "lab-draw", 5, new LocalDate(2026, 12, 8), new LocalDate(2026, 12, 20)),
            new CareActivity("a1c", ActivityKind.Recurring, "diabetes-review", 20, Every: Period.FromMonths(3), ToleranceDays: 14, FirstDue: new LocalDate(2027, 1, 10),
                After: [new ActivityLink("labs", 120)]),
        ], activate);

    private static ReferralImport Referral(string id = "ref-1", bool sent = true) => new(id, "p-1", "dr-lee", "cardiology", ReferralPriority.Urgent, sent);

    private static Consent Consent(string id = "c-1", string patient = "p-1") => new(id, patient, "treatment", Now - Duration.FromDays(1), Now + Duration.FromDays(365), null);

    private static RecordsImport Of(IReadOnlyList<CarePlanImport>? plans = null, IReadOnlyList<ReferralImport>? referrals = null, IReadOnlyList<Consent>? consents = null,
        IReadOnlyList<IntakeResponse>? intakes = null) => new(plans ?? [], referrals ?? [], consents ?? [], intakes ?? []);

    [Fact]
    public async Task Import_StoresEachRecordInItsStatus_WithItsAuditEntries()
    {
        var engine = Engine();

        var stored = await engine.Records.ImportAsync(
            Of([Plan(), Plan("cp-2", activate: false)], [Referral(), Referral("ref-2", sent: false)], [Consent()], [new IntakeResponse("v-1", "p-1", Now)]), "ehr-feed");

        Assert.Equal(6, stored);
        var active = engine.Store.Find<CarePlan>("cp-1")!;
        Assert.Equal((CarePlanStatus.Active, 1L), (active.Value.Status, active.Version));
        Assert.Equal(new CarePlan("cp-1", "p-1", CarePlanStatus.Active, Plan().Goals, Plan().Activities, active.Value.History), active.Value);
        Assert.Equal([(AuditActions.PlanCreated, "ehr-feed"), ("Plan.Active", "ehr-feed")], active.Value.History.Select(h => (h.Action, h.Actor)));
        Assert.Equal(CarePlanStatus.Draft, engine.Store.Find<CarePlan>("cp-2")!.Value.Status);
        var sent = engine.Store.Find<Referral>("ref-1")!.Value;
        Assert.Equal((ReferralStatus.Sent, Now, "dr-lee", "cardiology", ReferralPriority.Urgent), (sent.Status, sent.SentAt, sent.FromProviderId, sent.Target, sent.Priority));
        Assert.Equal([(ReferralStatus.Draft, ReferralStatus.Sent, "ehr-feed", "imported")], sent.History.Select(h => (h.From, h.To, h.Actor, h.Reason)));
        Assert.Equal((ReferralStatus.Draft, (Instant?)null), (engine.Store.Find<Referral>("ref-2")!.Value.Status, engine.Store.Find<Referral>("ref-2")!.Value.SentAt));
        Assert.Equal(Consent(), engine.Store.Find<Consent>("c-1")!.Value);
        Assert.Equal(new IntakeResponse("v-1", "p-1", Now), engine.Store.Find<IntakeResponse>("v-1")!.Value);
        Assert.Equal(
            [
                ("care-plan", "cp-1", AuditActions.PlanCreated), ("care-plan", "cp-1", "Plan.Active"), ("care-plan", "cp-2", AuditActions.PlanCreated),
                ("referral", "ref-1", AuditActions.ReferralDraft), ("referral", "ref-1", "Referral.Sent"), ("referral", "ref-2", AuditActions.ReferralDraft),
                ("consent", "c-1", AuditActions.ConsentGiven), ("intake-response", "v-1", AuditActions.IntakeCompleted),
            ],
            engine.Store.AuditTrail().Select(e => (e.EntityType, e.EntityId, e.Action)));
        Assert.All(engine.Store.AuditTrail(), e => Assert.Equal("ehr-feed", e.Actor));
        Assert.True(engine.Store.VerifyAudit().Intact);
    }

    [Fact]
    public async Task Import_ConsentsAndIntakesAlreadyStored_AreReplaced()
    {
        var engine = Engine();
        await engine.Visits.RecordConsentAsync(Consent(), "front-desk");
        await engine.Visits.RecordIntakeAsync(new IntakeResponse("v-1", "p-1", Now), "kiosk");
        var revoked = Consent() with { RevokedAt = Now };

        await engine.Records.ImportAsync(Of(consents: [revoked], intakes: [new IntakeResponse("v-1", "p-1", Now + Duration.FromHours(1))]), "ehr-feed");

        Assert.Equal((revoked, 2L), (engine.Store.Find<Consent>("c-1")!.Value, engine.Store.Find<Consent>("c-1")!.Version));
        Assert.Equal(Now + Duration.FromHours(1), engine.Store.Find<IntakeResponse>("v-1")!.Value.CompletedAt);
        Assert.Equal([AuditActions.ConsentRevoked, AuditActions.IntakeCompleted], engine.Store.AuditTrail().Skip(2).Select(e => e.Action));

        await engine.Records.ImportAsync(Of(consents: [Consent() with { ExpiresAt = null }]), "ehr-feed");
        Assert.Equal(AuditActions.ConsentChanged, engine.Store.AuditTrail()[^1].Action);

        // A consent first heard of already withdrawn: given, then revoked.
        await engine.Records.ImportAsync(Of(consents: [Consent("c-new") with { RevokedAt = Now }]), "ehr-feed");
        Assert.Equal([AuditActions.ConsentGiven, AuditActions.ConsentRevoked], engine.Store.AuditTrail().TakeLast(2).Select(e => e.Action));
    }

    [Fact]
    public async Task Import_WithAnyWrongRecord_IsRefusedNamingEveryProblem_AndStoresNothing()
    {
        var engine = Engine();
        await engine.CarePlans.CreateAsync("cp-old", "p-1", [], [new CareActivity("x", ActivityKind.OneOff, "t", DueBy: new LocalDate(2027, 1, 1))], "nurse");
        await engine.Referrals.CreateAsync(ReferralLifecycle.Draft("ref-old", "p-1", "dr-lee", "cardiology", ReferralPriority.Routine, new FakeClock(Now)), "nurse");
        await engine.Visits.RecordConsentAsync(Consent("c-other", "p-2"), "front-desk");
        await engine.Visits.RecordIntakeAsync(new IntakeResponse("v-other", "p-2", Now), "kiosk");
        var trail = engine.Store.AuditTrail().Count;
        var badActivity = Plan("cp-3") with
        {
            Activities = [new CareActivity("a", ActivityKind.OneOff, "t", NotBefore: new LocalDate(2027, 1, 2), DueBy: new LocalDate(2027, 1, 1), Status: ActivityStatus.Scheduled)],
        };

        var refused = await Assert.ThrowsAsync<ValidationException>(() => engine.Records.ImportAsync(
            Of(
                [Plan(), Plan("cp-old"), badActivity, Plan("cp-4") with { PatientId = " " }, Plan("bad/id"), Plan()],
                [Referral(), Referral("ref-old"), Referral(), Referral("ref-5") with { Target = "", Priority = (ReferralPriority)9 }],
                [Consent("c-1") with { ExpiresAt = Now - Duration.FromDays(2) }, Consent("c-2") with { RevokedAt = Now - Duration.FromDays(3) }, Consent("c-other"), Consent("c-1") with { Scope = " " }, Consent("c-3"), Consent("c-3")],
                [new IntakeResponse("v-other", "p-1", Now), new IntakeResponse("", "p-1", Now), new IntakeResponse("v-2", "p-1", Now), new IntakeResponse("v-2", "p-1", Now)]),
            "ehr-feed"));

        Assert.Equal(
            [
                new ValidationError("carePlans[1].id", "care plan 'cp-old' is already stored"),
                new ValidationError("carePlans[2].activities[0].status", "a new plan's activities are not started, with nothing done or booked"),
                new ValidationError("carePlans[3].patientId", "required"),
                new ValidationError("carePlans[4].id", "'bad/id' must not contain '/' (request ids are plan/activity/occurrence)"),
                new ValidationError("carePlans[5].id", "care plan 'cp-1' is given twice"),
                new ValidationError("referrals[1].id", "referral 'ref-old' is already stored"),
                new ValidationError("referrals[2].id", "referral 'ref-1' is given twice"),
                new ValidationError("referrals[3].target", "required"),
                new ValidationError("referrals[3].priority", "unknown priority 9"),
                new ValidationError("consents[0].expiresAt", "must be after givenAt"),
                new ValidationError("consents[1].revokedAt", "must not be before givenAt"),
                new ValidationError("consents[2].patientId", "consent 'c-other' is stored for another patient"),
                new ValidationError("consents[3].scope", "required"),
                new ValidationError("consents[5].id", "consent 'c-3' is given twice"),
                new ValidationError("intakes[0].patientId", "visit 'v-other' belongs to another patient"),
                new ValidationError("intakes[1].visitId", "required"),
                new ValidationError("intakes[3].visitId", "intake response 'v-2' is given twice"),
            ],
            refused.Errors);
        Assert.Equal("records", refused.ParamName);
        Assert.Equal(trail, engine.Store.AuditTrail().Count);
        Assert.Null(engine.Store.Find<CarePlan>("cp-1"));
        Assert.Null(engine.Store.Find<Referral>("ref-1"));
        Assert.Null(engine.Store.Find<Consent>("c-3"));
        Assert.Null(engine.Store.Find<IntakeResponse>("v-2"));
    }

    [Fact]
    public async Task Import_APlanTheLifecycleRefuses_NamesTheFieldUnderItsPlan()
    {
        var engine = Engine();
        var noDue = Plan() with { Activities = [new CareActivity("a", ActivityKind.OneOff, "t")], Goals = [new CarePlanGoal("g", "x"), new CarePlanGoal("g", "y")] };

        var refused = await Assert.ThrowsAsync<ValidationException>(() => engine.Records.ImportAsync(Of([noDue, Plan() with { Goals = null! }]), "ehr-feed"));

        Assert.Equal(
            [
                new ValidationError("carePlans[0].goals[1].id", "duplicate goal id 'g'"),
                new ValidationError("carePlans[0].activities[0].dueBy", "a OneOff activity needs the last date it may take place"),
                new ValidationError("carePlans[1].goals", "required"),
            ],
            refused.Errors);
    }

    [Fact]
    public async Task Import_AVisitOfAnotherPatient_RefusesItsIntake()
    {
        var engine = Engine();
        engine.Store.Commit([StoreChange.Of("v-9", new Visit("v-9", "p-2", "checkup", Now, VisitStatus.Booked, []), 0, "test", AuditActions.VisitBooked)]);

        var refused = await Assert.ThrowsAsync<ValidationException>(() => engine.Records.ImportAsync(Of(intakes: [new IntakeResponse("v-9", "p-1", Now)]), "ehr-feed"));

        Assert.Equal([new ValidationError("intakes[0].patientId", "visit 'v-9' belongs to another patient")], refused.Errors);
        await engine.Records.ImportAsync(Of(intakes: [new IntakeResponse("v-9", "p-2", Now)]), "ehr-feed");
        Assert.NotNull(engine.Store.Find<IntakeResponse>("v-9"));
    }

    [Fact]
    public async Task Import_Cancelled_StoresNothing()
    {
        var engine = Engine();
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => engine.Records.ImportAsync(Of([Plan()]), "ehr-feed", cancelled.Token));

        Assert.Empty(engine.Store.AuditTrail());
        Assert.Empty(engine.Store.List<CarePlan>());
    }

    [Fact]
    public async Task Import_NeedsRecordsAndAnActor()
    {
        var engine = Engine();
        await Assert.ThrowsAsync<ArgumentNullException>(() => engine.Records.ImportAsync(null!, "ehr-feed"));
        await Assert.ThrowsAsync<ArgumentException>(() => engine.Records.ImportAsync(Of(), " "));
        Assert.Equal(0, await engine.Records.ImportAsync(Of(), "ehr-feed"));
        Assert.Empty(engine.Store.AuditTrail());
    }
}
