using System.Reflection;
using MedCoord.Engine.Billing;
using MedCoord.Engine.CarePlans;
using MedCoord.Engine.Communications;
using MedCoord.Engine.Referrals;
using MedCoord.Engine.Results;
using MedCoord.Engine.Storage;
using MedCoord.Engine.Tests.Storage;
using MedCoord.Engine.Visits;
using Microsoft.Extensions.Options;
using NodaTime;
using NodaTime.Testing;
using Xunit;

namespace MedCoord.Engine.Tests.Services;

/// <summary>Every action the engine writes into the audit trail is one of <see cref="AuditActions"/>: a fixed code or a move's status.</summary>
public sealed class AuditActionsTests
{
    private static readonly DateInterval Horizon = new(new LocalDate(2026, 12, 7), new LocalDate(2026, 12, 31));

    /// <summary>Every code <see cref="AuditActions"/> can produce: its constants, and its functions over every status.</summary>
    private static HashSet<string> Known()
    {
        var codes = typeof(AuditActions).GetFields(BindingFlags.Public | BindingFlags.Static).Where(f => f.IsLiteral).Select(f => (string)f.GetRawConstantValue()!).ToHashSet(StringComparer.Ordinal);
        codes.UnionWith(Enum.GetValues<CarePlanStatus>().Select(AuditActions.Plan));
        codes.UnionWith(Enum.GetValues<ActivityStatus>().Select(AuditActions.Activity));
        codes.UnionWith(Enum.GetValues<VisitStatus>().Select(AuditActions.Visit));
        codes.UnionWith(Enum.GetValues<ReferralStatus>().Select(AuditActions.Referral));
        codes.UnionWith(Enum.GetValues<ClaimStatus>().Select(AuditActions.Claim));
        codes.UnionWith(Enum.GetValues<ResultStatus>().Select(AuditActions.Result));
        codes.UnionWith(Enum.GetValues<DeliveryResult>().Select(AuditActions.Message));
        return codes;
    }

    [Fact]
    public async Task Book_AnAssignmentOfNoRequestOrOfAnotherPatient_IsRefusedNamingIt_NothingBooked()
    {
        var clock = new FakeClock(Instant.FromUtc(2026, 12, 7, 15, 0));
        var engine = CoordinationEngine.Over(new InMemoryEngineStore(clock), clock, Options.Create(new EngineOptions()));
        var start = (clock.GetCurrentInstant() + Duration.FromDays(1)).WithOffset(Offset.Zero);
        var problem = new MedCoord.Scheduling.Model.Problem(Horizon, [], [], [], [new("pat-2", null, null, [])], [], [new("req-2", "pat-2", "follow-up")], []);
        var schedule = new MedCoord.Scheduling.Results.Schedule(MedCoord.Scheduling.Results.ScheduleStatus.Feasible, new(1, 1, 0),
            [new("req-2", "pat-2", null, "exam-1", "clinic", start, start.Plus(Duration.FromMinutes(30))), new("req-9", "pat-2", null, "exam-1", "clinic", start, start.Plus(Duration.FromMinutes(30))),
             new("req-2", "pat-3", null, "exam-1", "clinic", start, start.Plus(Duration.FromMinutes(30)))],
            [], new(0, 3, 0));

        var refused = await Assert.ThrowsAsync<MedCoord.Scheduling.Validation.ValidationException>(() => engine.Visits.BookAsync(problem, schedule, "scheduler"));

        Assert.Equal(["assignments[1].requestId: 'req-9' is not a request of the problem", "assignments[2].patientId: 'pat-3' is not the patient of request 'req-2'"], refused.Errors.Select(e => e.ToString()));
        Assert.Equal("schedule", refused.ParamName);
        Assert.Empty(engine.Store.AuditTrail());
    }

    [Fact]
    public void Codes_AreAreaDotWhat_AndDistinct()
    {
        var constants = typeof(AuditActions).GetFields(BindingFlags.Public | BindingFlags.Static).Where(f => f.IsLiteral).Select(f => (string)f.GetRawConstantValue()!).ToList();

        Assert.All(constants, c => Assert.Matches("^[A-Z][A-Za-z]+\\.[A-Z][A-Za-z0-9]+$", c));
        Assert.Equal(constants.Count, constants.Distinct(StringComparer.Ordinal).Count());
        Assert.Equal("Visit.CheckedIn", AuditActions.Visit(VisitStatus.CheckedIn));
        Assert.Equal("Plan.OnHold", AuditActions.Plan(CarePlanStatus.OnHold));
        Assert.Equal("Activity.Cancelled", AuditActions.Activity(ActivityStatus.Cancelled));
        Assert.Equal("Referral.ReportReceived", AuditActions.Referral(ReferralStatus.ReportReceived));
        Assert.Equal("Claim.PartiallyPaid", AuditActions.Claim(ClaimStatus.PartiallyPaid));
        Assert.Equal("Result.Final", AuditActions.Result(ResultStatus.Final));
        Assert.Equal("Message.Failed", AuditActions.Message(DeliveryResult.Failed));
    }

