using System.Text;
using System.Text.Json.Nodes;
using static MedCoord.Scheduling.Tests.TestProblems;

namespace MedCoord.Scheduling.Tests.Validation;

/// <summary>
/// Dates, times and zone offsets at the edges of what NodaTime holds: each is refused with its path before any date
/// arithmetic can overflow, and problems just inside the supported range validate and solve.
/// </summary>
public sealed class SupportedRangeTests
{
    private const string Dates = "must be from 0001-01-01 to 9998-12-31 (the supported range of dates)";
    private const string Times = "must be from 0001-01-01T00:00:00Z to 9999-01-01T00:00:00Z, as written and in UTC (the supported range of times)";

    private static readonly Dictionary<string, (Action<JsonObject> Mutate, string[] Expected)> Cases = new()
    {
        ["horizon in 9999"] = (p => Horizon(p, "9999-12-27", "9999-12-31"), [$"horizon.start: {Dates}", $"horizon.end: {Dates}"]),
        ["horizon ending in 9999"] = (p => Horizon(p, "9998-12-28", "9999-01-02"), [$"horizon.end: {Dates}"]),
        ["horizon before year 1"] = (p => Horizon(p, "0000-12-30", "0001-01-02"), [$"horizon.start: {Dates}"]),
        ["negative year"] = (p => Horizon(p, "-9998-01-01", "-9998-01-05"), [$"horizon.start: {Dates}", $"horizon.end: {Dates}"]),
        ["window ending in 9999"] = (p => RequestAt(p, 0)["latest"] = "9999-12-31", [$"requests[0].latest: {Dates}"]),
        ["window from year 0"] = (p => RequestAt(p, 0)["earliest"] = "0000-06-01", [$"requests[0].earliest: {Dates}"]),
        ["time off past NodaTime's last instant"] = (p => TimeOff(p, "2026-12-08T00:00:00-05:00", "9999-12-31T23:00:00-05:00"), [$"providers[0].timeOff[0].to: {Times}"]),
        ["time off before NodaTime's first instant"] = (p => TimeOff(p, "-9998-01-01T00:00:00+14:00", "2026-12-08T00:00:00-05:00"), [$"providers[0].timeOff[0].from: {Times}"]),
        ["unavailable until 9999 in UTC"] = (p => ((JsonObject)Obj(p, "rooms", 2)["unavailable"]![0]!)["to"] = "9999-06-01T00:00:00Z", [$"rooms[2].unavailable[0].to: {Times}"]),
        ["fixed booking in 9999"] = (p => Obj(p, "fixed", 0)["start"] = "9999-12-31T10:00:00-05:00", [$"fixed[0].start: {Times}"]),
        ["fixed booking ahead of UTC into year 0"] = (p => Obj(p, "fixed", 0)["start"] = "0001-01-01T09:00:00+14:00", [$"fixed[0].start: {Times}"]),
        ["offset with seconds"] = (p => Obj(p, "fixed", 0)["start"] = "2026-12-09T10:00:00-05:50:36", ["fixed[0].start: the offset must be a whole number of minutes (times have minute resolution)"]),
        ["facility in local mean time"] = (p => Horizon(p, "1880-03-01", "1880-03-05"),
            [
                "facilities[0].timeZone: zone 'America/New_York' keeps UTC offset -04:56:02 (local mean time) around the horizon; times have minute resolution, so every zone must keep a whole-minute offset there",
                "facilities[1].timeZone: zone 'America/Chicago' keeps UTC offset -05:50:36 (local mean time) around the horizon; times have minute resolution, so every zone must keep a whole-minute offset there",
                "patients[5].timeZone: zone 'America/Los_Angeles' keeps UTC offset -07:52:58 (local mean time) around the horizon; times have minute resolution, so every zone must keep a whole-minute offset there",
            ]),
    };

    public static TheoryData<string> CaseNames() => [.. Cases.Keys];

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void TryParse_OutOfRange_ReportsEachPath(string name)
    {
        var (mutate, expected) = Cases[name];
        var json = BadInputTests.Mutated(mutate);

        var errors = ProblemFile.TryParse(Encoding.UTF8.GetBytes(json), out var problem);

        Assert.Null(problem);
        Assert.Equal(expected, errors.Select(e => e.ToString()));
    }

