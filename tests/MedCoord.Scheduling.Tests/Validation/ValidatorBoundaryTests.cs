using System.Text.Json.Nodes;
using static MedCoord.Scheduling.Tests.TestProblems;

namespace MedCoord.Scheduling.Tests.Validation;

/// <summary>
/// Each bound of the format at its edge (accepted) and one past it (refused with its exact line), and the faults only a
/// problem built in code can have (null items, null lists, empty ids), each named by its path.
/// </summary>
public sealed class ValidatorBoundaryTests
{
    private const int MaxMinutes = 366 * 1440;

    private static JsonObject Obj(JsonObject root, string list, int index) => (JsonObject)root[list]![index]!;

    private static JsonObject Link(JsonObject root) => (JsonObject)Obj(root, "requests", 1)["after"]![0]!;

    private static JsonObject Fixed(string request, string? provider, string room, string start) => new() { ["request"] = request, ["provider"] = provider, ["room"] = room, ["start"] = start };

    private static JsonObject Series(int tolerance) => new()
    {
        ["id"] = "c", ["requests"] = new JsonArray("r-06", "r-07"), ["intervalDays"] = 1, ["toleranceMinutes"] = tolerance,
    };

    /// <summary>Values at a bound: each must be accepted.</summary>
    private static readonly Dictionary<string, Action<JsonObject>> AtTheBound = new()
    {
        ["priority 1"] = p => Obj(p, "requests", 0)["priority"] = 1,
        ["priority 100"] = p => Obj(p, "requests", 0)["priority"] = 100,
        ["buffer 0"] = p => Obj(p, "appointmentTypes", 0)["bufferMinutes"] = 0,
        ["buffer at the most"] = p => Obj(p, "appointmentTypes", 0)["bufferMinutes"] = MaxMinutes,
        ["duration at the most"] = p => Obj(p, "requests", 0)["durationMinutes"] = MaxMinutes,
        ["gaps equal"] = p => { Link(p)["minGapMinutes"] = 60; Link(p)["maxGapMinutes"] = 60; },
        ["gaps at the most"] = p => { Link(p)["minGapMinutes"] = MaxMinutes; Link(p)["maxGapMinutes"] = MaxMinutes; },
        ["max gap 0"] = p => Link(p)["maxGapMinutes"] = 0,
        ["daily cap 1"] = p => Obj(p, "providers", 0)["dailyCap"] = 1,
        ["daily cap 1000"] = p => Obj(p, "providers", 0)["dailyCap"] = 1000,
        ["capacity 1000"] = p => Obj(p, "rooms", 0)["capacity"] = 1000,
        ["series tolerance 0"] = p => p["series"] = new JsonArray(Series(0)),
        ["series tolerance 720"] = p => p["series"] = new JsonArray(Series(720)),
        ["horizon of 366 days"] = p => ((JsonObject)p["horizon"]!)["end"] = "2027-12-07",
        ["fixed room right after its buffer"] = p =>
        {
            ((JsonArray)p["fixed"]!).Add(new JsonObject { ["request"] = "r-06", ["provider"] = "dr-okafor", ["room"] = "main-exam-1", ["start"] = "2026-12-07T10:00:00-05:00" });
            ((JsonArray)p["fixed"]!).Add(new JsonObject { ["request"] = "r-07", ["provider"] = "dr-haddad", ["room"] = "main-exam-1", ["start"] = "2026-12-07T10:25:00-05:00" });
        },
        ["fixed link at its longest"] = p =>
        {
            ((JsonArray)p["fixed"]!).Add(new JsonObject { ["request"] = "r-01", ["provider"] = "dr-okafor", ["room"] = "main-exam-1", ["start"] = "2026-12-07T09:00:00-05:00" });
            ((JsonArray)p["fixed"]!).Add(new JsonObject { ["request"] = "r-02", ["room"] = "main-lab", ["start"] = "2026-12-09T09:40:00-05:00" });
        },
        ["hours to 24:00"] = p => ((JsonObject)Obj(p, "facilities", 0)["hours"]![0]!)["to"] = "24:00",
    };

