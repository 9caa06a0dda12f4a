using FsCheck.Xunit;
using System.Text.Json.Nodes;
using static MedCoord.Scheduling.Tests.TestProblems;

namespace MedCoord.Scheduling.Tests.Validation;

/// <summary>Every bad-input case of the format, each applied to the shipped example, with the exact line it must report.</summary>
public sealed class BadInputTests
{
    private static readonly Dictionary<string, (Action<JsonObject> Mutate, string Expected)> Cases = new()
    {
        ["wrong kind"] = (p => Request(p, 0)["priority"] = "high", "requests[0].priority: expected a whole number, found a string"),
        ["unknown field"] = (p => Request(p, 1)["prority"] = 3, "requests[1].prority: unknown field 'prority'; allowed: id, patient, type, earliest, latest, priority, durationMinutes, preferredProvider, after"),
        ["unknown top-level field"] = (p => p["optons"] = new JsonObject(), "optons: unknown field 'optons'; allowed: formatVersion, horizon, facilities, rooms, providers, patients, appointmentTypes, requests, fixed, options, equipment, series"),
        ["unknown field named by a control character"] = (p => p["\n"] = 1, "[\"\\n\"]: unknown field \"\\n\"; allowed: formatVersion, horizon, facilities, rooms, providers, patients, appointmentTypes, requests, fixed, options, equipment, series"),
        ["unknown field with a dot"] = (p => Request(p, 1)["a.b"] = 1, "requests[1][\"a.b\"]: unknown field \"a.b\"; allowed: id, patient, type, earliest, latest, priority, durationMinutes, preferredProvider, after"),
        ["unknown type"] = (p => Request(p, 3)["type"] = "ech0", "requests[3].type: unknown appointment type 'ech0'"),
        ["unknown patient"] = (p => Request(p, 2)["patient"] = "p-999", "requests[2].patient: unknown patient 'p-999'"),
        ["unknown preferred provider"] = (p => Request(p, 5)["preferredProvider"] = "dr-who", "requests[5].preferredProvider: unknown provider 'dr-who'"),
        ["unknown linked request"] = (p => Link(p, 1)["request"] = "r-99", "requests[1].after[0].request: unknown request 'r-99'"),
        ["unknown room facility"] = (p => Obj(p, "rooms", 0)["facility"] = "north", "rooms[0].facility: unknown facility 'north'"),
        ["unknown availability facility"] = (p => ((JsonObject)Obj(p, "providers", 0)["availability"]![1]!)["facility"] = "north", "providers[0].availability[1].facility: unknown facility 'north'"),
        ["unknown fixed provider"] = (p => Obj(p, "fixed", 0)["provider"] = "dr-no", "fixed[0].provider: unknown provider 'dr-no'"),
        ["unknown fixed room"] = (p => Obj(p, "fixed", 0)["room"] = "closet", "fixed[0].room: unknown room 'closet'"),
        ["unknown fixed request"] = (p => Obj(p, "fixed", 0)["request"] = "r-77", "fixed[0].request: unknown request 'r-77'"),
        ["duplicate id"] = (p => Obj(p, "rooms", 1)["id"] = "main-exam-1", "rooms[1].id: duplicate room id 'main-exam-1'"),
        ["duplicate request id"] = (p => Request(p, 10)["id"] = "r-01", "requests[10].id: duplicate request id 'r-01'"),
        ["unknown time zone"] = (p => Obj(p, "facilities", 1)["timeZone"] = "America/Chicag0", "facilities[1].timeZone: unknown time zone 'America/Chicag0' (expected an IANA tzdb id such as 'America/New_York')"),
        ["time not HH:MM"] = (p => Hours(p, 0)["from"] = "7:00", "facilities[0].hours[0].from: '7:00' is not a time HH:MM within 00:00-24:00"),
        ["time past 24:00"] = (p => Hours(p, 0)["to"] = "24:30", "facilities[0].hours[0].to: '24:30' is not a time HH:MM within 00:00-24:00"),
        ["24:00 as from"] = (p => Hours(p, 0)["from"] = "24:00", "facilities[0].hours[0].from: '24:00' is only allowed as 'to'"),
        ["unknown weekday"] = (p => ((JsonArray)Hours(p, 0)["days"]!)[1] = "Tues", "facilities[0].hours[0].days[1]: unknown weekday 'Tues'; allowed: Mon, Tue, Wed, Thu, Fri, Sat, Sun"),
        ["from not before to"] = (p => Hours(p, 0)["to"] = "07:00", "facilities[0].hours[0].from: from 07:00 must be before to 07:00"),
        ["absolute block backwards"] = (p => ((JsonObject)Obj(p, "rooms", 2)["unavailable"]![0]!)["to"] = "2026-12-09T06:00:00-05:00", "rooms[2].unavailable[0].from: from must be before to"),
        ["latest before earliest"] = (p => Request(p, 4)["latest"] = "2026-12-07", "requests[4].latest: latest 2026-12-07 is before earliest 2026-12-08"),
        ["priority zero"] = (p => Request(p, 0)["priority"] = 0, "requests[0].priority: must be from 1 to 100, found 0"),
        ["priority above 100"] = (p => Request(p, 0)["priority"] = 101, "requests[0].priority: must be from 1 to 100, found 101"),
        ["negative buffer"] = (p => Obj(p, "appointmentTypes", 0)["bufferMinutes"] = -5, "appointmentTypes[0].bufferMinutes: must not be negative, found -5"),
        ["negative gap"] = (p => Link(p, 1)["minGapMinutes"] = -1, "requests[1].after[0].minGapMinutes: must not be negative, found -1"),
        ["max gap below min gap"] = (p => { Link(p, 1)["minGapMinutes"] = 100; Link(p, 1)["maxGapMinutes"] = 50; }, "requests[1].after[0].maxGapMinutes: maxGapMinutes 50 is below minGapMinutes 100"),
        ["self link"] = (p => Link(p, 1)["request"] = "r-02", "requests[1].after[0].request: request 'r-02' is linked after itself"),
        ["cycle of links"] = (p => Request(p, 0)["after"] = new JsonArray(new JsonObject { ["request"] = "r-02" }), "requests[1].after[0].request: cycle of after links: r-01 -> r-02 -> r-01"),
        ["fixed outside its provider's hours"] = (p => Obj(p, "fixed", 0)["start"] = "2026-12-09T15:00:00-06:00", "fixed[0].provider: provider 'dr-okafor' is not available at facility 'lakeside' for 20 minutes from 2026-12-09T21:00:00Z"),
        ["fixed outside its window"] = (p => { Request(p, 9)["earliest"] = "2026-12-10"; Request(p, 9)["latest"] = "2026-12-11"; }, "fixed[0].start: start date 2026-12-09 is outside the window of request 'r-10' (2026-12-10 to 2026-12-11)"),
        ["fixed overlaps another"] = (p => ((JsonArray)p["fixed"]!).Add(new JsonObject { ["request"] = "r-09", ["provider"] = "dr-okafor", ["room"] = "lake-exam-1", ["start"] = "2026-12-09T10:10:00-06:00" }), "fixed[1].start: overlaps fixed booking of request 'r-10' (fixed[0]) for provider 'dr-okafor'"),
        ["fixed without room"] = (p => Obj(p, "fixed", 0)["room"] = null, "fixed[0].room: appointment type 'follow-up' books a room; room is required"),
        ["date-time without offset"] = (p => Obj(p, "fixed", 0)["start"] = "2026-12-09T10:00:00", "fixed[0].start: '2026-12-09T10:00:00' has no offset (expected YYYY-MM-DDTHH:MM:SS±HH:MM)"),
        ["horizon over 366 days"] = (p => Horizon(p)["end"] = "2027-12-08", "horizon.end: the horizon spans 367 days; at most 366 are allowed"),
        ["horizon backwards"] = (p => Horizon(p)["end"] = "2026-12-01", "horizon.end: horizon end 2026-12-01 is before its start 2026-12-07"),
        ["zero duration"] = (p => Obj(p, "appointmentTypes", 2)["durationMinutes"] = 0, "appointmentTypes[2].durationMinutes: must be a positive number of minutes, found 0"),
        ["negative duration override"] = (p => Request(p, 6)["durationMinutes"] = -40, "requests[6].durationMinutes: must be a positive number of minutes, found -40"),
        ["patient hours without zone"] = (p => Obj(p, "patients", 5).Remove("timeZone"), "patients[5].hours: patient hours need a timeZone"),
        ["format version 2"] = (p => p["formatVersion"] = 2, "formatVersion: unsupported format version 2; only 1 is supported"),
        ["missing format version"] = (p => p.Remove("formatVersion"), "formatVersion: required field is missing"),
        ["number overflows"] = (p => Request(p, 0)["priority"] = JsonNode.Parse("99999999999999999999"), "requests[0].priority: number 99999999999999999999 is out of range"),
        ["fractional number"] = (p => Request(p, 0)["priority"] = 2.5, "requests[0].priority: expected a whole number, found 2.5"),
        ["type books nothing"] = (p => Obj(p, "appointmentTypes", 4).Remove("roomFeatures"), "appointmentTypes[4]: appointment type 'lab-draw' books neither a provider (providerSkill) nor a room (roomFeatures)"),
        ["item not an object"] = (p => ((JsonArray)p["requests"]!)[2] = 42, "requests[2]: expected an object, found a number"),
        ["missing required id"] = (p => Request(p, 0).Remove("id"), "requests[0].id: required field is missing"),
        ["seconds in a date-time"] = (p => Obj(p, "fixed", 0)["start"] = "2026-12-09T10:00:30-06:00", "fixed[0].start: '2026-12-09T10:00:30-06:00' is not on a whole minute (times have minute resolution)"),
        ["room capacity zero"] = (p => Obj(p, "rooms", 0)["capacity"] = 0, "rooms[0].capacity: must be from 1 to 1000, found 0"),
        ["equipment count zero"] = (p => p["equipment"] = new JsonArray(Pool("us-main", "main", "ultrasound", 0)), "equipment[0].count: must be from 1 to 1000, found 0"),
        ["equipment at unknown facility"] = (p => p["equipment"] = new JsonArray(Pool("us-x", "nowhere", "ultrasound", 1)), "equipment[0].facility: unknown facility 'nowhere'"),
        ["two pools of a kind at a facility"] = (p => p["equipment"] = new JsonArray(Pool("us-1", "main", "ultrasound", 1), Pool("us-2", "main", "ultrasound", 2)),
            "equipment[1].kind: facility 'main' already has a pool of kind 'ultrasound' (equipment[0])"),
        ["duplicate pool id"] = (p => p["equipment"] = new JsonArray(Pool("us-1", "main", "ultrasound", 1), Pool("us-1", "lakeside", "ultrasound", 2)),
            "equipment[1].id: duplicate equipment pool id 'us-1'"),
        ["equipment kind twice in a type"] = (p => Obj(p, "appointmentTypes", 0)["equipment"] = new JsonArray("ultrasound", "ultrasound"), "appointmentTypes[0].equipment[1]: equipment kind 'ultrasound' is listed twice"),
        ["fixed bookings over a pool's count"] = (p =>
        {
            p["equipment"] = new JsonArray(Pool("us-main", "main", "ultrasound", 1), Pool("us-lake", "lakeside", "ultrasound", 1));
            Obj(p, "appointmentTypes", 1)["equipment"] = new JsonArray("ultrasound");
            ((JsonArray)p["fixed"]!).Add(new JsonObject { ["request"] = "r-06", ["provider"] = "dr-okafor", ["room"] = "main-exam-1", ["start"] = "2026-12-07T10:00:00-05:00" });
            ((JsonArray)p["fixed"]!).Add(new JsonObject { ["request"] = "r-07", ["provider"] = "dr-haddad", ["room"] = "main-exam-2", ["start"] = "2026-12-07T10:10:00-05:00" });
        }, "fixed[2].start: equipment pool 'us-main' (1 unit) already holds fixed bookings of requests 'r-06' then"),
        ["series of one request"] = (p => p["series"] = new JsonArray(Series("c", 7, "r-06")), "series[0].requests: a series needs at least two requests, found 1"),
        ["series with an unknown request"] = (p => p["series"] = new JsonArray(Series("c", 7, "r-06", "r-99")), "series[0].requests[1]: unknown request 'r-99'"),
        ["request in two series"] = (p => p["series"] = new JsonArray(Series("c", 7, "r-06", "r-07"), Series("d", 7, "r-09", "r-07")),
            "series[1].requests[1]: request 'r-07' is already in series 'c' (series[0])"),
        ["series interval zero"] = (p => p["series"] = new JsonArray(Series("c", 0, "r-06", "r-07")), "series[0].intervalDays: must be from 1 to 366, found 0"),
        ["series tolerance too wide"] = (p => { p["series"] = new JsonArray(Series("c", 7, "r-06", "r-07")); ((JsonObject)p["series"]![0]!)["toleranceMinutes"] = 721; },
            "series[0].toleranceMinutes: must be from 0 to 720, found 721"),
        ["series without interval"] = (p => { p["series"] = new JsonArray(Series("c", 7, "r-06", "r-07")); ((JsonObject)p["series"]![0]!).Remove("intervalDays"); },
            "series[0].intervalDays: required field is missing"),
        ["series partly fixed"] = (p => p["series"] = new JsonArray(Series("c", 1, "r-10", "r-07")),
            "series[0].requests[1]: request 'r-07' is not fixed, but 'r-10' of the same series is; fix every visit of a series or none"),
        ["fixed series off its cadence"] = (p =>
        {
            p["series"] = new JsonArray(Series("c", 1, "r-10", "r-07"));
            ((JsonArray)p["fixed"]!).Add(new JsonObject { ["request"] = "r-07", ["provider"] = "dr-okafor", ["room"] = "main-exam-1", ["start"] = "2026-12-10T11:00:00-05:00" });
        }, "fixed[1].start: visit 2 of series 'c' must start on 2026-12-10 within 0 minutes of 10:00 local time, found 2026-12-10 11:00"),
        ["negative soft rule weight"] = (p => Obj(p, "options")["softRules"] = new JsonObject { ["balanceWeight"] = -2 }, "options.softRules.balanceWeight: must be from 0 to 1000, found -2"),
        ["zero default daily cap"] = (p => Obj(p, "options")["softRules"] = new JsonObject { ["dailyCapWeight"] = 1, ["dailyCap"] = 0 }, "options.softRules.dailyCap: must be from 1 to 1000, found 0"),
        ["unknown soft rule"] = (p => Obj(p, "options")["softRules"] = new JsonObject { ["continuity"] = 1 },
            "options.softRules.continuity: unknown field 'continuity'; allowed: continuityWeight, dailyCapWeight, dailyCap, balanceWeight"),
        ["provider daily cap zero"] = (p => Obj(p, "providers", 0)["dailyCap"] = 0, "providers[0].dailyCap: must be from 1 to 1000, found 0"),
        ["unknown previous provider"] = (p => Obj(p, "patients", 0)["previousProvider"] = "dr-who", "patients[0].previousProvider: unknown provider 'dr-who'"),
        ["negative workers"] = (p => Obj(p, "options")["workers"] = -1, "options.workers: must be from 0 (the machine's core count) to 256, found -1"),
        ["zero time limit"] = (p => Obj(p, "options")["timeLimitSeconds"] = 0, "options.timeLimitSeconds: must be above 0 and at most 604800 seconds, found 0"),
        ["time limit over a week"] = (p => Obj(p, "options")["timeLimitSeconds"] = 604800.5, "options.timeLimitSeconds: must be above 0 and at most 604800 seconds, found 604800.5"),
        ["negative time limit"] = (p => Obj(p, "options")["timeLimitSeconds"] = -3, "options.timeLimitSeconds: must be above 0 and at most 604800 seconds, found -3"),
        ["too many workers"] = (p => Obj(p, "options")["workers"] = 257, "options.workers: must be from 0 (the machine's core count) to 256, found 257"),
        ["negative seed"] = (p => Obj(p, "options")["seed"] = -1, "options.seed: must not be negative, found -1"),
        ["provider on type without skill"] = (p => ((JsonArray)p["fixed"]!).Add(new JsonObject { ["request"] = "r-03", ["provider"] = "dr-okafor", ["room"] = "main-exam-2", ["start"] = "2026-12-08T09:00:00-05:00" }), "fixed[1].provider: appointment type 'ecg' books no provider; provider must be null"),
    };

