using MedCoord.Engine.Audit;
using MedCoord.Engine.Billing;
using MedCoord.Engine.CarePlans;
using MedCoord.Engine.Communications;
using MedCoord.Engine.Referrals;
using MedCoord.Engine.Results;
using MedCoord.Engine.Storage;
using MedCoord.Engine.Tests.Billing;
using MedCoord.Engine.Visits;
using Microsoft.Extensions.Options;
using NodaTime;
using NodaTime.Testing;
using Xunit;
using MedCoord.Engine.Tests.Storage;

namespace MedCoord.Engine.Tests.Audit;

/// <summary>Every read that hands records to a person leaves one entry naming the patients and exactly the records handed out.</summary>
public sealed class RecordedReadsTests
{
    private static readonly Instant T0 = Instant.FromUtc(2026, 12, 7, 15, 0);
    private readonly FakeClock _clock = new(T0);
    private readonly CoordinationEngine _engine;

    /// <summary>
    /// pat-1: plan-1 (active, its consult due in 30 days), consent-1, ref-1 (draft). pat-2: visit-1 (a no-show), its
    /// intake, res-1 (review open). pat-3: plan-2 (draft). pat-4: visit-2 (booked) and its reminder msg-1. pat-a: the sample claim (draft).
    /// </summary>
    public RecordedReadsTests()
    {
        _engine = CoordinationEngine.Over(new InMemoryEngineStore(_clock), _clock, Options.Create(new EngineOptions()));
        var consult = new CareActivity("consult", ActivityKind.OneOff, "follow-up", DueBy: T0.InUtc().Date.PlusDays(30));
        var plan1 = CarePlanLifecycle.SetStatus(CarePlanLifecycle.Create("plan-1", "pat-1", [], [consult], "coord-1", _clock), CarePlanStatus.Active, "coord-1", _clock);
        var plan2 = CarePlanLifecycle.Create("plan-2", "pat-3", [], [consult with { DueBy = T0.InUtc().Date.PlusDays(1100) }], "coord-1", _clock);
        var noShow = new Visit("visit-1", "pat-2", "follow-up", T0 + Duration.FromHours(1), VisitStatus.NoShow, [new StatusChange<VisitStatus>(VisitStatus.Booked, VisitStatus.NoShow, "desk-1", T0)]);
        var booked = new Visit("visit-2", "pat-4", "follow-up", T0 + Duration.FromHours(1), VisitStatus.Booked, []);
        var result = ResultThreads.Receive(null, new IncomingResult("res-1", "pat-2", "dr-a", "lipids", ResultStatus.Final, false), _clock);
        var claim = ClaimTests.Sample().Claims[0] with { Status = ClaimStatus.Draft, CreatedAt = T0, History = [] };
        _engine.Store.Commit([
            StoreChange.Of(plan1.Id, plan1, 0, "coord-1", "Plan.Saved"),
            StoreChange.Of(plan2.Id, plan2, 0, "coord-1", "Plan.Saved"),
            StoreChange.Of("consent-1", new Consent("consent-1", "pat-1", "treatment", T0, null, null), 0, "desk-1", "Consent.Given"),
            StoreChange.Of("ref-1", ReferralLifecycle.Draft("ref-1", "pat-1", "dr-a", "cardiology", ReferralPriority.Routine, _clock), 0, "dr-a", "Referral.Draft"),
            StoreChange.Of(noShow.Id, noShow, 0, "desk-1", "Visit.NoShow"),
            StoreChange.Of("visit-1", new IntakeResponse("visit-1", "pat-2", T0), 0, "pat-2", "Intake.Completed"),
            StoreChange.Of(result.Id, result, 0, "lab", "Result.Received"),
            StoreChange.Of(booked.Id, booked, 0, "scheduler", "Visit.Booked"),
            StoreChange.Of("msg-1", new OutboxMessage("msg-1", "visit-2", "pat-4", MessagePurpose.Reminder, "reminder-48h", T0, null, null), 0, "outbox", "Message.Planned"),
            StoreChange.Of(claim.Id, claim, 0, "biller-1", "Claim.Draft"),
        ]);
    }

    private (string Actor, string Subject, string Action, string? Content) LastEntry() =>
        _engine.Store.AuditTrail()[^1] is var e ? (e.Actor, e.EntityId, e.Action, e.Content) : default;

    private static string Content(string patients, string records) => $$"""{"patients":[{{patients}}],"records":[{{records}}]}""";