    [Fact]
    public void Validate_ProblemBuiltInCode_RefusesInstantsPastTheRange()
    {
        var edge = Edge("2026-12-07", "2026-12-08", "UTC");
        var problem = edge with { Providers = [edge.Providers[0] with { TimeOff = [new Interval(At("2026-12-07T00:00:00Z"), Instant.MaxValue)] }] };

        Assert.Equal([$"providers[0].timeOff[0].to: {Times}"], ProblemValidator.Validate(problem).Select(e => e.ToString()));
    }

    /// <summary>Without the guard, the cadence check adds 366 days to a date in 9998 and overflows.</summary>
    [Fact]
    public void Validate_FixedSeriesWhoseCadenceRunsPastTheRange_ReportsTheVisit()
    {
        var problem = Edge("9998-12-01", "9998-12-31", "UTC") with
        {
            Fixed =
            [
                new FixedBooking("a", "dr-a", null, At("9998-12-30T09:00:00Z")),
                new FixedBooking("b", "dr-a", null, At("9998-12-31T09:00:00Z")),
            ],
            Series = [new RequestSeries("course", ["a", "b"], 366)],
        };

        Assert.Equal(
            ["fixed[1].start: visit 2 of series 'course' must start 366 days after its first visit, past the horizon, within 0 minutes of 09:00 local time, found 9998-12-31 09:00"],
            ProblemValidator.Validate(problem).Select(e => e.ToString()));
    }

    /// <summary>The last and first dates of the range, read in the zones furthest ahead of and behind UTC, solve.</summary>
    [Theory]
    [InlineData("9998-12-25", "9998-12-31", "Pacific/Kiritimati", "Pacific/Pago_Pago")]
    [InlineData("9998-12-25", "9998-12-31", "Pacific/Pago_Pago", "Pacific/Kiritimati")]
    [InlineData("0001-01-01", "0001-01-07", "UTC", "Etc/GMT-14")]
    [InlineData("0001-01-01", "0001-01-07", "Etc/GMT+12", "UTC")]
    public void Solve_HorizonAtTheEdgeOfTheRange_SchedulesEveryRequest(string start, string end, string facilityZone, string patientZone)
    {
        var problem = Edge(start, end, facilityZone, patientZone);

        Assert.Empty(ProblemValidator.Validate(problem));
        var schedule = SolveVerified(problem, Quick(2));
        Assert.Equal(2, schedule.Assignments.Count);
        Assert.Empty(ScheduleFile.TryParse(Encoding.UTF8.GetBytes(ScheduleFile.Serialize(schedule)), out _));
    }

    /// <summary>One facility open all day, one provider, two patients (the second with hours in its own zone), two requests.</summary>
    private static Problem Edge(string start, string end, string facilityZone, string? patientZone = null) =>
        Problem(start, end,
            [Facility("clinic", facilityZone)],
            [],
            [Provider("dr-a", "gp", "clinic", Week("00:00", "24:00"))],
            [Patient("p1"), new Patient("p2", patientZone is null ? null : Zone(patientZone), patientZone is null ? null : [Week("08:00", "20:00")], [])],
            [Type("visit", 30, "gp")],
            [Request("a", "p1", "visit"), Request("b", "p2", "visit")]);

    private static JsonObject Obj(JsonObject root, string list, int index) => (JsonObject)root[list]![index]!;

    private static JsonObject RequestAt(JsonObject root, int index) => Obj(root, "requests", index);

    private static void Horizon(JsonObject root, string start, string end)
    {
        root["horizon"] = new JsonObject { ["start"] = start, ["end"] = end };
        root["fixed"] = new JsonArray();
        foreach (var request in (JsonArray)root["requests"]!)
        {
            ((JsonObject)request!).Remove("earliest");
            ((JsonObject)request!).Remove("latest");
        }

        foreach (var room in (JsonArray)root["rooms"]!)
        {
            ((JsonObject)room!).Remove("unavailable");
        }

        foreach (var node in ((JsonArray)root["providers"]!).Concat((JsonArray)root["patients"]!))
        {
            ((JsonObject)node!).Remove("timeOff");
            ((JsonObject)node!).Remove("unavailable");
        }
    }