    public static TheoryData<string> CaseNames() => [.. Cases.Keys];

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void TryParse_BadInput_ReportsOneLineNamingItsPath(string name)
    {
        var (mutate, expected) = Cases[name];
        var json = Mutated(mutate);

        var errors = ProblemFile.TryParse(json, out var problem);

        Assert.Null(problem);
        Assert.Equal([expected], errors.Select(e => e.ToString()));
    }

    [Fact]
    public void TryParse_ShippedExample_HasNoErrors()
    {
        var errors = ProblemFile.TryParse(File.ReadAllText(TestData("clinic-small.json")), out var problem);

        Assert.Empty(errors);
        Assert.NotNull(problem);
    }

    [Fact]
    public void TryParse_SeveralProblems_ReportsThemAllAtOnce()
    {
        var json = Mutated(p =>
        {
            Request(p, 3)["type"] = "ech0";
            Request(p, 0)["priority"] = 0;
            Obj(p, "facilities", 0)["timeZone"] = "Mars/Olympus";
            Obj(p, "rooms", 0)["colour"] = "blue";
        });

        var errors = ProblemFile.TryParse(json, out _);

        Assert.Equal(
            [
                "facilities[0].timeZone: unknown time zone 'Mars/Olympus' (expected an IANA tzdb id such as 'America/New_York')",
                "requests[0].priority: must be from 1 to 100, found 0",
                "requests[3].type: unknown appointment type 'ech0'",
                "rooms[0].colour: unknown field 'colour'; allowed: id, facility, features, unavailable, capacity",
            ],
            errors.Select(e => e.ToString()).Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData("{", "$: malformed JSON at line 1, position 2")]
    [InlineData("{\"formatVersion\": 1,,}", "$: malformed JSON at line 1, position 21")]
    [InlineData("[1, 2]", "$: expected an object, found an array")]
    [InlineData("", "$: malformed JSON at line 1, position 1")]
    public void TryParse_NotAProblemObject_ReportsTheRoot(string json, string expected)
    {
        var errors = ProblemFile.TryParse(json, out _);

        Assert.Equal([expected], errors.Select(e => e.ToString()));
    }

    [Fact]
    public void Parse_BadInput_ThrowsOneExceptionCarryingEveryError()
    {
        var json = Mutated(p => { Request(p, 0)["priority"] = 0; Request(p, 1)["priority"] = 500; });

        var ex = Assert.Throws<ProblemValidationException>(() => ProblemFile.Parse(json));

        Assert.Equal(2, ex.Errors.Count);
        Assert.Contains("requests[1].priority: must be from 1 to 100, found 500", ex.Message);
    }

    [Fact]
    public void Solve_InvalidProblemBuiltInCode_ThrowsWithEveryError()
    {
        var problem = Example() with { Requests = [.. Example().Requests.Select((r, i) => i == 2 ? r with { TypeId = "nope", Priority = 0 } : r)] };

        var ex = Assert.Throws<ProblemValidationException>(() => new AppointmentScheduler().Solve(problem));

        Assert.Equal(["requests[2].type: unknown appointment type 'nope'", "requests[2].priority: must be from 1 to 100, found 0"], ex.Errors.Select(e => e.ToString()));
    }

    internal static string Mutated(Action<JsonObject> mutate)
    {
        var root = JsonNode.Parse(File.ReadAllText(TestData("clinic-small.json")))!.AsObject();
        mutate(root);
        return root.ToJsonString();
    }

    private static JsonObject Obj(JsonObject root, string list, int index) => (JsonObject)root[list]![index]!;

    private static JsonObject Obj(JsonObject root, string name) => (JsonObject)root[name]!;

    private static JsonObject Request(JsonObject root, int index) => Obj(root, "requests", index);

    private static JsonObject Link(JsonObject root, int request) => (JsonObject)Request(root, request)["after"]![0]!;

    private static JsonObject Hours(JsonObject root, int facility) => (JsonObject)Obj(root, "facilities", facility)["hours"]![0]!;

    private static JsonObject Horizon(JsonObject root) => (JsonObject)root["horizon"]!;

    private static JsonObject Series(string id, int intervalDays, params string[] requests) =>
        new() { ["id"] = id, ["requests"] = new JsonArray([.. requests.Select(r => (JsonNode)r)]), ["intervalDays"] = intervalDays };

    private static JsonObject Pool(string id, string facility, string kind, int count) =>
        new() { ["id"] = id, ["facility"] = facility, ["kind"] = kind, ["count"] = count };
}

public sealed class CodeBuiltProblemTests
{
    [Fact]
    public void Validate_NullsWhereTheFormatHasValues_ReportsEachByPath()
    {
        var example = TestProblems.Example();
        var problem = example with
        {
            Requests = [.. example.Requests.Take(2), null!],
            Rooms = [example.Rooms[0] with { Features = null! }],
        };

        var errors = new AppointmentScheduler().Validate(problem);

        Assert.Equal(["requests[2]: must not be null"], errors.Select(e => e.ToString()));
    }

