using MedCoord.Engine.Billing;
using MedCoord.Engine.CarePlans;
using MedCoord.Engine.Referrals;
using MedCoord.Engine.Visits;
using NodaTime;
using Xunit;

namespace MedCoord.Engine.Tests;

public sealed class LifecycleTests
{
    private enum Light
    {
        Red,
        Green,
        Amber,
    }

    private static readonly Lifecycle<Light> Lights = new("traffic light", new Dictionary<Light, Light[]>
    {
        [Light.Red] = [Light.Green],
        [Light.Green] = [Light.Amber],
        [Light.Amber] = [],
    });

    [Fact]
    public void Create_StatusWithoutEntry_IsRefusedNamingIt()
    {
        var refused = Assert.Throws<ArgumentException>(() => new Lifecycle<Light>("traffic light", new Dictionary<Light, Light[]> { [Light.Red] = [Light.Green] }));

        Assert.Equal(("moves", "The traffic light lifecycle has no entry for Green, Amber. (Parameter 'moves')"), (refused.ParamName, refused.Message));
    }

    [Fact]
    public void Table_AllowedFromCanMoveAndIsFinal_AgreeWithTheEntries()
    {
        Assert.Equal([Light.Green], Lights.AllowedFrom(Light.Red));
        Assert.True(Lights.CanMove(Light.Red, Light.Green));
        Assert.False(Lights.CanMove(Light.Red, Light.Amber));
        Assert.False(Lights.CanMove(Light.Green, Light.Green));
        Assert.Equal([false, false, true], Enum.GetValues<Light>().Select(Lights.IsFinal));
    }

    [Fact]
    public void Move_Allowed_IsTheHistoryEntry_Refused_NamesKindIdStatusesAndWhatIsAllowed()
    {
        var at = Instant.FromUtc(2026, 12, 8, 9, 0);

        Assert.Equal(new StatusChange<Light>(Light.Red, Light.Green, "ops-1", at, "timer"), Lights.Move("light-4", Light.Red, Light.Green, "ops-1", at, "timer"));
        var refused = Assert.Throws<TransitionException>(() => Lights.Move("light-4", Light.Green, Light.Red, "ops-1", at));
        var final = Assert.Throws<TransitionException>(() => Lights.Check("light-4", Light.Amber, Light.Red));

        Assert.Equal(("traffic light", "light-4", Light.Green, Light.Red), (refused.Kind, refused.Id, refused.From, refused.To));
        Assert.Equal([Light.Amber], refused.Allowed.Cast<Light>());
        Assert.Equal("Traffic light 'light-4' cannot go from Green to Red; from Green it may go to Amber.", refused.Message);
        Assert.Equal("Traffic light 'light-4' cannot go from Amber to Red; from Amber it may go to nothing (it is final).", final.Message);
        Assert.Empty(final.Allowed);
    }

    [Fact]
    public void Refusal_OfAnActivity_NamesItWithItsPlan_AndMayCarryItsOwnExplanation()
    {
        var refused = new TransitionException("care activity", "plan-1/hba1c", ActivityStatus.OnHold, ActivityStatus.Scheduled, [ActivityStatus.Cancelled]);
        var explained = Lights.Refusal("light-4", Light.Red, Light.Red, [], "Traffic light 'light-4' is out of order.");

        Assert.Equal("Activity 'hba1c' of care plan 'plan-1' cannot go from OnHold to Scheduled; from OnHold it may go to Cancelled.", refused.Message);
        Assert.Equal(("Traffic light 'light-4' is out of order.", Light.Red), (explained.Message, explained.From));
        Assert.Empty(explained.Allowed);
    }

    /// <summary>Each record's public AllowedFrom is its lifecycle's table, status by status.</summary>
    [Fact]
    public void EveryRecord_PublicAllowedFrom_IsItsLifecycleTable()
    {
        Assert.All(Enum.GetValues<VisitStatus>(), s => Assert.Equal(VisitDesk.Lifecycle.AllowedFrom(s), VisitDesk.AllowedFrom(s)));
        Assert.All(Enum.GetValues<ReferralStatus>(), s => Assert.Equal(ReferralLifecycle.Lifecycle.AllowedFrom(s), ReferralLifecycle.AllowedFrom(s)));
        Assert.All(Enum.GetValues<ClaimStatus>(), s => Assert.Equal(ClaimLifecycle.Lifecycle.AllowedFrom(s), ClaimLifecycle.AllowedFrom(s)));
        Assert.All(Enum.GetValues<CarePlanStatus>(), s => Assert.Equal(CarePlanLifecycle.PlanLifecycle.AllowedFrom(s), CarePlanLifecycle.AllowedFrom(s)));
        Assert.All(Enum.GetValues<ActivityStatus>(), s => Assert.Equal(CarePlanLifecycle.ActivityLifecycle.AllowedFrom(s), CarePlanLifecycle.AllowedFrom(s)));
        Assert.Equal(
            ["visit", "referral", "claim", "care plan", "care activity"],
            [VisitDesk.Lifecycle.Kind, ReferralLifecycle.Lifecycle.Kind, ClaimLifecycle.Lifecycle.Kind, CarePlanLifecycle.PlanLifecycle.Kind, CarePlanLifecycle.ActivityLifecycle.Kind]);
    }

    [Fact]
    public void RecordNotFound_NamesKindAndId_AndIsAKeyNotFoundException()
    {
        KeyNotFoundException missing = new RecordNotFoundException("visit", "v-9");

        Assert.Equal("There is no visit 'v-9'.", missing.Message);
        Assert.Equal(("visit", "v-9"), (((RecordNotFoundException)missing).Kind, ((RecordNotFoundException)missing).Id));
    }
}
