using MedCoord.Scheduling.Solving;
using MedCoord.Scheduling.Time;
using static MedCoord.Scheduling.Tests.TestProblems;

namespace MedCoord.Scheduling.Tests.Solving;

/// <summary>Whether a linked request fits with its predecessors on an empty calendar: yes, provably not, or unknown without time.</summary>
public sealed class FitsAloneCheckTests
{
    /// <summary>"second" follows "first" by at least <paramref name="gap"/> minutes; the provider works 09:00-10:00 on one day.</summary>
    private static (RequestCandidates Second, IReadOnlyDictionary<string, RequestCandidates> All) Chain(int gap)
    {
        var problem = Problem("2026-12-07", "2026-12-07",
            [Facility("main", "Europe/Berlin")], [],
            [Provider("dr", "gp", "main", Week("09:00", "10:00"))],
            [Patient("p")],
            [Type("visit", 20, "gp")],
            [Request("first", "p", "visit"), Request("second", "p", "visit") with { After = [new RequestLink("first", gap)] }]);
        var all = RequestCandidates.Build(new Calendar(problem)).ToDictionary(c => c.Request.Id, StringComparer.Ordinal);
        return (all["second"], all);
    }

    private static SolveSettings Settings(CancellationToken cancellation = default) => QuickSettings() with { Cancellation = cancellation };

    [Theory]
    [InlineData(20, true)]
    [InlineData(21, false)]
    public void FitsWithPredecessors_IsWhetherTheChainFitsOnAnEmptyCalendar(int gap, bool fits)
    {
        var (second, all) = Chain(gap);

        Assert.Equal(fits, FitsAloneCheck.FitsWithPredecessors(second, all, TimeSpan.FromSeconds(5), Settings()));
    }

    [Fact]
    public void FitsWithPredecessors_WithoutTimeOrCancelled_IsUnknown()
    {
        var (second, all) = Chain(0);
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();

        Assert.Null(FitsAloneCheck.FitsWithPredecessors(second, all, TimeSpan.Zero, Settings()));
        Assert.Null(FitsAloneCheck.FitsWithPredecessors(second, all, TimeSpan.FromSeconds(5), Settings(cancelled.Token)));
    }
}