    public static TheoryData<string> BoundNames() => [.. AtTheBound.Keys];

    [Theory]
    [MemberData(nameof(BoundNames))]
    public void AValueAtItsBound_IsAccepted(string name)
    {
        var errors = ProblemFile.TryParse(BadInputTests.Mutated(AtTheBound[name]), out var problem);

        Assert.Empty(errors);
        Assert.NotNull(problem);
    }

    /// <summary>Values one past a bound, and faults the main table does not hold: each refused with its lines (joined by " || ").</summary>
    private static readonly Dictionary<string, (Action<JsonObject> Mutate, string Expected)> PastTheBound = new()
    {
        ["buffer past the most"] = (p => Obj(p, "appointmentTypes", 0)["bufferMinutes"] = MaxMinutes + 1, "appointmentTypes[0].bufferMinutes: must be at most 527040, found 527041"),
        ["duration past the most"] = (p => Obj(p, "requests", 0)["durationMinutes"] = MaxMinutes + 1, "requests[0].durationMinutes: must be at most 527040 minutes, found 527041"),
        ["min gap past the most"] = (p => Link(p)["minGapMinutes"] = MaxMinutes + 1, "requests[1].after[0].minGapMinutes: must be at most 527040, found 527041 || requests[1].after[0].maxGapMinutes: maxGapMinutes 2880 is below minGapMinutes 527041"),
        ["max gap past the most"] = (p => Link(p)["maxGapMinutes"] = MaxMinutes + 1, "requests[1].after[0].maxGapMinutes: must be at most 527040, found 527041"),
        ["max gap negative"] = (p => { Link(p)["minGapMinutes"] = 0; Link(p)["maxGapMinutes"] = -1; }, "requests[1].after[0].maxGapMinutes: must not be negative, found -1"),
        ["max gap just below min gap"] = (p => { Link(p)["minGapMinutes"] = 60; Link(p)["maxGapMinutes"] = 59; }, "requests[1].after[0].maxGapMinutes: maxGapMinutes 59 is below minGapMinutes 60"),
        ["daily cap 1001"] = (p => Obj(p, "providers", 0)["dailyCap"] = 1001, "providers[0].dailyCap: must be from 1 to 1000, found 1001"),
        ["capacity 1001"] = (p => Obj(p, "rooms", 0)["capacity"] = 1001, "rooms[0].capacity: must be from 1 to 1000, found 1001"),
        ["series tolerance -1"] = (p => p["series"] = new JsonArray(Series(-1)), "series[0].toleranceMinutes: must be from 0 to 720, found -1"),
        ["series interval 367"] = (p => { p["series"] = new JsonArray(Series(0)); ((JsonObject)p["series"]![0]!)["intervalDays"] = 367; }, "series[0].intervalDays: must be from 1 to 366, found 367"),
        ["series id twice"] = (p => { p["series"] = new JsonArray(Series(0)); ((JsonArray)p["series"]!).Add(new JsonObject { ["id"] = "c", ["requests"] = new JsonArray("r-08", "r-09"), ["intervalDays"] = 1 }); }, "series[1].id: duplicate series id 'c'"),
        ["request twice in a series"] = (p => p["series"] = new JsonArray(new JsonObject { ["id"] = "c", ["requests"] = new JsonArray("r-06", "r-06"), ["intervalDays"] = 1 }), "series[0].requests[1]: request 'r-06' is listed twice"),
        ["facility without zone"] = (p => Obj(p, "facilities", 1).Remove("timeZone"), "facilities[1].timeZone: required field is missing"),
        ["hours without a weekday"] = (p => ((JsonObject)Obj(p, "facilities", 0)["hours"]![0]!)["days"] = new JsonArray(), "facilities[0].hours[0].days: must list at least one weekday"),
        ["patient hours without a weekday"] = (p => ((JsonObject)Obj(p, "patients", 5)["hours"]![0]!)["days"] = new JsonArray(), "patients[5].hours[0].days: must list at least one weekday"),
        ["patient unavailable backwards"] = (p => Obj(p, "patients", 0)["unavailable"] = new JsonArray(new JsonObject { ["from"] = "2026-12-08T10:00:00-05:00", ["to"] = "2026-12-08T09:00:00-05:00" }), "patients[0].unavailable[0].from: from must be before to"),
        ["provider time off backwards"] = (p => Obj(p, "providers", 0)["timeOff"] = new JsonArray(new JsonObject { ["from"] = "2026-12-08T10:00:00-05:00", ["to"] = "2026-12-08T10:00:00-05:00" }), "providers[0].timeOff[0].from: from must be before to"),
        ["provider hours backwards"] = (p => ((JsonObject)Obj(p, "providers", 0)["availability"]![0]!)["to"] = "07:00", "providers[0].availability[0].from: from 08:00 must be before to 07:00"),
        ["empty equipment kind"] = (p => Obj(p, "appointmentTypes", 0)["equipment"] = new JsonArray(""), "appointmentTypes[0].equipment[0]: must not be empty"),
        ["pool without kind"] = (p => p["equipment"] = new JsonArray(new JsonObject { ["id"] = "us", ["facility"] = "main", ["count"] = 1 }), "equipment[0].kind: required field is missing"),
        ["pool kind empty"] = (p => p["equipment"] = new JsonArray(new JsonObject { ["id"] = "us", ["facility"] = "main", ["kind"] = " ", ["count"] = 1 }), "equipment[0].kind: must not be empty"),
        ["empty request id"] = (p => Obj(p, "requests", 0)["id"] = " ", "requests[0].id: must not be empty"),
        ["empty room reference"] = (p => Obj(p, "rooms", 0)["facility"] = "", "rooms[0].facility: must not be empty"),
        ["fixed twice"] = (p => ((JsonArray)p["fixed"]!).Add(new JsonObject { ["request"] = "r-10", ["provider"] = "dr-okafor", ["room"] = "lake-exam-1", ["start"] = "2026-12-10T10:00:00-06:00" }), "fixed[1].request: request 'r-10' is fixed more than once"),
        ["fixed at an unknown facility"] = (p => Obj(p, "fixed", 0)["facility"] = "north", "fixed[0].facility: unknown facility 'north'"),
        ["fixed room at another facility"] = (p => Obj(p, "fixed", 0)["facility"] = "main", "fixed[0].facility: room 'lake-exam-1' is at facility 'lakeside', not 'main'"),
        ["fixed provider without the skill"] = (p => { Obj(p, "providers", 1)["skills"] = new JsonArray("pediatrics"); Obj(p, "fixed", 0)["provider"] = (string?)Obj(p, "providers", 1)["id"]; }, "fixed[0].provider: provider 'dr-haddad' lacks skill 'primary-care' for type 'follow-up'"),
        ["fixed room without the features"] = (p => Obj(p, "fixed", 0)["room"] = "main-echo", "fixed[0].provider: provider 'dr-okafor' is not available at facility 'main' for 20 minutes from 2026-12-09T16:00:00Z || fixed[0].room: room 'main-echo' lacks features 'exam' for type 'follow-up'"),
        ["fixed after the window"] = (p => { Obj(p, "requests", 9)["earliest"] = "2026-12-07"; Obj(p, "requests", 9)["latest"] = "2026-12-08"; }, "fixed[0].start: start date 2026-12-09 is outside the window of request 'r-10' (2026-12-07 to 2026-12-08)"),
        ["fixed while the patient is away"] = (p => Obj(p, "patients", 7)["unavailable"] = new JsonArray(new JsonObject { ["from"] = "2026-12-09T09:00:00-06:00", ["to"] = "2026-12-09T12:00:00-06:00" }), "fixed[0].start: patient 'p-008' is not available for 20 minutes from 2026-12-09T16:00:00Z"),
        ["fixed in a room out of use"] = (p => Obj(p, "rooms", 4)["unavailable"] = new JsonArray(new JsonObject { ["from"] = "2026-12-09T10:15:00-06:00", ["to"] = "2026-12-09T11:00:00-06:00" }), "fixed[0].room: room 'lake-exam-1' is unavailable for 20 minutes from 2026-12-09T16:00:00Z"),
        ["fixed while the facility is closed"] = (p => ((JsonObject)Obj(p, "facilities", 1)["hours"]![0]!)["from"] = "10:30", "fixed[0].start: facility 'lakeside' is not open for 20 minutes from 2026-12-09T16:00:00Z"),
        ["fixed needing a pool the facility lacks"] = (p => { p["equipment"] = new JsonArray(new JsonObject { ["id"] = "us", ["facility"] = "main", ["kind"] = "ultrasound", ["count"] = 1 }); Obj(p, "appointmentTypes", 1)["equipment"] = new JsonArray("ultrasound"); }, "fixed[0].start: facility 'lakeside' has no pool of every equipment kind type 'follow-up' needs ('ultrasound')"),
        ["fixed link too far apart"] = (p => { ((JsonArray)p["fixed"]!).Add(Fixed("r-01", "dr-okafor", "main-exam-1", "2026-12-07T09:00:00-05:00")); ((JsonArray)p["fixed"]!).Add(Fixed("r-02", null, "main-lab", "2026-12-11T09:00:00-05:00")); }, "fixed[2].start: starts 5720 minutes after fixed request 'r-01' ends; its link allows 0 to 2880"),
        ["fixed link too close"] = (p => { ((JsonArray)p["fixed"]!).Add(Fixed("r-03", null, "main-exam-2", "2026-12-08T09:00:00-05:00")); ((JsonArray)p["fixed"]!).Add(Fixed("r-04", "dr-lindqvist", "main-exam-1", "2026-12-08T09:20:00-05:00")); }, "fixed[2].start: starts 0 minutes after fixed request 'r-03' ends; its link allows 30 to any"),
        ["fixed series with two providers"] = (p =>
        {
            p["series"] = new JsonArray(new JsonObject { ["id"] = "s", ["requests"] = new JsonArray("r-06", "r-07"), ["intervalDays"] = 1 });
            ((JsonArray)p["fixed"]!).Add(Fixed("r-06", "dr-haddad", "main-exam-1", "2026-12-07T10:00:00-05:00"));
            ((JsonArray)p["fixed"]!).Add(Fixed("r-07", "dr-okafor", "main-exam-1", "2026-12-08T10:00:00-05:00"));
        }, "fixed[2].provider: series 's' keeps one provider: 'dr-haddad' (its first visit with one), found 'dr-okafor'"),
        ["fixed in a room within its buffer"] = (p => { ((JsonArray)p["fixed"]!).Add(Fixed("r-06", "dr-okafor", "main-exam-1", "2026-12-07T10:00:00-05:00")); ((JsonArray)p["fixed"]!).Add(Fixed("r-07", "dr-haddad", "main-exam-1", "2026-12-07T10:22:00-05:00")); }, "fixed[2].start: overlaps fixed booking of request 'r-06' (fixed[1]) for room 'main-exam-1' (counting its buffer)"),
        ["fixed patient twice at once"] = (p => { ((JsonArray)p["fixed"]!).Add(Fixed("r-11", null, "main-lab", "2026-12-09T11:00:00-05:00")); }, "fixed[1].start: overlaps fixed booking of request 'r-10' (fixed[0]) for patient 'p-008'"),
        ["fixed over a shared room's capacity"] = (p =>
        {
            Obj(p, "rooms", 0)["capacity"] = 2;
            ((JsonArray)p["fixed"]!).Add(Fixed("r-06", "dr-okafor", "main-exam-1", "2026-12-07T10:00:00-05:00"));
            ((JsonArray)p["fixed"]!).Add(Fixed("r-07", "dr-haddad", "main-exam-1", "2026-12-07T10:10:00-05:00"));
            ((JsonArray)p["fixed"]!).Add(Fixed("r-01", "dr-okafor", "main-exam-1", "2026-12-07T10:20:00-05:00"));
        }, "fixed[3].start: room 'main-exam-1' (capacity 2, counting buffers) already holds fixed bookings of requests 'r-06', 'r-07' then"),
        ["fixed before the horizon"] = (p => Obj(p, "fixed", 0)["start"] = "2026-12-06T10:00:00-06:00", "fixed[0].provider: provider 'dr-okafor' is not available at facility 'lakeside' for 20 minutes from 2026-12-06T16:00:00Z || fixed[0].start: facility 'lakeside' is not open for 20 minutes from 2026-12-06T16:00:00Z || fixed[0].start: start date 2026-12-06 is outside the window of request 'r-10' (2026-12-09 to 2026-12-09)"),
    };

