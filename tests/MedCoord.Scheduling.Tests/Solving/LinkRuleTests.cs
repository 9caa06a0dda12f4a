using MedCoord.Scheduling.Solving;
using MedCoord.Scheduling.Time;

namespace MedCoord.Scheduling.Tests.Solving;

/// <summary>Rule 7's gap arithmetic on its own: the starts after a predecessor, the starts before a successor, and the gaps in words.</summary>
public sealed class LinkRuleTests
{
    [Theory]
    [InlineData(15, 60, 1000, 1015, 1061)]
    [InlineData(0, 0, 1000, 1000, 1001)]
    public void Window_AfterAPredecessorEnding_IsFromTheLeastToTheMostGap(int min, int max, long previousEnd, long from, long to)
    {
        Assert.Equal([(from, to)], LinkRule.Window(new RequestLink("a", min, max), previousEnd).Ranges);
        Assert.True(LinkRule.Holds(new RequestLink("a", min, max), previousEnd, from));
        Assert.True(LinkRule.Holds(new RequestLink("a", min, max), previousEnd, to - 1));
        Assert.False(LinkRule.Holds(new RequestLink("a", min, max), previousEnd, from - 1));
        Assert.False(LinkRule.Holds(new RequestLink("a", min, max), previousEnd, to));
    }

    [Fact]
    public void WindowBefore_ASuccessor_IsThePredecessorStartsThatEndWithinTheGap()
    {
        // A 30-minute predecessor of a successor at 1000 with a gap of 15 to 60: it ends between 940 and 985, so starts 910 to 955.
        Assert.Equal([(910L, 956L)], LinkRule.WindowBefore(new RequestLink("a", 15, 60), 1000, 30).Ranges);
        Assert.Equal([(970L, 971L)], LinkRule.WindowBefore(new RequestLink("a", 0, 0), 1000, 30).Ranges);

        // Without a longest gap, any earlier start that ends by the least gap.
        Assert.Equal([(MinuteSet.Lowest, 956L)], LinkRule.WindowBefore(new RequestLink("a", 15), 1000, 30).Ranges);
    }

    [Fact]
    public void WindowBefore_AndWindow_AgreeWithHolds()
    {
        var link = new RequestLink("a", 10, 45);
        const int Duration = 20;
        foreach (var start in Enumerable.Range(900, 200).Select(s => (long)s))
        {
            Assert.Equal(LinkRule.Holds(link, start + Duration, 1000), LinkRule.WindowBefore(link, 1000, Duration).Contains(start));
            Assert.Equal(LinkRule.Holds(link, 1000, start), LinkRule.Window(link, 1000).Contains(start));
        }
    }

    [Theory]
    [InlineData(15, 60, "15 to 60")]
    [InlineData(0, null, "0 to any")]
    [InlineData(1440, 2880, "1440 to 2880")]
    public void Allowed_SaysTheGapsInWords(int min, int? max, string expected) =>
        Assert.Equal(expected, LinkRule.Allowed(new RequestLink("a", min, max)));
}