    [Fact]
    public void Validate_NullNestedList_ReportsItsPath()
    {
        var example = TestProblems.Example();
        var problem = example with { Rooms = [example.Rooms[0] with { Features = null! }, .. example.Rooms.Skip(1)] };

        var errors = new AppointmentScheduler().Validate(problem);

        Assert.Equal(["rooms[0].features: must not be null"], errors.Select(e => e.ToString()));
    }
}

public sealed class ProblemFileRoundTripTests
{
    [Fact]
    public void Serialize_ShippedExample_ReadsBackToTheSameSchedule()
    {
        var problem = TestProblems.Example();

        var text = ProblemFile.Serialize(problem);
        var again = ProblemFile.Parse(text);

        Assert.Equal(ProblemFile.Serialize(again), text);
        var options = new SolveOptions(Duration.FromSeconds(20), 1, 3);
        Assert.Equal(new AppointmentScheduler().Solve(problem, options).Assignments, new AppointmentScheduler().Solve(again, options).Assignments);
    }

    [Property(MaxTest = 20)]
    public void Serialize_GeneratedProblem_RoundTrips(FsCheck.NonNegativeInt seed)
    {
        var problem = RandomProblems.Create(seed.Get, 30);

        var text = ProblemFile.Serialize(problem);

        Assert.Equal(text, ProblemFile.Serialize(ProblemFile.Parse(text)));
    }

    [Fact]
    public void Serialize_InvalidProblem_Throws()
    {
        var example = TestProblems.Example();
        var problem = example with { Requests = [.. example.Requests.Select((r, i) => i == 0 ? r with { Priority = 0 } : r)] };

        var ex = Assert.Throws<ProblemValidationException>(() => ProblemFile.Serialize(problem));

        Assert.Equal("requests[0].priority: must be from 1 to 100, found 0", ex.Errors.Single().ToString());
    }
}
