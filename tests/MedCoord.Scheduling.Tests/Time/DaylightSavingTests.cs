using MedCoord.Scheduling.Time;
using static MedCoord.Scheduling.Tests.TestProblems;

namespace MedCoord.Scheduling.Tests.Time;

/// <summary>Wall-clock rules on DST change days, half-hour DST and offsets, and patients in far zones.</summary>
public sealed class DaylightSavingTests
{
    private static Problem SundayBlock(string zone, string date, string from, string to, int minutes) =>
        Problem(date, date,
            [Facility("f", zone)],
            [],
            [Provider("dr", "gp", "f", Week(from, to, IsoDayOfWeek.Sunday))],
            [Patient("p")],
            [Type("tele", minutes, "gp")],
            [Request("r", "p", "tele")]);

    [Theory]
    [InlineData("America/New_York", "2026-11-01", "01:00", "03:00", 180)] // fall back: 01:00 EDT to 03:00 EST is 3 hours
    [InlineData("America/New_York", "2026-03-08", "01:00", "04:00", 120)] // spring forward: 01:00 EST to 04:00 EDT is 2 hours
    [InlineData("Australia/Lord_Howe", "2026-10-04", "01:00", "03:00", 90)] // 30-minute spring forward at 02:00
    [InlineData("Australia/Lord_Howe", "2026-04-05", "01:00", "03:00", 150)] // 30-minute fall back at 02:00
    [InlineData("Europe/London", "2026-10-25", "00:00", "24:00", 1500)] // a 25-hour day open around the clock
    [InlineData("Europe/London", "2026-03-29", "00:00", "24:00", 1380)] // a 23-hour day
    public void Solve_BlockOnDstDay_LastsTheRealElapsedTime(string zone, string date, string from, string to, int realMinutes)
    {
        var fits = SolveVerified(SundayBlock(zone, date, from, to, realMinutes));
        var tooLong = SolveVerified(SundayBlock(zone, date, from, to, realMinutes + 1));

        var a = Booked(fits, "r");
        Assert.Equal(Duration.FromMinutes(realMinutes), a.End.ToInstant() - a.Start.ToInstant());
        Assert.Equal(UnscheduledReason.NoAvailabilityInWindow, NotBooked(tooLong, "r").Reason);
    }

    [Fact]
    public void Solve_BlockStartingInsideTheSpringGap_ShiftsForwardByTheGap()
    {
        // 02:30 does not exist on 2026-03-08 in New York: it becomes 03:30 EDT.
        var schedule = SolveVerified(SundayBlock("America/New_York", "2026-03-08", "02:30", "05:00", 90));

        Assert.Equal("2026-03-08T03:30:00-04:00", Format(Booked(schedule, "r").Start));
    }

    [Fact]
    public void Solve_AmbiguousFallBackTime_TakesTheEarlierInstant()
    {
        // 01:30 happens twice on 2026-11-01 in New York; the block starts at the first (EDT).
        var schedule = SolveVerified(SundayBlock("America/New_York", "2026-11-01", "01:30", "02:00", 90));

        var a = Booked(schedule, "r");
        Assert.Equal("2026-11-01T01:30:00-04:00", Format(a.Start));
        Assert.Equal("2026-11-01T02:00:00-05:00", Format(a.End));
    }

    [Theory]
    [InlineData("Asia/Kolkata", "2026-12-07T09:00:00+05:30")]
    [InlineData("Asia/Kathmandu", "2026-12-07T09:00:00+05:45")]
    [InlineData("Australia/Lord_Howe", "2026-12-07T09:00:00+11:00")]
    [InlineData("Etc/UTC", "2026-12-07T09:00:00+00:00")]
    public void Solve_FractionalOffsets_WritesFacilityLocalTimes(string zone, string expectedStart)
    {
        var problem = Problem("2026-12-07", "2026-12-07",
            [Facility("f", zone, Week("09:00", "17:00"))], [Room("room", "f", "exam")], [Provider("dr", "gp", "f", Week("09:00", "12:00"))],
            [Patient("p")], [Type("visit", 30, "gp", ["exam"])], [Request("r", "p", "visit")]);

        var schedule = SolveVerified(problem);

        Assert.Equal(expectedStart, Format(Booked(schedule, "r").Start));
    }

    [Fact]
    public void Solve_PatientWhoseLocalDayDiffers_BooksInsideTheirHours()
    {
        // Tuesday 08:00-09:00 in Tokyo is Monday 13:00-14:00 in Honolulu; the window is Monday in Honolulu.
        var patient = new Patient("p", Zone("Asia/Tokyo"), [Week("08:00", "09:00", IsoDayOfWeek.Tuesday)], []);
        var problem = Problem("2026-12-07", "2026-12-08",
            [Facility("hnl", "Pacific/Honolulu")], [], [Provider("dr", "gp", "hnl", Week("00:00", "24:00"))],
            [patient], [Type("tele", 60, "gp")], [Request("r", "p", "tele", "2026-12-07", "2026-12-07")]);

        var schedule = SolveVerified(problem);

        Assert.Equal("2026-12-07T13:00:00-10:00", Format(Booked(schedule, "r").Start));
    }

