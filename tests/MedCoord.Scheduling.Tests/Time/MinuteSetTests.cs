using MedCoord.Scheduling.Time;

namespace MedCoord.Scheduling.Tests.Time;

/// <summary>Each minute-set operation on small sets worked out by hand, edges included (ends are exclusive).</summary>
public sealed class MinuteSetTests
{
    private static MinuteSet Set(params (long Start, long End)[] ranges) => MinuteSet.FromRanges(ranges);

    [Fact]
    public void Of_EmptyOrReversedRange_IsEmpty()
    {
        Assert.Same(MinuteSet.Empty, MinuteSet.Of(5, 5));
        Assert.Same(MinuteSet.Empty, MinuteSet.Of(6, 5));
        Assert.Equal(new[] { (5L, 6L) }, MinuteSet.Of(5, 6).Ranges);
        Assert.True(MinuteSet.Empty.IsEmpty);
        Assert.False(MinuteSet.Of(5, 6).IsEmpty);
    }

    [Fact]
    public void FromRanges_SortsMergesTouchingAndNestedRangesAndDropsEmptyOnes()
    {
        var set = Set((20, 30), (3, 3), (0, 5), (5, 8), (21, 25), (10, 12), (12, 11));

        Assert.Equal(new[] { (0L, 8L), (10L, 12L), (20L, 30L) }, set.Ranges);
        Assert.Equal("[0,8), [10,12), [20,30)", set.ToString());
        Assert.Same(MinuteSet.Empty, Set((4, 4)));
    }

    [Fact]
    public void Union_MergesOverlaps()
    {
        Assert.Equal(new[] { (0L, 5L), (7L, 9L) }, Set((0, 2), (7, 9)).Union(Set((1, 5))).Ranges);
    }

    [Fact]
    public void Intersect_CutsEachRangeAndReturnsAnUncutSetAsItself()
    {
        var set = Set((0, 10), (20, 30));

        Assert.Equal(new[] { (5L, 10L), (20L, 25L) }, set.Intersect(Set((5, 25))).Ranges);
        Assert.Equal(new[] { (2L, 5L) }, Set((0, 10)).Intersect(Set((2, 5))).Ranges);
        Assert.Equal(new[] { (2L, 5L) }, Set((2, 5)).Intersect(Set((0, 10))).Ranges);
        Assert.Equal(new[] { (0L, 10L), (20L, 25L) }, set.Intersect(Set((0, 25))).Ranges);
        Assert.Same(set, set.Intersect(Set((0, 40))));
        Assert.Same(MinuteSet.Empty, set.Intersect(Set((10, 20))));
    }

    [Fact]
    public void Subtract_CutsEveryPartOfEveryRange()
    {
        var set = Set((0, 10), (20, 30));

        Assert.Equal(new[] { (0L, 5L), (22L, 25L), (26L, 30L) }, set.Subtract(Set((5, 22), (25, 26))).Ranges);
        Assert.Equal(new[] { (0L, 5L), (25L, 30L) }, set.Subtract(Set((5, 25))).Ranges);
        Assert.Equal(new[] { (0L, 10L), (20L, 30L) }, set.Subtract(Set((10, 20))).Ranges);
        Assert.Equal(new[] { (2L, 10L), (20L, 30L) }, set.Subtract(Set((-5, 2))).Ranges);
        Assert.Equal(new[] { (0L, 2L), (4L, 6L), (8L, 10L), (20L, 30L) }, set.Subtract(Set((2, 4), (6, 8))).Ranges);
        Assert.Same(MinuteSet.Empty, set.Subtract(Set((0, 30))));
        Assert.Same(set, set.Subtract(MinuteSet.Empty));
        Assert.Same(MinuteSet.Empty, MinuteSet.Empty.Subtract(set));
    }

    [Fact]
    public void StartsFitting_KeepsTheStartsWhoseWholeLengthFitsInOneRange()
    {
        var set = Set((0, 10), (20, 23), (30, 32));

        Assert.Equal(new[] { (0L, 8L), (20L, 21L) }, set.StartsFitting(3).Ranges);
        Assert.Equal(new[] { (0L, 10L), (20L, 23L), (30L, 32L) }, set.StartsFitting(1).Ranges);
    }

    [Fact]
    public void Steps_FirstMinuteOfEachRangeThenEveryStepFromTheOrigin()
    {
        Assert.Equal([0L, 10L, 40L, 70L], MinuteSet.Of(0, 100).Steps(10, 30));
        Assert.Equal([35L, 60L, 90L], MinuteSet.Of(35, 100).Steps(0, 30));
        Assert.Equal([30L, 60L, 90L], MinuteSet.Of(30, 100).Steps(0, 30));
        Assert.Equal([30L, 60L], MinuteSet.Of(30, 90).Steps(0, 30));
        Assert.Equal([5L, 7L, 9L, 20L, 21L], Set((5, 10), (20, 22)).Steps(1, 2));
    }

    [Fact]
    public void ContainsOverlapsAndContainsRange_TreatEndsAsExclusive()
    {
        var set = Set((0, 10), (20, 30), (40, 50));

        Assert.True(set.Contains(0));
        Assert.True(set.Contains(29));
        Assert.False(set.Contains(10));
        Assert.False(set.Contains(-1));
        Assert.False(set.Contains(50));
        Assert.True(set.Overlaps(9, 21));
        Assert.True(set.Overlaps(45, 46));
        Assert.False(set.Overlaps(10, 20));
        Assert.False(set.Overlaps(25, 25));
        Assert.False(set.Overlaps(50, 60));
        Assert.True(set.ContainsRange(20, 30));
        Assert.False(set.ContainsRange(19, 30));
        Assert.False(set.ContainsRange(20, 31));
        Assert.False(set.ContainsRange(5, 25));
    }

    [Fact]
    public void Slice_KeepsThePartInsideTheWindow()
    {
        var set = Set((0, 10), (20, 30), (40, 50));

        Assert.Equal(new[] { (5L, 10L), (20L, 30L), (40L, 45L) }, set.Slice(5, 45).Ranges);
        Assert.Equal(new[] { (20L, 30L) }, set.Slice(10, 40).Ranges);
        Assert.Equal(new[] { (40L, 50L) }, set.Slice(30, 60).Ranges);
        Assert.Same(MinuteSet.Empty, set.Slice(10, 20));
        Assert.Same(MinuteSet.Empty, set.Slice(50, 70));
    }

    [Fact]
    public void All_LeavesRoomForSumsWithoutOverflow()
    {
        Assert.Equal(new[] { (long.MinValue / 4, long.MaxValue / 4) }, MinuteSet.All.Ranges);
        Assert.Equal(long.MaxValue / 4, MinuteSet.Highest);
        Assert.Equal(long.MinValue / 4, MinuteSet.Lowest);
    }
}
