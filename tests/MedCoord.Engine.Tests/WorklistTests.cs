using MedCoord.Engine.Billing;
using MedCoord.Engine.CarePlans;
using MedCoord.Engine.Communications;
using MedCoord.Engine.Referrals;
using MedCoord.Engine.Results;
using MedCoord.Engine.Storage;
using MedCoord.Engine.Visits;
using Microsoft.Extensions.Options;
using NodaTime;
using NodaTime.Testing;
using Xunit;
using MedCoord.Engine.Tests.Storage;

namespace MedCoord.Engine.Tests;

/// <summary>
/// Every state of every lifecycle, and where it lands once it has waited past its limit: the worklist that carries it,
/// or none because it is final. A state added to a lifecycle without a row here fails <see cref="Tables_CoverEveryState"/>.
/// </summary>
public sealed class WorklistTests
{
    private const string Final = "none: final";
    private static readonly Instant T0 = Instant.FromUtc(2026, 12, 7, 15, 0);

    /// <summary>Long past every limit, but before the activities' last dates (see <see cref="Plan"/>).</summary>
    private static readonly Duration Later = Duration.FromDays(400);

    public static readonly Dictionary<VisitStatus, string> Visits = new()
    {
        [VisitStatus.Booked] = "Visits", // past its start and grace, not checked in (no-shows not marked yet)
        [VisitStatus.Arrived] = "Visits", // arrived, not checked in
        [VisitStatus.CheckedIn] = "Visits", // checked in, not fulfilled
        [VisitStatus.NoShow] = "NoShows", // for the coordinator to reach the patient; its care-plan occurrence is open again
        [VisitStatus.Fulfilled] = Final,
        [VisitStatus.Cancelled] = Final, // its occurrence, if any, is open again and on its own clock
    };

    public static readonly Dictionary<ReferralStatus, string> Referrals = new()
    {
        [ReferralStatus.Draft] = "Referrals:NotSent",
        [ReferralStatus.Sent] = "Referrals:NotAccepted",
        [ReferralStatus.Accepted] = "Referrals:NotScheduled",
        [ReferralStatus.Declined] = "Referrals:NotClosed", // the referrer must refer elsewhere and close it
        [ReferralStatus.Scheduled] = "Referrals:NoReport",
        [ReferralStatus.Completed] = "Referrals:NoReport",
        [ReferralStatus.ReportReceived] = "Referrals:NotClosed", // the referrer must read the report and close the loop
        [ReferralStatus.Closed] = Final,
        [ReferralStatus.Cancelled] = Final,
        [ReferralStatus.Expired] = Final, // someone decided it lapsed
    };

    public static readonly Dictionary<CarePlanStatus, string> Plans = new()
    {
        [CarePlanStatus.Draft] = "CarePlans:NotActivated",
        [CarePlanStatus.Active] = "none: its activities decide", // see Activities
        [CarePlanStatus.OnHold] = "CarePlans:PlanOnHold",
        [CarePlanStatus.Completed] = Final,
        [CarePlanStatus.Revoked] = Final,
        [CarePlanStatus.EnteredInError] = Final,
    };

    /// <summary>Activities of an active plan (a plan in draft or on hold is listed itself).</summary>
    public static readonly Dictionary<ActivityStatus, string> Activities = new()
    {
        [ActivityStatus.NotStarted] = "CareActivities",
        [ActivityStatus.Scheduled] = "CareActivities", // its visit is late too, on Visits, until it moves on
        [ActivityStatus.InProgress] = "CareActivities",
        [ActivityStatus.OnHold] = "CarePlans:ActivityOnHold",
        [ActivityStatus.Completed] = Final,
        [ActivityStatus.Cancelled] = Final,
        [ActivityStatus.Stopped] = Final,
        [ActivityStatus.EnteredInError] = Final,
    };

