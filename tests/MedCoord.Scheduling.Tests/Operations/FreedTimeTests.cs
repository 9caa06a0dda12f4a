using NodaTime.Text;
using static MedCoord.Scheduling.Tests.TestProblems;

namespace MedCoord.Scheduling.Tests.Operations;

/// <summary>
/// What a fill offers: only time a cancelled appointment held (its provider's, its room's through the turnover, its
/// patient's), never time next to it that was free before; and in which order the waiting requests are offered it.
/// </summary>
public sealed class FreedTimeTests
{
    private const string Ny = "America/New_York";

    private static Assignment Visit(string request, string patient, string? provider, string? room, string start, string end) =>
        new(request, patient, provider, room, "main", OffsetDateTimePattern.ExtendedIso.Parse($"2026-12-07T{start}:00-05:00").Value,
            OffsetDateTimePattern.ExtendedIso.Parse($"2026-12-07T{end}:00-05:00").Value);

    private static Schedule BookOf(Assignment[] assignments, params string[] waiting) =>
        new(ScheduleStatus.Feasible, new ScheduleObjective(assignments.Length, assignments.Length + waiting.Length, 0), assignments,
            [.. waiting.Select(w => new UnscheduledRequest(w, UnscheduledReason.CapacityTaken, "waiting"))], new SolveStats(0, 0, 0));

    /// <summary>
    /// dr-a's half hour is freed; e's patient is busy with dr-b then, and e could always have had dr-a's other half hour,
    /// which touches the freed one: nothing is filled.
    /// </summary>
    [Theory]
    [InlineData("09:00", "09:30")]
    [InlineData("09:30", "10:00")]
    public void Fill_FreeTimeTouchingTheFreedProviderTime_IsNotOffered(string start, string end)
    {
        var problem = Problem("2026-12-07", "2026-12-07",
            [Facility("main", Ny)], [], [Provider("dr-a", "gp", "main", Week("09:00", "10:00")), Provider("dr-b", "gp", "main", Week("09:00", "10:00"))],
            [Patient("p1"), Patient("p5")], [Type("visit", 30, "gp")],
            [Request("a", "p1", "visit"), Request("x", "p5", "visit"), Request("e", "p5", "visit", priority: 3)]);
        var book = BookOf([Visit("a", "p1", "dr-a", null, start, end), Visit("x", "p5", "dr-b", null, start, end)], "e");

        var result = WaitlistFiller.Fill(problem, book, "a");

        Assert.Empty(result.Filled);
        Assert.Equal(["x"], result.Schedule.Assignments.Select(a => a.RequestId));
        Assert.Equal(["a", "e"], result.Schedule.Unscheduled.Select(u => u.RequestId));
    }

    /// <summary>
    /// The room is freed with its 10-minute turnover; w's patient is busy from the freed time's start (or from ten
    /// minutes before it), and w could always have had the room just after (or just before) it: nothing is filled.
    /// </summary>
    [Theory]
    [InlineData("09:00", "09:20", "visit", "09:00", "09:30")]
    [InlineData("09:30", "09:50", "long", "09:20", "11:00")]
    public void Fill_FreeTimeTouchingTheFreedRoomTimeAndItsTurnover_IsNotOffered(string start, string end, string busyType, string busyFrom, string busyTo)
    {
        var problem = Problem("2026-12-07", "2026-12-07",
            [Facility("main", Ny, Week("09:00", "11:00"))], [Room("exam", "main", "exam")], [Provider("dr-a", "gp", "main", Week("09:00", "11:00"))],
            [Patient("p1"), Patient("p3")], [Type("scan", 20, null, ["exam"], buffer: 10), Type("visit", 30, "gp"), Type("long", 100, "gp")],
            [Request("a", "p1", "scan"), Request("y", "p3", busyType), Request("w", "p3", "scan", priority: 3)]);
        var book = BookOf([Visit("a", "p1", null, "exam", start, end), Visit("y", "p3", "dr-a", null, busyFrom, busyTo)], "w");

        var result = WaitlistFiller.Fill(problem, book, "a");

        Assert.Empty(result.Filled);
    }