    public static TheoryData<string> PastNames() => [.. PastTheBound.Keys];

    [Theory]
    [MemberData(nameof(PastNames))]
    public void AValuePastItsBound_IsRefusedWithItsLine(string name)
    {
        var (mutate, expected) = PastTheBound[name];

        var errors = ProblemFile.TryParse(BadInputTests.Mutated(mutate), out var problem);

        Assert.Null(problem);
        Assert.Equal(expected, string.Join(" || ", errors.Select(e => e.ToString())));
    }
}

/// <summary>Faults only a problem built in code can have: missing lists, null items, null weekday lists; each named by its path, the problem refused before any rule reads it.</summary>
public sealed class ProblemBuiltInCodeTests
{
    private static readonly Problem Clinic = Example();

    private static readonly Dictionary<string, (Func<Problem, Problem> Break, string Expected)> Cases = new()
    {
        ["every list missing"] = (p => p with { Horizon = null!, Facilities = null!, Rooms = null!, Providers = null!, Patients = null!, AppointmentTypes = null!, Requests = null!, Fixed = null! }, "horizon: required field is missing || facilities: required field is missing || rooms: required field is missing || providers: required field is missing || patients: required field is missing || appointmentTypes: required field is missing || requests: required field is missing || fixed: required field is missing"),
        ["requests missing"] = (p => p with { Requests = null! }, "requests: required field is missing"),
        ["a null facility"] = (p => p with { Facilities = [p.Facilities[0], null!] }, "facilities[1]: must not be null"),
        ["a null room"] = (p => p with { Rooms = [null!, .. p.Rooms] }, "rooms[0]: must not be null"),
        ["a null provider"] = (p => p with { Providers = [.. p.Providers, null!] }, "providers[4]: must not be null"),
        ["a null patient"] = (p => p with { Patients = [null!] }, "patients[0]: must not be null"),
        ["a null type"] = (p => p with { AppointmentTypes = [.. p.AppointmentTypes, null!] }, "appointmentTypes[7]: must not be null"),
        ["a null request"] = (p => p with { Requests = [p.Requests[0], null!] }, "requests[1]: must not be null"),
        ["a null fixed booking"] = (p => p with { Fixed = [.. p.Fixed, null!] }, "fixed[1]: must not be null"),
        ["a null pool"] = (p => p with { Equipment = [null!] }, "equipment[0]: must not be null"),
        ["a null series"] = (p => p with { Series = [null!] }, "series[0]: must not be null"),
        ["a null series request"] = (p => p with { Series = [new RequestSeries("s", ["r-06", null!], 7)] }, "series[0].requests[1]: must not be null"),
        ["null facility hours"] = (p => p with { Facilities = [p.Facilities[0] with { Hours = [null!] }, .. p.Facilities.Skip(1)] }, "facilities[0].hours[0]: must not be null"),
        ["facility hours without days"] = (p => p with { Facilities = [p.Facilities[0] with { Hours = [new WeeklyHours(null!, TestProblems.Time("08:00"), TestProblems.Time("09:00"))] }, .. p.Facilities.Skip(1)] }, "facilities[0].hours[0].days: must not be null"),
        ["a null room block"] = (p => p with { Rooms = [p.Rooms[0] with { Unavailable = [new Interval(null, At("2026-12-08T09:00:00Z")), new Interval(At("2026-12-08T09:00:00Z"), null)] }, .. p.Rooms.Skip(1)] }, "rooms[0].unavailable[0].from: from must be before to || rooms[0].unavailable[1].from: from must be before to"),
        ["a null skill"] = (p => p with { Providers = [p.Providers[0] with { Skills = [null!] }, .. p.Providers.Skip(1)] }, "providers[0].skills[0]: must not be null"),
        ["a null availability"] = (p => p with { Providers = [p.Providers[0] with { Availability = [null!] }, .. p.Providers.Skip(1)] }, "providers[0].availability[0]: must not be null"),
        ["availability without days"] = (p => p with { Providers = [p.Providers[0] with { Availability = [new ProviderAvailability("main", new WeeklyHours(null!, TestProblems.Time("08:00"), TestProblems.Time("09:00")))] }, .. p.Providers.Skip(1)] }, "providers[0].availability[0].days: must not be null"),
        ["a null time off"] = (p => p with { Providers = [p.Providers[0] with { TimeOff = null! }, .. p.Providers.Skip(1)] }, "providers[0].timeOff: must not be null"),
        ["null patient hours"] = (p => p with { Patients = [p.Patients[0] with { Zone = Zone("Europe/Paris"), Hours = [null!] }, .. p.Patients.Skip(1)] }, "patients[0].hours[0]: must not be null"),
        ["a null patient block"] = (p => p with { Patients = [p.Patients[0] with { Unavailable = null! }, .. p.Patients.Skip(1)] }, "patients[0].unavailable: must not be null"),
        ["a null room feature"] = (p => p with { AppointmentTypes = [p.AppointmentTypes[0] with { RoomFeatures = ["exam", null!] }, .. p.AppointmentTypes.Skip(1)] }, "appointmentTypes[0].roomFeatures[1]: must not be null"),
        ["a null link"] = (p => p with { Requests = [p.Requests[0] with { After = [null!] }, .. p.Requests.Skip(1)] }, "requests[0].after[0]: must not be null"),
        ["an empty facility id"] = (p => p with { Facilities = [p.Facilities[0] with { Id = "" }, .. p.Facilities.Skip(1)] }, "facilities[0].id: must not be empty"),
        ["an empty link id"] = (p => p with { Requests = [p.Requests[0], p.Requests[1] with { After = [new RequestLink(" ")] }, .. p.Requests.Skip(2)] }, "requests[1].after[0].request: must not be empty"),
        ["an empty fixed request"] = (p => p with { Fixed = [p.Fixed[0] with { RequestId = "" }] }, "fixed[0].request: must not be empty"),
        ["a blank equipment kind"] = (p => p with { AppointmentTypes = [p.AppointmentTypes[0] with { Equipment = [" "] }, .. p.AppointmentTypes.Skip(1)] }, "appointmentTypes[0].equipment[0]: must not be empty"),
    };

    public static TheoryData<string> Names() => [.. Cases.Keys];

    [Theory]
    [MemberData(nameof(Names))]
    public void AFaultOfCode_IsNamedByItsPath(string name)
    {
        var (breakIt, expected) = Cases[name];

        var errors = ValidatedProblem.TryCreate(breakIt(Clinic), out var validated);

        Assert.Null(validated);
        Assert.Equal(expected, string.Join(" || ", errors.Select(e => e.ToString())));
    }

    [Fact]
    public void NullInput_IsAnArgumentError()
    {
        Assert.Throws<ArgumentNullException>(() => ValidatedProblem.TryCreate(null!, out _));
        Assert.Empty(ValidatedProblem.TryCreate(Clinic, out var validated));
        Assert.NotNull(validated);
    }
}
