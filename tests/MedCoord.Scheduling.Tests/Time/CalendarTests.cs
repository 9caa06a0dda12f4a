using MedCoord.Scheduling.Time;
using static MedCoord.Scheduling.Tests.TestProblems;

namespace MedCoord.Scheduling.Tests.Time;

/// <summary>Each resource's free minutes and starts on a two-day UTC horizon (minute 1440 is 00:00 on Tuesday), worked out by hand.</summary>
public sealed class CalendarTests
{
    private static readonly AppointmentType Visit = Type("visit", 30, "gp", ["exam"]);
    private static readonly AppointmentType Scan = Type("scan", 30, "gp", ["exam"]) with { Equipment = ["ultrasound"] };

    private static Calendar Clinic() => new(Problem(
        "2026-03-02", "2026-03-03",
        [Facility("f", "Etc/UTC", Week("08:00", "12:00")), Facility("g", "Etc/UTC")],
        [new Room("r1", "f", ["exam"], [Block("2026-03-02T08:00:00Z", "2026-03-02T08:30:00Z")])],
        [new Provider("d1", ["gp"], [new("f", Week("08:00", "12:00")), new("g", Week("13:00", "15:00")), new("f", Week("12:00", "12:30"))], [Block("2026-03-02T09:00:00Z", "2026-03-02T10:00:00Z")])],
        [
            Patient("pa"),
            new Patient("pb", DateTimeZone.Utc, [Week("09:00", "11:00")], [Block("2026-03-03T10:00:00Z", "2026-03-03T10:30:00Z")]),
            new Patient("pc", null, [Week("09:00", "11:00")], []),
        ],
        [Visit, Scan],
        [
            Request("r1", "pa", "visit"),
            Request("r2", "pb", "visit", earliest: "2026-03-03"),
            Request("r3", "pa", "visit", earliest: "2026-02-20", latest: "2026-03-20") with { DurationMinutes = 45 },
            Request("r4", "pa", "visit", earliest: "2026-03-05"),
        ]) with { Equipment = [new EquipmentPool("us", "f", "ultrasound", 1)] });

    [Fact]
    public void Facilities_OpenInTheirHoursOrAllTheHorizonWithoutHours()
    {
        var calendar = Clinic();

        Assert.Equal(new[] { (480L, 720L), (1920L, 2160L) }, calendar.FacilityOpen("f").Ranges);
        Assert.Equal(new[] { (0L, 2880L) }, calendar.FacilityOpen("g").Ranges);
    }

    [Fact]
    public void Providers_FreeInTheirHoursAtEachFacilityLessTimeOff()
    {
        var calendar = Clinic();

        Assert.Equal(new[] { (480L, 540L), (600L, 750L), (1920L, 2190L) }, calendar.ProviderFree("d1", "f").Ranges);
        Assert.Equal(new[] { (780L, 900L), (2220L, 2340L) }, calendar.ProviderFree("d1", "g").Ranges);
        Assert.Same(MinuteSet.Empty, calendar.ProviderFree("d1", "h"));
        Assert.Equal(["f", "g"], calendar.ProviderFacilities("d1"));
        Assert.Equal(new[] { (480L, 511L), (600L, 721L), (1920L, 2161L) }, calendar.ProviderStarts("d1", "f", 30).Ranges);
    }

    [Fact]
    public void RoomsAndPatients_FreeExceptWhenUnavailableOrOutsideTheirHours()
    {
        var calendar = Clinic();

        Assert.Equal(new[] { (MinuteSet.Lowest, 480L), (510L, MinuteSet.Highest) }, calendar.RoomFree("r1").Ranges);
        Assert.Equal(new[] { (MinuteSet.Lowest, 451L), (510L, MinuteSet.Highest - 29) }, calendar.RoomStarts("r1", 30).Ranges);
        Assert.Same(MinuteSet.All, calendar.PatientFree("pa"));
        Assert.Equal(new[] { (540L, 660L), (1980L, 2040L), (2070L, 2100L) }, calendar.PatientFree("pb").Ranges);
        Assert.Same(MinuteSet.All, calendar.PatientFree("pc"));   // hours without a zone cannot be read: no limit
    }

    [Fact]
    public void Requests_DurationWindowAndWaiting()
    {
        var calendar = Clinic();
        var (r1, r2, r3, r4) = (calendar.Requests["r1"], calendar.Requests["r2"], calendar.Requests["r3"], calendar.Requests["r4"]);

        Assert.Equal(30, calendar.DurationOf(r1));
        Assert.Equal(45, calendar.DurationOf(r3));
        Assert.Same(Visit, calendar.TypeOf(r1));
        Assert.Equal((Date("2026-03-02"), Date("2026-03-03")), calendar.Window(r1));
        Assert.Equal((Date("2026-03-03"), Date("2026-03-03")), calendar.Window(r2));
        Assert.Equal((Date("2026-03-02"), Date("2026-03-03")), calendar.Window(r3));
        Assert.Null(calendar.Window(r4));
        Assert.Equal(Date("2026-03-02"), calendar.WaitingFrom(r1));
        Assert.Equal(Date("2026-02-20"), calendar.WaitingFrom(r3));
    }

    [Fact]
    public void FacilityStarts_MeetTheHoursThePatientAndTheWindow()
    {
        var calendar = Clinic();

        Assert.Equal(new[] { (480L, 691L), (1920L, 2131L) }, calendar.FacilityStarts(calendar.Requests["r1"], "f").Ranges);
        Assert.Equal(new[] { (1980L, 2011L), (2070L, 2071L) }, calendar.FacilityStarts(calendar.Requests["r2"], "f").Ranges);
        Assert.Equal(new[] { (480L, 676L), (1920L, 2116L) }, calendar.FacilityStarts(calendar.Requests["r3"], "f").Ranges);
        Assert.Same(MinuteSet.Empty, calendar.FacilityStarts(calendar.Requests["r4"], "f"));
        Assert.Equal(1440, calendar.DayStart(DateTimeZone.Utc, Date("2026-03-03")));
        Assert.Equal([new LocalDaySegment(0, 2880, 739_676L * 1440)], calendar.LocalDaySegments(DateTimeZone.Utc));
    }

    [Fact]
    public void PoolsSkillsAndFeatures_MatchTheType()
    {
        var calendar = Clinic();
        var provider = calendar.Providers["d1"];
        var room = calendar.Rooms["r1"];

        Assert.Equal(["us"], calendar.PoolsFor(Scan, "f")!.Select(p => p.Id));
        Assert.Null(calendar.PoolsFor(Scan, "g"));
        Assert.Empty(calendar.PoolsFor(Visit, "g")!);
        Assert.True(calendar.HasSkill(provider, Visit));
        Assert.False(calendar.HasSkill(provider, Type("op", 60, "surgeon")));
        Assert.False(calendar.HasSkill(provider, Type("lab", 15, null, ["exam"])));
        Assert.True(calendar.HasFeatures(room, Visit));
        Assert.True(calendar.HasFeatures(room, Type("phone", 20, "gp")));
        Assert.False(calendar.HasFeatures(room, Type("xray", 20, "gp", ["exam", "xray"])));
        Assert.Same(calendar.Pools["us"], calendar.PoolsFor(Scan, "f")![0]);
    }
}