    public static readonly Dictionary<ClaimStatus, string> Claims = new()
    {
        [ClaimStatus.Draft] = "Claims",
        [ClaimStatus.Ready] = "Claims",
        [ClaimStatus.Submitted] = "Claims",
        [ClaimStatus.Accepted] = "Claims",
        [ClaimStatus.Rejected] = "Claims",
        [ClaimStatus.Paid] = "Claims", // not closed
        [ClaimStatus.PartiallyPaid] = "Claims",
        [ClaimStatus.Denied] = "Claims",
        [ClaimStatus.Appealed] = "Claims",
        [ClaimStatus.Closed] = Final,
    };

    /// <summary>The states of a result's thread (its tasks and the notification's message).</summary>
    public static readonly Dictionary<string, string> ResultThreadStates = new()
    {
        ["review open"] = "ResultTasks",
        ["notification open"] = "ResultTasks",
        ["notification released, message pending"] = "ResultTasks",
        ["notification released, message failed"] = "ResultTasks",
        ["notification released, message rejected"] = "ResultTasks", // to release again or tell the patient another way
        ["notification done"] = Final,
        ["superseded"] = Final, // the newer version's review is open instead
    };

    public static TheoryData<VisitStatus, string> VisitRows => Rows(Visits);

    public static TheoryData<ReferralStatus, string> ReferralRows => Rows(Referrals);

    public static TheoryData<CarePlanStatus, string> PlanRows => Rows(Plans);

    public static TheoryData<ActivityStatus, string> ActivityRows => Rows(Activities);

    public static TheoryData<ClaimStatus, string> ClaimRows => Rows(Claims);

    public static TheoryData<string, string> ResultRows => Rows(ResultThreadStates);

    [Fact]
    public void Tables_CoverEveryState()
    {
        Assert.Equal(Enum.GetValues<VisitStatus>().Order(), Visits.Keys.Order());
        Assert.Equal(Enum.GetValues<ReferralStatus>().Order(), Referrals.Keys.Order());
        Assert.Equal(Enum.GetValues<CarePlanStatus>().Order(), Plans.Keys.Order());
        Assert.Equal(Enum.GetValues<ActivityStatus>().Order(), Activities.Keys.Order());
        Assert.Equal(Enum.GetValues<ClaimStatus>().Order(), Claims.Keys.Order());

        // Exactly the final statuses of each lifecycle's table of moves are on no worklist.
        Assert.Equal(Enum.GetValues<VisitStatus>().Where(s => VisitDesk.AllowedFrom(s).Count == 0 && s != VisitStatus.NoShow), Visits.Where(r => r.Value == Final).Select(r => r.Key).Order());
        Assert.Equal(Enum.GetValues<ReferralStatus>().Where(s => ReferralLifecycle.AllowedFrom(s).Count == 0), Referrals.Where(r => r.Value == Final).Select(r => r.Key).Order());
        Assert.Equal(Enum.GetValues<CarePlanStatus>().Where(s => CarePlanLifecycle.AllowedFrom(s).Count == 0), Plans.Where(r => r.Value == Final).Select(r => r.Key).Order());
        Assert.Equal(Enum.GetValues<ActivityStatus>().Where(s => CarePlanLifecycle.AllowedFrom(s).Count == 0), Activities.Where(r => r.Value == Final).Select(r => r.Key).Order());
        Assert.Equal(Enum.GetValues<ClaimStatus>().Where(s => ClaimLifecycle.AllowedFrom(s).Count == 0), Claims.Where(r => r.Value == Final).Select(r => r.Key).Order());
    }

    [Theory]
    [MemberData(nameof(VisitRows))]
    public async Task Visit_EachStatus_LandsOnItsWorklistAfterItsLimit(VisitStatus status, string expected)
    {
        var visit = new Visit("visit-1", "pat-1", "follow-up", T0 + Duration.FromHours(1), status,
            status == VisitStatus.Booked ? [] : [new StatusChange<VisitStatus>(VisitStatus.Booked, status, "desk-1", T0)]);
        await Check(expected, "visit-1", status == VisitStatus.NoShow, StoreChange.Of(visit.Id, visit, 0, "desk-1", "Visit.Saved"));
    }

