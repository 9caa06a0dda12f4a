using FsCheck;
using FsCheck.Xunit;
using MedCoord.Scheduling.Time;

namespace MedCoord.Scheduling.Tests.Time;

/// <summary>The minute-set operations the calendar, candidates and first fit rely on, against a brute-force model.</summary>
public sealed class MinuteSetProperties
{
    private static MinuteSet SetOf(int[] points) =>
        MinuteSet.FromRanges(points.Chunk(2).Where(p => p.Length == 2).Select(p => ((long)Math.Min(p[0], p[1]) % 200, (long)Math.Max(p[0], p[1]) % 200 + 1)));

    private static HashSet<long> Minutes(MinuteSet set) => [.. set.Ranges.SelectMany(r => Enumerable.Range((int)r.Start, (int)(r.End - r.Start)).Select(m => (long)m))];

    [Property(MaxTest = 200)]
    public void SliceOverlapsAndIntersect_AgreeWithMinuteByMinute(PositiveInt[] a, PositiveInt[] b, NonNegativeInt from, NonNegativeInt length)
    {
        var x = SetOf([.. a.Select(v => v.Get)]);
        var y = SetOf([.. b.Select(v => v.Get)]);
        var (f, t) = ((long)(from.Get % 220), (long)(from.Get % 220) + (length.Get % 60));

        var expectedSlice = Minutes(x).Where(m => f <= m && m < t).ToHashSet();
        Assert.True(expectedSlice.SetEquals(Minutes(x.Slice(f, t))));
        Assert.Equal(expectedSlice.Count > 0, x.Overlaps(f, t));
        var both = x.Intersect(y);
        Assert.True(Minutes(x).Intersect(Minutes(y)).ToHashSet().SetEquals(Minutes(both)));
        if (Minutes(x).IsSubsetOf(Minutes(y)))
        {
            Assert.Same(x, both);
        }
    }
}
