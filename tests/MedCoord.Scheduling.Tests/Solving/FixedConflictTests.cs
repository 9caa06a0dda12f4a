using MedCoord.Scheduling.Solving;
using MedCoord.Scheduling.Time;
using static MedCoord.Scheduling.Tests.TestProblems;

namespace MedCoord.Scheduling.Tests.Solving;

/// <summary>The conflict search on its own: the fixed requests it names, in id order, and nothing when it has no time.</summary>
public sealed class FixedConflictTests
{
    private static IReadOnlyList<string> Find(Problem problem, TimeSpan limit)
    {
        var calendar = new Calendar(problem);
        return FixedConflict.Find(RequestCandidates.Build(calendar), limit, QuickSettings());
    }

    /// <summary>
    /// "m-before" must end 0–30 minutes before the fixed "z-after" at 09:30, so it can only be 09:00–09:30: dr-a is off
    /// then and the fixed "a-blocker" holds dr-b. The fixed "b-elsewhere" at 11:00 is unrelated.
    /// </summary>
    internal static Problem Conflicting() => Problem("2026-12-07", "2026-12-07",
        [Facility("main", "Europe/Paris")], [Room("exam-1", "main", "exam"), Room("exam-2", "main", "exam")],
        [
            Provider("dr-a", "gp", "main", Week("09:00", "12:00")) with { TimeOff = [new NodaTime.Interval(At("2026-12-07T09:00:00+01:00"), At("2026-12-07T09:30:00+01:00"))] },
            Provider("dr-b", "gp", "main", Week("09:00", "12:00")),
        ],
        [Patient("p1"), Patient("p2"), Patient("p3")],
        [Type("visit", 30, "gp", ["exam"])],
        [
            Request("m-before", "p1", "visit"),
            Request("z-after", "p1", "visit") with { After = [new RequestLink("m-before", 0, 30)] },
            Request("a-blocker", "p2", "visit"),
            Request("b-elsewhere", "p3", "visit"),
        ],
        [
            new FixedBooking("z-after", "dr-a", "exam-1", At("2026-12-07T09:30:00+01:00")),
            new FixedBooking("a-blocker", "dr-b", "exam-2", At("2026-12-07T09:00:00+01:00")),
            new FixedBooking("b-elsewhere", "dr-b", "exam-2", At("2026-12-07T11:00:00+01:00")),
        ]);

    [Fact]
    public void Find_ConflictingFixedBookings_NamesTheSmallSetInIdOrder() =>
        Assert.Equal(["a-blocker", "z-after"], Find(Conflicting(), TimeSpan.FromSeconds(10)));

    [Fact]
    public void Find_WithoutTime_NamesNothing() => Assert.Empty(Find(Conflicting(), TimeSpan.Zero));

    [Fact]
    public void Find_FixedRequestsFollowingARequestNothingCanHost_AreNamedAlone_InIdOrder()
    {
        var problem = Problem("2026-12-07", "2026-12-07",
            [Facility("main", "Europe/Paris")], [Room("exam-1", "main", "exam")],
            [Provider("dr-a", "gp", "main", Week("09:00", "12:00"))],
            [Patient("p1"), Patient("p2")],
            [Type("visit", 30, "gp", ["exam"]), Type("scan", 30, "radiology")],
            [
                Request("ghost", "p1", "scan"),
                Request("z-late", "p1", "visit") with { After = [new RequestLink("ghost")] },
                Request("a-early", "p2", "visit") with { After = [new RequestLink("ghost")] },
            ],
            [
                new FixedBooking("z-late", "dr-a", "exam-1", At("2026-12-07T11:00:00+01:00")),
                new FixedBooking("a-early", "dr-a", "exam-1", At("2026-12-07T09:00:00+01:00")),
            ]);

        Assert.Equal(["a-early", "z-late"], Find(problem, TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public void Shrink_ANonMinimalCore_LeavesOutEachMemberTheRestCanDoWithout()
    {
        var asked = new List<string>();

        var core = FixedConflict.Shrink(["a", "b", "c", "d"], set =>
        {
            asked.Add(string.Join(",", set));
            return set.Contains("a") && set.Contains("c") ? set : null;
        });

        Assert.Equal(["a", "c"], core);
        Assert.Equal(["b,c,d", "a,c,d", "a,d", "a,c"], asked);
    }

    [Fact]
    public void Shrink_TheSmallerCoreTheSolverGives_IsTaken_AndItsLeftOutMembersAreNotTriedAgain()
    {
        var asked = new List<string>();

        var core = FixedConflict.Shrink(["a", "b", "c", "d"], set =>
        {
            asked.Add(string.Join(",", set));
            return set.Contains("b") && set.Contains("d") ? [.. set.Where(m => m is "b" or "d")] : null;
        });

        Assert.Equal(["b", "d"], core);
        Assert.Equal(["b,c,d", "d", "b"], asked);
    }

    [Fact]
    public void Shrink_ASingleMember_IsNeverLeftOut() =>
        Assert.Equal(["a"], FixedConflict.Shrink(["a"], _ => throw new InvalidOperationException("a single member was left out")));
}