    [Theory]
    [MemberData(nameof(ReferralRows))]
    public async Task Referral_EachStatus_LandsOnItsWorklistAfterItsLimit(ReferralStatus status, string expected)
    {
        var draft = ReferralLifecycle.Draft("ref-1", "pat-1", "dr-a", "cardiology", ReferralPriority.Routine, new FakeClock(T0));
        var referral = status == ReferralStatus.Draft ? draft
            : draft with { Status = status, SentAt = T0, History = [new StatusChange<ReferralStatus>(ReferralStatus.Sent, status, "desk-1", T0, "moved")] };
        await Check(expected, "ref-1", false, StoreChange.Of(referral.Id, referral, 0, "desk-1", "Referral.Saved"));
    }

    [Theory]
    [MemberData(nameof(PlanRows))]
    public async Task CarePlan_EachStatus_LandsOnItsWorklistAfterItsLimit(CarePlanStatus status, string expected)
    {
        var plan = Plan(ActivityStatus.NotStarted, far: true);
        plan = plan with { Status = status, History = [.. plan.History, new CarePlanChange(T0, "coord-1", null, $"Plan.{status}")] };
        await Check(expected, "plan-1", false, StoreChange.Of(plan.Id, plan, 0, "coord-1", "Plan.Saved"));
    }

    [Theory]
    [MemberData(nameof(ActivityRows))]
    public async Task CareActivity_EachStatus_LandsOnItsWorklistAfterItsLimit(ActivityStatus status, string expected)
    {
        var plan = Plan(status, far: false);
        await Check(expected, "plan-1/consult", false, StoreChange.Of(plan.Id, plan, 0, "coord-1", "Plan.Saved"));
    }

    [Theory]
    [MemberData(nameof(ClaimRows))]
    public async Task Claim_EachStatus_LandsOnItsWorklistAfterItsLimit(ClaimStatus status, string expected)
    {
        var sample = Billing.ClaimTests.Sample().Claims[0];
        var claim = sample with
        {
            Status = status,
            CreatedAt = T0,
            History = status == ClaimStatus.Draft ? [] : [new StatusChange<ClaimStatus>(ClaimStatus.Draft, status, "biller-1", T0, "moved")],
        };
        await Check(expected, claim.Id, false, StoreChange.Of(claim.Id, claim, 0, "biller-1", "Claim.Saved"));
    }

    [Theory]
    [MemberData(nameof(ResultRows))]
    public async Task ResultThread_EachState_LandsOnItsWorklistAfterItsLimit(string state, string expected)
    {
        var clock = new FakeClock(T0);
        var thread = ResultThreads.Receive(null, new IncomingResult("res-1", "pat-1", "dr-a", "lipids", ResultStatus.Final, false), clock);
        var changes = new List<StoreChange>();
        if (state != "review open")
        {
            thread = ResultThreads.Complete(thread, "res-1/v1/ProviderReview", "dr-a", clock).Thread;
        }

        if (state.StartsWith("notification released", StringComparison.Ordinal))
        {
            var (released, task) = ResultThreads.Release(thread, "res-1/v1/PatientNotification", "dr-a", clock);
            thread = released;
            var message = Outbox.PlanResultNotification(task, "pat-1", 1, DateTimeZone.Utc, new OutboxOptions(), clock);
            message = state.EndsWith("pending", StringComparison.Ordinal) ? message
                : Outbox.RecordDelivery(message, state.EndsWith("failed", StringComparison.Ordinal) ? DeliveryResult.Failed : DeliveryResult.Rejected, clock);
            changes.Add(StoreChange.Of(message.Id, message, 0, "dr-a", "Message.Planned"));
        }
        else if (state == "notification done")
        {
            thread = ResultThreads.Complete(thread, "res-1/v1/PatientNotification", "nurse-1", clock).Thread;
        }
        else if (state == "superseded")
        {
            thread = thread with { Tasks = [.. thread.Tasks.Select(t => t.IsOpen ? t with { Superseded = true } : t)] };
        }

        changes.Add(StoreChange.Of(thread.Id, thread, 0, "lab", "Result.Saved"));
        await Check(expected, "res-1", false, [.. changes]);
    }

