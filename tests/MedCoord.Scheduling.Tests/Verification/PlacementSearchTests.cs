using static MedCoord.Scheduling.Tests.TestProblems;

namespace MedCoord.Scheduling.Tests.Verification;

/// <summary>The placement oracle must say yes and no where a person can check it, or the fuzz counts prove nothing.</summary>
public sealed class PlacementSearchTests
{
    private static Problem Clinic(params AppointmentRequest[] requests) =>
        Problem("2026-12-07", "2026-12-07",
            [Facility("f", "America/New_York", Week("09:00", "17:00"))],
            [Room("room", "f", "exam")],
            [Provider("dr", "gp", "f", Week("09:00", "10:00"))],
            [Patient("p1"), Patient("p2")],
            [Type("visit", 60, "gp", ["exam"])],
            requests);

    private static Assignment Booking(Problem problem, string request, string start, string? provider = "dr", string? room = "room", string facility = "f")
    {
        var r = problem.Requests.Single(x => x.Id == request);
        var minutes = r.DurationMinutes ?? problem.AppointmentTypes.Single(t => t.Id == r.TypeId).DurationMinutes;
        var zone = problem.Facilities.Single(f => f.Id == facility).Zone;
        var s = TestProblems.At(start);
        return new Assignment(request, r.PatientId, provider, room, facility, s.InZone(zone).ToOffsetDateTime(), (s + Duration.FromMinutes(minutes)).InZone(zone).ToOffsetDateTime());
    }

    [Fact]
    public void Insert_TheOnlyHourTaken_FindsNothing_AndOnAnEmptyBook_FindsTheHour()
    {
        var problem = Clinic(Request("a", "p1", "visit"), Request("b", "p2", "visit"));
        var search = new PlacementSearch(problem);

        Assert.Null(search.Insert([Booking(problem, "a", "2026-12-07T09:00:00-05:00")], "b"));
        var alone = Assert.Single(search.FitAlone("b")!);
        Assert.Equal("2026-12-07T09:00:00-05:00", Format(alone.Start));
    }

    [Fact]
    public void FitAlone_KiritimatiPatientOnTheLastFacilityDate_FindsTheSaturdayMorningHours()
    {
        // Friday 14:00-16:00 in New York (UTC-5) is Saturday 09:00-11:00 at Kiritimati (UTC+14): a patient-local date after the horizon's last date.
        var problem = Problem("2026-12-07", "2026-12-11",
            [Facility("f", "America/New_York", Week("07:00", "19:00"))], [],
            [Provider("dr", "gp", "f", Week("07:00", "19:00"))],
            [new Patient("p", Zone("Pacific/Kiritimati"), [Week("09:00", "11:00", IsoDayOfWeek.Saturday)], [])],
            [Type("tele", 60, "gp")], [Request("r", "p", "tele")]);

        var alone = Assert.Single(new PlacementSearch(problem).FitAlone("r")!);

        Assert.Equal("2026-12-11T14:00:00-05:00", Format(alone.Start));
    }

    [Fact]
    public void Insert_SharedRoomOfTwo_TakesASecondButNotAThird()
    {
        var problem = Problem("2026-12-07", "2026-12-07",
            [Facility("f", "Europe/London", Week("09:00", "10:00"))],
            [new Room("chair", "f", ["infusion"], [], Capacity: 2)], [],
            [Patient("p1"), Patient("p2"), Patient("p3")],
            [Type("infusion", 60, null, ["infusion"])],
            [Request("a", "p1", "infusion"), Request("b", "p2", "infusion"), Request("c", "p3", "infusion")]);
        var search = new PlacementSearch(problem);
        var a = Booking(problem, "a", "2026-12-07T09:00:00+00:00", provider: null, room: "chair");
        var b = Booking(problem, "b", "2026-12-07T09:00:00+00:00", provider: null, room: "chair");

        Assert.NotNull(search.Insert([a], "b"));
        Assert.Null(search.Insert([a, b], "c"));
    }

    [Fact]
    public void Insert_SuccessorWithItsPredecessor_BooksBothWithinTheGap()
    {
        var problem = Problem("2026-12-07", "2026-12-08",
            [Facility("f", "America/New_York", Week("08:00", "17:00"))], [],
            [Provider("dr", "gp", "f", Week("08:00", "17:00"))],
            [Patient("p1")],
            [Type("tele", 30, "gp")],
            [Request("a", "p1", "tele"), Request("b", "p1", "tele") with { After = [new RequestLink("a", 60, 90)] }]);

        var placed = new PlacementSearch(problem).Insert([], "b")!;

        Assert.Equal(["a", "b"], placed.Select(p => p.RequestId));
        var gap = (placed[1].Start.ToInstant() - placed[0].End.ToInstant()).TotalMinutes;
        Assert.InRange(gap, 60, 90);
        Assert.Empty(ScheduleVerifier.Violations(problem, FuzzCheck.AsSchedule(problem, placed)));
    }

    [Fact]
    public void FitAlone_WeeklySeriesAcrossTheLordHoweChange_KeepsTheLocalTime()
    {
        // Lord Howe moves its clocks by 30 minutes on 2026-10-04; a weekly series keeps its local 09:00.
        var problem = Problem("2026-10-01", "2026-10-09",
            [Facility("f", "Australia/Lord_Howe", Week("09:00", "12:00"))], [],
            [Provider("dr", "physio", "f", Week("09:00", "12:00"))],
            [Patient("p1")],
            [Type("physio", 45, "physio")],
            [Request("v1", "p1", "physio", "2026-10-01", "2026-10-01"), Request("v2", "p1", "physio")])
            with { Series = [new RequestSeries("s", ["v1", "v2"], 7)] };

        var placed = new PlacementSearch(problem).FitAlone("v2")!;

        Assert.Equal(["2026-10-01T09:00:00+10:30", "2026-10-08T09:00:00+11:00"], placed.Select(p => Format(p.Start)));
        Assert.Empty(ScheduleVerifier.Violations(problem, FuzzCheck.AsSchedule(problem, placed)));
    }

    [Fact]
    public void FitAlone_TypeNobodyCanDo_FindsNothing()
    {
        var problem = Clinic(Request("a", "p1", "neuro")) with
        {
            AppointmentTypes = [Type("visit", 60, "gp", ["exam"]), Type("neuro", 30, "neuro", ["exam"])],
        };

        Assert.Null(new PlacementSearch(problem).FitAlone("a"));
    }
}
