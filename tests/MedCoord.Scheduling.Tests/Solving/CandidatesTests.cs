using MedCoord.Scheduling.Time;
using static MedCoord.Scheduling.Tests.TestProblems;

namespace MedCoord.Scheduling.Tests.Solving;

/// <summary>What can never be scheduled, passed on along links and series, even when a request is listed before the one it depends on.</summary>
public sealed class CandidatesTests
{
    /// <summary>A fortnight from Monday 2026-12-07 in Paris; "never" lasts longer than dr-a's mornings.</summary>
    private static Problem Clinic(IEnumerable<AppointmentRequest> requests, params RequestSeries[] series) =>
        Problem("2026-12-07", "2026-12-20",
            [Facility("main", "Europe/Paris")], [Room("exam-1", "main", "exam")],
            [Provider("dr-a", "gp", "main", Week("09:00", "12:00", IsoDayOfWeek.Monday))],
            [Patient("p1"), Patient("p2")],
            [Type("visit", 30, "gp", ["exam"])],
            requests) with { Series = series };

    private static Dictionary<string, RequestCandidates> Build(Problem problem) =>
        RequestCandidates.Build(new Calendar(problem)).ToDictionary(c => c.Request.Id);

    private static AppointmentRequest Never(string id) => Request(id, "p1", "visit") with { DurationMinutes = 240 };

    [Fact]
    public void Build_AChainListedBeforeItsImpossibleStart_IsUnschedulableToItsEnd()
    {
        var candidates = Build(Clinic(
            [Request("c", "p2", "visit") with { After = [new RequestLink("b")] }, Request("b", "p2", "visit") with { After = [new RequestLink("a")] }, Never("a")]));

        Assert.Equal(
            [
                (UnscheduledReason.PredecessorUnscheduled, "it follows request 'a', which can never be scheduled"),
                (UnscheduledReason.PredecessorUnscheduled, "it follows request 'b', which can never be scheduled"),
            ],
            new[] { "b", "c" }.Select(id => (candidates[id].StaticReason, candidates[id].StaticMessage)));
    }

    [Fact]
    public void Build_AVisitOfASeriesWithAnImpossibleVisit_AndWhatFollowsIt_AreUnschedulable()
    {
        var candidates = Build(Clinic(
            [Request("x", "p2", "visit") with { After = [new RequestLink("s1")] }, Request("s1", "p1", "visit"), Never("s2")],
            new RequestSeries("course", ["s1", "s2"], 7)));

        Assert.Equal(UnscheduledReason.SeriesIncomplete, candidates["s1"].StaticReason);
        Assert.Equal("request 's2' of its series 'course' can never be scheduled, and a series is booked whole", candidates["s1"].StaticMessage);
        Assert.Equal((UnscheduledReason.PredecessorUnscheduled, "it follows request 's1', which can never be scheduled"), (candidates["x"].StaticReason, candidates["x"].StaticMessage));
        Assert.Equal(UnscheduledReason.NoAvailabilityInWindow, candidates["s2"].StaticReason);
    }
}