    /// <summary>
    /// Stores the record at <see cref="T0"/>, then checks the worklist a minute later (nothing late yet, unless
    /// <paramref name="listedAtOnce"/>) and long after every limit (on the expected list, and on no other).
    /// </summary>
    private static async Task Check(string expected, string id, bool listedAtOnce, params StoreChange[] changes)
    {
        var clock = new FakeClock(T0);
        var engine = CoordinationEngine.Over(new InMemoryEngineStore(clock), clock, Options.Create(new EngineOptions()));
        engine.Store.Commit(changes);

        clock.Advance(Duration.FromMinutes(1));
        var soon = Where(await engine.Worklist.GetAsync(), id);
        clock.Advance(Later);
        var later = Where(await engine.Worklist.GetAsync(), id);

        Assert.Equal(listedAtOnce ? new List<string> { expected } : [], soon);
        Assert.Equal(expected.StartsWith("none", StringComparison.Ordinal) ? [] : new List<string> { expected }, later);
    }

    /// <summary>The lists (with the lateness, where a list has kinds) an item is on.</summary>
    private static List<string> Where(CoordinatorWorklist w, string id) =>
    [
        .. w.CareActivities.Where(a => $"{a.PlanId}/{a.ActivityId}" == id).Select(_ => "CareActivities"),
        .. w.Referrals.Where(r => r.ReferralId == id).Select(r => $"Referrals:{r.Lateness}"),
        .. w.ResultTasks.Where(t => t.ResultId == id).Select(_ => "ResultTasks"),
        .. w.NoShows.Where(v => v.Id == id).Select(_ => "NoShows"),
        .. w.Visits.Where(v => v.VisitId == id).Select(_ => "Visits"),
        .. w.CarePlans.Where(p => (p.ActivityId is null ? p.PlanId : $"{p.PlanId}/{p.ActivityId}") == id).Select(p => $"CarePlans:{p.Lateness}"),
        .. w.Claims.Where(c => c.ClaimId == id).Select(_ => "Claims"),
    ];

    /// <summary>An active plan whose one activity is in <paramref name="status"/>, due within a month (or, when <paramref name="far"/>, in three years).</summary>
    private static CarePlan Plan(ActivityStatus status, bool far)
    {
        var clock = new FakeClock(T0);
        var activity = new CareActivity("consult", ActivityKind.OneOff, "follow-up", DueBy: T0.InUtc().Date.PlusDays(far ? 1100 : 30));
        var plan = CarePlanLifecycle.SetStatus(CarePlanLifecycle.Create("plan-1", "pat-1", [], [activity], "coord-1", clock), CarePlanStatus.Active, "coord-1", clock);
        var changed = activity with
        {
            Status = status,
            BookedRequestId = status == ActivityStatus.Scheduled ? "plan-1/consult/1" : null,
            CompletedCount = status is ActivityStatus.InProgress or ActivityStatus.Completed ? 1 : 0,
        };
        return plan with { Activities = [changed], History = [.. plan.History, new CarePlanChange(T0, "coord-1", "consult", $"Activity.{status}")] };
    }

    private static TheoryData<T, string> Rows<T>(Dictionary<T, string> table)
        where T : notnull
    {
        var data = new TheoryData<T, string>();
        foreach (var (state, list) in table)
        {
            data.Add(state, list);
        }

        return data;
    }
}