    [Fact]
    public async Task Read_OneRecordOfEachKind_NamesItsPatient()
    {
        var seen = new List<(string, string, string, string?)>();
        async Task Check<T>(string id)
            where T : class
        {
            Assert.NotNull(await _engine.Records.ReadAsync<T>(id, "dr-1"));
            seen.Add(LastEntry());
        }

        await Check<CarePlan>("plan-1");
        await Check<Visit>("visit-1");
        await Check<Consent>("consent-1");
        await Check<IntakeResponse>("visit-1");
        await Check<ResultThread>("res-1");
        await Check<Referral>("ref-1");
        await Check<OutboxMessage>("msg-1");
        await Check<Claim>("CLM-2026-0001");

        Assert.Equal(
            [
                ("dr-1", "pat-1", "Read.Record.care-plan", Content("\"pat-1\"", "\"care-plan:plan-1\"")),
                ("dr-1", "pat-2", "Read.Record.visit", Content("\"pat-2\"", "\"visit:visit-1\"")),
                ("dr-1", "pat-1", "Read.Record.consent", Content("\"pat-1\"", "\"consent:consent-1\"")),
                ("dr-1", "pat-2", "Read.Record.intake-response", Content("\"pat-2\"", "\"intake-response:visit-1\"")),
                ("dr-1", "pat-2", "Read.Record.result", Content("\"pat-2\"", "\"result:res-1\"")),
                ("dr-1", "pat-1", "Read.Record.referral", Content("\"pat-1\"", "\"referral:ref-1\"")),
                ("dr-1", "pat-4", "Read.Record.outbox-message", Content("\"pat-4\"", "\"outbox-message:msg-1\"")),
                ("dr-1", "pat-a", "Read.Record.claim", Content("\"pat-a\"", "\"claim:CLM-2026-0001\"")),
            ],
            seen);
    }

    [Fact]
    public async Task Read_ARecordThatIsNotThere_IsRecordedAsAReadOfNothing()
    {
        var before = _engine.Store.AuditTrail().Count;

        Assert.Null(await _engine.Records.ReadAsync<Consent>("consent-9", "dr-1"));

        Assert.Equal(("dr-1", "-", "Read.Record.consent", Content(string.Empty, string.Empty)), LastEntry());
        Assert.Equal(before + 1, _engine.Store.AuditTrail().Count);
        await Assert.ThrowsAsync<ArgumentException>(() => _engine.Records.ReadAsync<Consent>(" ", "dr-1"));
        await Assert.ThrowsAsync<ArgumentException>(() => _engine.Records.ReadAsync<Consent>("consent-1", " "));
        Assert.Equal(before + 1, _engine.Store.AuditTrail().Count);
    }

    [Theory]
    [InlineData("pat-1", "\"care-plan:plan-1\",\"consent:consent-1\",\"referral:ref-1\"")]
    [InlineData("pat-2", "\"intake-response:visit-1\",\"result:res-1\",\"visit:visit-1\"")]
    [InlineData("pat-4", "\"outbox-message:msg-1\",\"visit:visit-2\"")]
    [InlineData("pat-a", "\"claim:CLM-2026-0001\"")]
    public async Task PatientRecords_NamesEveryRecordHandedOut(string patient, string records)
    {
        var chart = await _engine.Records.PatientRecordsAsync(patient, "nurse-1");

        Assert.Equal(("nurse-1", patient, "Read.PatientRecords", Content($"\"{patient}\"", records)), LastEntry());
        Assert.Equal(
            records.Split(',').Length,
            chart.CarePlans.Count + chart.Visits.Count + chart.Consents.Count + chart.Intakes.Count + chart.Results.Count + chart.Referrals.Count + chart.Messages.Count + chart.Claims.Count);
        Assert.Equal(patient, chart.PatientId);
        await Assert.ThrowsAsync<ArgumentException>(() => _engine.Records.PatientRecordsAsync(" ", "nurse-1"));
    }

    [Fact]
    public async Task Worklist_NamesEveryRecordOnIt()
    {
        _clock.Advance(Duration.FromDays(400));

        var worklist = await _engine.Worklist.GetAsync("coord-1");
        string[] listed =
            [.. worklist.CareActivities.Select(a => a.PlanId), .. worklist.Referrals.Select(r => r.ReferralId), .. worklist.ResultTasks.Select(t => t.ResultId), .. worklist.NoShows.Select(v => v.Id),
             .. worklist.Visits.Select(v => v.VisitId), .. worklist.CarePlans.Select(p => p.PlanId), .. worklist.Claims.Select(c => c.ClaimId)];

        Assert.Equal(["plan-1", "ref-1", "res-1", "visit-1", "visit-2", "plan-2", "CLM-2026-0001"], listed);
        Assert.Equal(
            ("coord-1", "*", "Read.Worklist", Content(
                "\"pat-1\",\"pat-2\",\"pat-3\",\"pat-4\",\"pat-a\"",
                "\"care-plan:plan-1\",\"care-plan:plan-2\",\"claim:CLM-2026-0001\",\"referral:ref-1\",\"result:res-1\",\"visit:visit-1\",\"visit:visit-2\"")),
            LastEntry());
    }