    [Fact]
    public async Task ALoopThroughEveryArea_WritesOnlyKnownActions()
    {
        var clock = new FakeClock(Instant.FromUtc(2026, 12, 7, 15, 0));
        var engine = CoordinationEngine.Over(new InMemoryEngineStore(clock), clock, Options.Create(new EngineOptions
        {
            Forms = { ["follow-up"] = new FormRequirements(IntakeQuestionnaire: true, ConsentScope: "treatment") },
        }));
        await CoordinationEngineLoopTests.ActivePlan(engine, "plan-1");
        await engine.CarePlans.ChangeAsync("plan-1", (p, c) => CarePlanLifecycle.AddActivity(p, new CareActivity("labs", ActivityKind.OneOff, "lab-draw", DueBy: new LocalDate(2026, 12, 30)), "coord-1", c), "coord-1");
        var visit = Assert.Single(await CoordinationEngineLoopTests.BookDue(engine, clock.GetCurrentInstant() + Duration.FromDays(1)), v => v.RequestId!.StartsWith("plan-1/consult", StringComparison.Ordinal));
        await engine.Visits.RecordConsentAsync(new Consent("c-1", "pat-1", "treatment", clock.GetCurrentInstant(), null, null), "desk-1");
        await engine.Visits.RecordConsentAsync(new Consent("c-1", "pat-1", "treatment", clock.GetCurrentInstant(), null, clock.GetCurrentInstant()), "desk-1");
        await engine.Visits.RecordConsentAsync(new Consent("c-2", "pat-1", "treatment", clock.GetCurrentInstant(), null, null), "desk-1");
        await engine.Visits.RecordIntakeAsync(new IntakeResponse(visit.Id, "pat-1", clock.GetCurrentInstant()), "pat-1");
        clock.Advance(Duration.FromDays(1));
        await engine.Visits.ArriveAsync(visit.Id, "desk-1");
        Assert.True((await engine.Visits.CheckInAsync(visit.Id, "desk-1")).CheckedIn);
        await engine.Visits.FulfilAsync(visit.Id, "dr-a");
        var review = await engine.Results.ReceiveAsync(new IncomingResult("res-1", "pat-1", "dr-a", "HbA1c", ResultStatus.Final, Abnormal: true), "lab");
        var notify = await engine.Results.CompleteTaskAsync("res-1", review.Id, "dr-a");
        var message = await engine.Results.ReleaseAsync("res-1", notify!.Id, "dr-a");
        await engine.Outbox.RecordDeliveryAsync(message.Id, DeliveryResult.Delivered, "sms");
        await engine.Referrals.CreateAsync(ReferralLifecycle.Draft("ref-1", "pat-1", "dr-a", "cardiology", ReferralPriority.Routine, clock), "dr-a");
        await engine.Referrals.MoveAsync("ref-1", ReferralStatus.Sent, "dr-a", "sent");
        var other = Assert.Single(await engine.Visits.BookAsync(
            new MedCoord.Scheduling.Model.Problem(Horizon, [], [], [], [new("pat-2", null, null, [])], [], [new("req-2", "pat-2", "follow-up")], []),
            new MedCoord.Scheduling.Results.Schedule(MedCoord.Scheduling.Results.ScheduleStatus.Feasible, new(1, 1, 0),
                [new("req-2", "pat-2", "dr-a", "exam-1", "clinic", (clock.GetCurrentInstant() + Duration.FromDays(2)).WithOffset(Offset.Zero), (clock.GetCurrentInstant() + Duration.FromDays(2) + Duration.FromMinutes(30)).WithOffset(Offset.Zero))],
                [], new(0, 1, 0)),
            "scheduler"));
        await engine.Visits.CancelAsync(other.Id, "desk-1");
        await engine.Worklist.GetAsync("coord-1");

        var unknown = engine.Store.AuditTrail().Select(e => e.Action).Where(a => !a.StartsWith("Read.", StringComparison.Ordinal) && !Known().Contains(a)).Distinct().ToList();

        Assert.Empty(unknown);
        Assert.Contains(engine.Store.AuditTrail(), e => e.Action == AuditActions.ActivityAdded);
        Assert.Contains(engine.Store.AuditTrail(), e => e.Action == AuditActions.ConsentRevoked);
        Assert.Contains(engine.Store.AuditTrail(), e => e.Action == AuditActions.MessageCancelled);
    }
}