    [Fact]
    public void Solve_AdjacentBlocksAroundTheClock_HostAnAppointmentAcrossMidnight()
    {
        var problem = Problem("2026-12-07", "2026-12-08",
            [Facility("f", "Europe/Berlin", Week("00:00", "24:00"))], [Room("bed", "f", "bed")], [],
            [Patient("p")], [Type("sleep-study", 720, null, ["bed"])], [Request("r", "p", "sleep-study", "2026-12-07", "2026-12-07") with { }]);
        problem = problem with { Patients = [new Patient("p", Zone("Europe/Berlin"), [Week("20:00", "24:00"), Week("00:00", "08:00")], [])] };

        var schedule = SolveVerified(problem);

        var a = Booked(schedule, "r");
        Assert.Equal("2026-12-07T20:00:00+01:00", Format(a.Start));
        Assert.Equal("2026-12-08T08:00:00+01:00", Format(a.End));
    }

    [Fact]
    public void Weekly_FallBackDay_CoversTwentyFiveHours()
    {
        var zone = Zone("America/New_York");
        var timeline = new Timeline(new DateInterval(Date("2026-10-31"), Date("2026-11-02")), [zone]);

        var set = timeline.Weekly(zone, [Week("00:00", "24:00", IsoDayOfWeek.Sunday)]);

        Assert.Equal(1500, set.Ranges.Single().End - set.Ranges.Single().Start);
    }

    [Fact]
    public void Timeline_SeveralZones_StartsAtTheEarliestLocalMidnight()
    {
        var timeline = new Timeline(new DateInterval(Date("2026-12-07"), Date("2026-12-07")), [Zone("America/New_York"), Zone("Pacific/Auckland")]);

        Assert.Equal(At("2026-12-07T00:00:00+13:00"), timeline.Origin);
        Assert.Equal((long)((At("2026-12-08T00:00:00-05:00") - timeline.Origin).TotalMinutes), timeline.EndMinute);
    }
}

public sealed class LongWindowWaitingTests
{
    [Fact]
    public void Solve_LongWindowAcrossFallBack_CountsWaitingInLocalDays()
    {
        // The window spans six weeks over the 2026-11-01 fall back in New York. Slot A is Monday 2026-11-02
        // 23:00-24:00 EST (day 13 of waiting); slot B, with the preferred provider, is Tuesday 00:00-01:00 (day 14).
        // Counting waiting with the summer offset would make them tie and the preference would pick B. Dr C's later
        // days make the window long enough for waiting to be counted by division.
        var problem = Problem("2026-10-20", "2026-11-30",
            [Facility("f", "America/New_York")],
            [],
            [
                Provider("dr-a", "gp", "f", Week("23:00", "24:00", IsoDayOfWeek.Monday)) with { TimeOff = [Block("2026-10-20T00:00:00-04:00", "2026-11-02T00:00:00-05:00")] },
                Provider("dr-b", "gp", "f", Week("00:00", "01:00", IsoDayOfWeek.Tuesday)) with { TimeOff = [Block("2026-10-20T00:00:00-04:00", "2026-11-03T00:00:00-05:00")] },
                Provider("dr-c", "gp", "f", Week("12:00", "13:00")) with { TimeOff = [Block("2026-10-20T00:00:00-04:00", "2026-11-04T00:00:00-05:00")] },
            ],
            [Patient("p")],
            [Type("tele", 60, "gp")],
            [Request("r", "p", "tele", "2026-10-20", "2026-11-30", priority: 3) with { PreferredProviderId = "dr-b" }]);

        var schedule = SolveVerified(problem);

        var a = Booked(schedule, "r");
        Assert.Equal("2026-11-02T23:00:00-05:00", Format(a.Start));
        Assert.Equal("dr-a", a.ProviderId);
        Assert.Equal(3 * 13, schedule.Objective.WaitingCost);
        Assert.Equal(ScheduleStatus.Optimal, schedule.Status);
    }

    [Fact]
    public void Solve_LongWindows_HigherPriorityWaitsLess()
    {
        var problem = Problem("2026-12-01", "2027-01-31",
            [Facility("f", "Europe/London")],
            [Room("room", "f", "exam")],
            [Provider("dr", "gp", "f", Week("09:00", "10:00"))],
            [Patient("p1"), Patient("p2"), Patient("p3")],
            [Type("visit", 60, "gp", ["exam"])],
            [Request("low", "p1", "visit", priority: 1), Request("mid", "p2", "visit", priority: 2), Request("high", "p3", "visit", priority: 9)]);

        var schedule = SolveVerified(problem);

        Assert.Equal("2026-12-01T09:00:00+00:00", Format(Booked(schedule, "high").Start));
        Assert.Equal("2026-12-02T09:00:00+00:00", Format(Booked(schedule, "mid").Start));
        Assert.Equal("2026-12-03T09:00:00+00:00", Format(Booked(schedule, "low").Start));
        Assert.Equal((9 * 0) + (2 * 1) + (1 * 2), schedule.Objective.WaitingCost);
        Assert.Equal(ScheduleStatus.Optimal, schedule.Status);
    }
}
