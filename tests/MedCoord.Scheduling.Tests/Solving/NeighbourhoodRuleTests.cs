using MedCoord.Scheduling.Time;
using Score = MedCoord.Scheduling.Solving.NeighbourhoodSearch.Score;

namespace MedCoord.Scheduling.Tests.Solving;

/// <summary>The neighbourhood search's rules on their own: the order of its levels, their weights, anchors and sizes.</summary>
public sealed class NeighbourhoodRuleTests
{
    [Theory]
    [InlineData(5, 9, 9, 0, 4, 0, 0, 9, 1)] // more priority wins, whatever follows
    [InlineData(5, 0, 9, 0, 5, 1, 0, 0, 1)] // then fewer anchors moved
    [InlineData(5, 1, 3, 0, 5, 1, 4, 9, 1)] // then less waiting
    [InlineData(5, 1, 3, 2, 5, 1, 3, 1, 1)] // then more preferred providers
    [InlineData(5, 1, 3, 2, 5, 1, 3, 2, 0)]
    public void Score_ComparesLevelByLevel(long p1, long m1, long w1, long f1, long p2, long m2, long w2, long f2, int expected)
    {
        var (a, b) = (new Score(p1, m1, w1, f1), new Score(p2, m2, w2, f2));

        Assert.Equal(expected, Math.Sign(a.CompareTo(b)));
        Assert.Equal(-expected, Math.Sign(b.CompareTo(a)));
    }

    [Fact]
    public void Score_PlusAndMinus_WorkOnEveryLevel()
    {
        var (a, b) = (new Score(10, 2, 30, 4), new Score(1, 2, 3, 4));

        Assert.Equal(new Score(11, 4, 33, 8), a.Plus(b));
        Assert.Equal(new Score(9, 0, 27, 0), a.Minus(b));
    }

    [Theory]
    [InlineData(0, 0, 0, 1, 1, 1)]
    [InlineData(2, 10, 3, 132, 44, 4)]
    public void LevelWeights_AreTheExpectedNumbers(int anchors, long maxWaiting, long maxPreference, long priority, long kept, long waiting) =>
        Assert.Equal((priority, kept, waiting), NeighbourhoodSearch.LevelWeights(anchors, maxWaiting, maxPreference));

    [Theory]
    [InlineData(0, 0, 0)]
    [InlineData(3, 50, 7)]
    [InlineData(40, 100_000, 60)]
    public void LevelWeights_OneUnitOfALevelOutweighsEverythingBelowIt(int anchors, long maxWaiting, long maxPreference)
    {
        var (priority, kept, waiting) = NeighbourhoodSearch.LevelWeights(anchors, maxWaiting, maxPreference);

        Assert.True(waiting > maxPreference);
        Assert.True(kept > (maxWaiting * waiting) + maxPreference);
        Assert.True(priority > (anchors * kept) + (maxWaiting * waiting) + maxPreference);
    }

    [Theory]
    [InlineData(60, true, 73)]
    [InlineData(60, false, 48)]
    [InlineData(350, true, 400)]
    [InlineData(334, true, 400)]
    [InlineData(333, true, 400)]
    [InlineData(332, true, 399)]
    [InlineData(18, false, 15)]
    [InlineData(20, false, 16)]
    public void NextSize_GrowsAfterAnOptimalSubSolve_ShrinksOtherwise_Within15And400(int size, bool optimal, int expected) =>
        Assert.Equal(expected, NeighbourhoodSearch.NextSize(size, optimal));

    [Fact]
    public void Anchor_IsAt_OnlyTheSameStartFacilityProviderAndRoom()
    {
        var facility = new FacilityOption("main", MinuteSet.All, [], [], [], [], 0);
        var other = facility with { FacilityId = "north" };
        var (drA, drB) = (new ProviderOption("dr-a", MinuteSet.All), new ProviderOption("dr-b", MinuteSet.All));
        var (exam1, exam2) = (new RoomOption("exam-1", MinuteSet.All), new RoomOption("exam-2", MinuteSet.All));
        var anchor = new Anchor("main", "dr-a", "exam-1", 600);

        Assert.True(anchor.IsAt(new Placement(facility, drA, exam1, 600)));
        Assert.False(anchor.IsAt(new Placement(facility, drA, exam1, 601)));
        Assert.False(anchor.IsAt(new Placement(other, drA, exam1, 600)));
        Assert.False(anchor.IsAt(new Placement(facility, drB, exam1, 600)));
        Assert.False(anchor.IsAt(new Placement(facility, drA, exam2, 600)));
        Assert.False(anchor.IsAt(new Placement(facility, null, exam1, 600)));
        Assert.True(new Anchor("main", null, "exam-1", 600).IsAt(new Placement(facility, null, exam1, 600)));
        Assert.False(new Anchor("main", "dr-a", null, 600).IsAt(new Placement(facility, drA, exam1, 600)));
    }
}