    [Fact]
    public void Fill_AnotherRoomFreeAtTheSameTime_IsNotOffered()
    {
        var problem = Problem("2026-12-07", "2026-12-07",
            [Facility("main", Ny, Week("09:00", "10:00"))], [Room("exam-1", "main", "exam"), Room("exam-2", "main", "exam", "xray")], [],
            [Patient("p1"), Patient("p3")], [Type("scan", 20, null, ["exam"]), Type("xray", 20, null, ["xray"])],
            [Request("a", "p1", "scan"), Request("w", "p3", "xray", priority: 3)]);
        var book = BookOf([Visit("a", "p1", null, "exam-1", "09:00", "09:20")], "w");

        Assert.Empty(WaitlistFiller.Fill(problem, book, "a").Filled);
        Assert.Equal("w", Assert.Single(WaitlistFiller.Fill(problem, book with { Assignments = [book.Assignments[0] with { RoomId = "exam-2" }] }, "a").Filled).RequestId);
    }

    /// <summary>Equal priorities: the one waiting since the earlier day (no earliest date: the horizon's first) is offered the time first, then the one listed first.</summary>
    [Theory]
    [InlineData("2026-12-08", null, "w2")]
    [InlineData(null, "2026-12-08", "w1")]
    [InlineData(null, null, "w1")]
    [InlineData("2026-12-08", "2026-12-08", "w1")]
    public void Fill_EqualPriorities_TheEarlierWaitingThenTheFirstListedIsFilled(string? earliest1, string? earliest2, string expected)
    {
        var problem = Problem("2026-12-07", "2026-12-08",
            [Facility("main", Ny)], [], [Provider("dr-a", "gp", "main", Week("09:00", "09:30"))],
            [Patient("p1"), Patient("p2"), Patient("p3"), Patient("p4")], [Type("visit", 30, "gp")],
            [Request("k", "p4", "visit"), Request("a", "p1", "visit"), Request("w1", "p2", "visit", earliest1), Request("w2", "p3", "visit", earliest2)]);
        var book = BookOf(
            [Visit("k", "p4", "dr-a", null, "09:00", "09:30"), Visit("a", "p1", "dr-a", null, "09:00", "09:30") with { Start = OffsetDateTimePattern.ExtendedIso.Parse("2026-12-08T09:00:00-05:00").Value, End = OffsetDateTimePattern.ExtendedIso.Parse("2026-12-08T09:30:00-05:00").Value }],
            "w1", "w2");

        var result = WaitlistFiller.Fill(problem, book, "a");

        Assert.Equal(expected, Assert.Single(result.Filled).RequestId);
        // k waits no day; the filled request waits one day when it could start on the horizon's first.
        var waitedFromFirstDay = (expected == "w1" ? earliest1 : earliest2) is null;
        Assert.Equal(waitedFromFirstDay ? 1 : 0, result.Schedule.Objective.WaitingCost);
    }

    [Fact]
    public void Fill_WaitingCost_SumsEveryAppointment()
    {
        var problem = Problem("2026-12-07", "2026-12-09",
            [Facility("main", Ny)], [], [Provider("dr-a", "gp", "main", Week("09:00", "09:30"))],
            [Patient("p1"), Patient("p2"), Patient("p3")], [Type("visit", 30, "gp")],
            [Request("k", "p1", "visit", priority: 2), Request("a", "p2", "visit"), Request("w", "p3", "visit", priority: 3)]);
        static Assignment OnDay(Assignment a, int day) => a with { Start = a.Start.PlusHours(24 * day), End = a.End.PlusHours(24 * day) };
        var book = BookOf([OnDay(Visit("k", "p1", "dr-a", null, "09:00", "09:30"), 1), OnDay(Visit("a", "p2", "dr-a", null, "09:00", "09:30"), 2)], "w");

        var result = WaitlistFiller.Fill(problem, book, "a");

        Assert.Equal("w", Assert.Single(result.Filled).RequestId);
        // k: priority 2 waits 1 day; w: priority 3 waits 2 days.
        Assert.Equal(2 + 6, result.Schedule.Objective.WaitingCost);
        Assert.Equal(5, result.Schedule.Objective.ScheduledPriority);
    }
}