    [Fact]
    public async Task DueMessagesAndDueRequests_NameWhatIsDue()
    {
        _clock.Advance(Duration.FromMinutes(1));

        var messages = await _engine.Outbox.DueMessagesAsync("sender");
        var messagesEntry = LastEntry();
        var requests = await _engine.CarePlans.DueRequestsAsync(new DateInterval(T0.InUtc().Date, T0.InUtc().Date.PlusDays(60)), "scheduler");

        Assert.Equal(["msg-1"], messages.Select(m => m.Id));
        Assert.Equal(("sender", "pat-4", "Read.DueMessages", Content("\"pat-4\"", "\"outbox-message:msg-1\"")), messagesEntry);
        Assert.Equal([("plan-1", "pat-1")], requests.Select(r => (r.PlanId, r.PatientId)));
        Assert.Equal(("scheduler", "pat-1", "Read.DueRequests", Content("\"pat-1\"", "\"care-plan:plan-1\"")), LastEntry());
    }

    [Fact]
    public async Task ReadsOf_APatient_AreTheReadEntriesNamingThem_AloneOrAmongOthers()
    {
        await _engine.Records.ReadAsync<Visit>("visit-1", "dr-1");
        await _engine.Records.ReadAsync<Consent>("consent-1", "dr-2");
        await _engine.Records.PatientRecordsAsync("pat-2", "nurse-1");
        await _engine.Worklist.GetAsync("coord-1");

        Assert.Equal([("dr-1", "Read.Record.visit"), ("nurse-1", "Read.PatientRecords"), ("coord-1", "Read.Worklist")], (await _engine.Records.ReadsOfAsync("pat-2")).Select(e => (e.Actor, e.Action)));
        Assert.Equal([("dr-2", "Read.Record.consent")], (await _engine.Records.ReadsOfAsync("pat-1")).Select(e => (e.Actor, e.Action)));
        Assert.Empty(await _engine.Records.ReadsOfAsync("pat-9"));
        await Assert.ThrowsAsync<ArgumentException>(() => _engine.Records.ReadsOfAsync(" "));
    }

    [Fact]
    public async Task Export_HandsOutEveryRecordOfEveryKind_AndNamesThemAllInOneEntry()
    {
        var before = _engine.Store.AuditTrail().Count;

        var all = await _engine.Records.ExportAsync("exporter");

        Assert.Equal(T0, all.ExportedAt);
        Assert.Equal(["plan-1", "plan-2"], all.CarePlans.Select(r => r.Id));
        Assert.Equal(["visit-1", "visit-2"], all.Visits.Select(r => r.Id));
        Assert.Equal(["consent-1"], all.Consents.Select(r => r.Id));
        Assert.Equal([("visit-1", "pat-2")], all.Intakes.Select(r => (r.VisitId, r.PatientId)));
        Assert.Equal(["res-1"], all.Results.Select(r => r.Id));
        Assert.Equal(["ref-1"], all.Referrals.Select(r => r.Id));
        Assert.Equal(["msg-1"], all.Messages.Select(r => r.Id));
        Assert.Equal(["CLM-2026-0001"], all.Claims.Select(r => r.Id));
        Assert.Equal((VisitStatus.NoShow, "pat-2"), (all.Visits[0].Status, all.Visits[0].PatientId));
        Assert.Equal(before + 1, _engine.Store.AuditTrail().Count);
        Assert.Equal(
            ("exporter", "*", "Read.Export", Content(
                "\"pat-1\",\"pat-2\",\"pat-3\",\"pat-4\",\"pat-a\"",
                "\"care-plan:plan-1\",\"care-plan:plan-2\",\"claim:CLM-2026-0001\",\"consent:consent-1\",\"intake-response:visit-1\",\"outbox-message:msg-1\",\"referral:ref-1\",\"result:res-1\",\"visit:visit-1\",\"visit:visit-2\"")),
            LastEntry());
        Assert.Equal(["exporter"], (await _engine.Records.ReadsOfAsync("pat-3")).Select(e => e.Actor));
        await Assert.ThrowsAsync<ArgumentException>(() => _engine.Records.ExportAsync(" "));
        Assert.Equal(before + 1, _engine.Store.AuditTrail().Count);
    }

    [Fact]
    public async Task Export_OfAnEmptyEngine_IsEmptyAndStillRecorded()
    {
        var clock = new FakeClock(T0);
        var empty = CoordinationEngine.Over(new InMemoryEngineStore(clock), clock, Options.Create(new EngineOptions()));

        var all = await empty.Records.ExportAsync("exporter");

        Assert.Empty(all.CarePlans.Concat<object>(all.Visits).Concat(all.Consents).Concat(all.Intakes).Concat(all.Results).Concat(all.Referrals).Concat(all.Messages).Concat(all.Claims));
        Assert.Equal(("exporter", "-", "Read.Export", Content(string.Empty, string.Empty)), empty.Store.AuditTrail()[^1] is var e ? (e.Actor, e.EntityId, e.Action, e.Content) : default);
    }
}