    private static void TimeOff(JsonObject root, string from, string to) =>
        Obj(root, "providers", 0)["timeOff"] = new JsonArray(new JsonObject { ["from"] = from, ["to"] = to });
}

/// <summary>The edges of the supported range, and what a validation error says when thrown.</summary>
public sealed class RangeEdgeAndMessageTests
{
    [Fact]
    public void TheLastInstantAndDateTime_AreInside_AndOneTickLater_IsNot()
    {
        Assert.True(SupportedRange.Contains(SupportedRange.MaxInstant));
        Assert.False(SupportedRange.Contains(SupportedRange.MaxInstant + Duration.Epsilon));
        Assert.True(SupportedRange.Contains(SupportedRange.MinInstant));
        Assert.False(SupportedRange.Contains(SupportedRange.MinInstant - Duration.Epsilon));
        var last = new LocalDateTime(9999, 1, 1, 0, 0).WithOffset(Offset.Zero);
        Assert.True(SupportedRange.Contains(last));
        Assert.False(SupportedRange.Contains(new LocalDateTime(9999, 1, 1, 0, 1).WithOffset(Offset.Zero)));
        // Within the range as written, past it in UTC: refused.
        Assert.False(SupportedRange.Contains(new LocalDateTime(9998, 12, 31, 23, 0).WithOffset(Offset.FromHours(-2))));
    }

    [Fact]
    public void SubMinuteOffsets_AreFoundAroundTheHorizon()
    {
        var horizon = new DateInterval(new LocalDate(2026, 12, 7), new LocalDate(2026, 12, 11));
        Assert.Null(SupportedRange.SubMinuteOffset(DateTimeZoneProviders.Tzdb["Asia/Kathmandu"], horizon));
        // Monrovia kept -00:44:30 until 1972-01-07; a horizon just before sees it.
        Assert.Equal(Offset.FromSeconds(-2670), SupportedRange.SubMinuteOffset(DateTimeZoneProviders.Tzdb["Africa/Monrovia"], new DateInterval(new LocalDate(1971, 12, 20), new LocalDate(1971, 12, 24))));
        Assert.Null(SupportedRange.SubMinuteOffset(DateTimeZoneProviders.Tzdb["Africa/Monrovia"], new DateInterval(new LocalDate(1972, 1, 11), new LocalDate(1972, 1, 14))));
        Assert.Equal(Offset.FromSeconds(-2670), SupportedRange.SubMinuteOffset(DateTimeZoneProviders.Tzdb["Africa/Monrovia"], new DateInterval(new LocalDate(1972, 1, 9), new LocalDate(1972, 1, 14))));
    }

    [Fact]
    public void AValidationException_SaysItsOneError_OrCountsAndListsThemAll()
    {
        var one = new ValidationException([new ValidationError("a.b", "wrong")], "claim 'C-1'", "claims");
        var two = new ProblemValidationException([new ValidationError("x", "bad"), new ValidationError("y", "worse")]);

        Assert.Equal("The claim 'C-1' is invalid: a.b: wrong", one.Message);
        Assert.Equal(("claims", "claim 'C-1'"), (one.ParamName, one.Input));
        Assert.Equal($"The problem is invalid (2 errors):{Environment.NewLine}x: bad{Environment.NewLine}y: worse", two.Message);
        Assert.Equal("book", new ProblemValidationException([new ValidationError("x", "bad")], "book").Input);
        ValidationException.ThrowIfAny([], "problem");
        var thrown = Assert.Throws<ValidationException>(() => ValidationException.ThrowIfAny([new ValidationError("p", "m")], "options", "options"));
        Assert.Equal(("options", "The options is invalid: p: m"), (thrown.ParamName, thrown.Message));
        Assert.Throws<ArgumentNullException>(() => ValidationException.ThrowIfAny(null!, "problem"));
        Assert.Throws<ArgumentNullException>(() => new ValidationException(null!, "problem"));
    }
}
