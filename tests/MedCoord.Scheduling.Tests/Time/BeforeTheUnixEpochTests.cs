using static MedCoord.Scheduling.Tests.TestProblems;

namespace MedCoord.Scheduling.Tests.Time;

/// <summary>Dates before 1970 are as supported as later ones: local days and wall-clock times are counted from 0001-01-01.</summary>
public sealed class BeforeTheUnixEpochTests
{
    [Theory]
    [InlineData("1969-12-01", "1969-12-21")]
    [InlineData("1969-12-22", "1970-01-11")] // across 1970-01-01
    [InlineData("2026-11-30", "2026-12-20")]
    public void Solve_WaitingOverALongWindow_CountsTheStartsOwnDay(string start, string end)
    {
        // Over 14 days waiting is counted by division. dr-y, the preferred provider, only works Tuesdays 00:00-01:00:
        // the Monday 09:00 with dr-x waits no day, the Tuesday with dr-y one.
        var problem = Problem(start, end,
            [Facility("f", "Etc/UTC")], [],
            [Provider("dr-x", "gp", "f", Week("09:00", "17:00")), Provider("dr-y", "gp", "f", Week("00:00", "01:00", IsoDayOfWeek.Tuesday))],
            [Patient("p")],
            [Type("tele", 30, "gp")],
            [Request("r", "p", "tele") with { PreferredProviderId = "dr-y" }]);

        var schedule = SolveVerified(problem, Quick(5));

        Assert.Equal(ScheduleStatus.Optimal, schedule.Status);
        Assert.Equal(0, schedule.Objective.WaitingCost);
        Assert.Equal(("dr-x", Date(start), new LocalTime(9, 0)), (Booked(schedule, "r").ProviderId, Booked(schedule, "r").Start.Date, Booked(schedule, "r").Start.TimeOfDay));
    }

    [Theory]
    [InlineData("1969-11-03")]
    [InlineData("1969-12-15")] // the third visit falls in 1970
    public void Solve_AWeeklySeries_KeepsItsWallClockTimeBeforeAndAcross1970(string monday)
    {
        var first = Date(monday);
        var problem = Problem(monday, first.PlusDays(20).ToString("uuuu-MM-dd", null),
            [Facility("f", "America/New_York")], [Room("gym", "f", "gym")],
            [Provider("pt", "physio", "f", Week("09:00", "12:00", IsoDayOfWeek.Monday))],
            [Patient("p"), Patient("q")],
            [Type("physio", 45, "physio", ["gym"])],
            [Request("busy", "q", "physio", monday, monday, priority: 9), Request("s1", "p", "physio"), Request("s2", "p", "physio"), Request("s3", "p", "physio")]) with
        {
            Series = [new RequestSeries("course", ["s1", "s2", "s3"], 7)],
        };

        var schedule = SolveVerified(problem, Quick(5));

        var visits = new[] { "s1", "s2", "s3" }.Select(id => Booked(schedule, id).Start).ToList();
        Assert.Equal([first, first.PlusWeeks(1), first.PlusWeeks(2)], visits.Select(v => v.Date));
        Assert.Single(visits.Select(v => v.TimeOfDay).Distinct());
    }
}
