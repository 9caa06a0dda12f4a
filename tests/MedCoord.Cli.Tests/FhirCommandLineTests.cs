using System.Text.Json.Nodes;
using static MedCoord.Cli.Tests.CliTestData;

namespace MedCoord.Cli.Tests;

/// <summary><c>medcoord fhir export|import</c>: round trips through files, exit codes, nothing written on bad input.</summary>
public sealed class FhirCommandLineTests : IDisposable
{
    private const string Tz = "http://hl7.org/fhir/StructureDefinition/timezone";
    private readonly string _dir = Directory.CreateTempSubdirectory("medcoord-fhir-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string In(string name) => Path.Combine(_dir, name);

    /// <summary>The problem file of a problem with each provider's availability grouped by facility, as PractitionerRoles carry it.</summary>
    private static string Canonical(Problem problem) => ProblemFile.Serialize(problem with
    {
        Providers = [.. problem.Providers.Select(p =>
        {
            var order = p.Availability.Select(a => a.FacilityId).Distinct().ToList();
            return p with { Availability = [.. p.Availability.OrderBy(a => order.IndexOf(a.FacilityId))] };
        })],
    });

    [Theory]
    [InlineData("clinic-small.json")]
    [InlineData("day-unit.json")]
    public async Task ExportThenImport_ASample_GivesBackTheSameProblem(string sample)
    {
        var (code, stdout, stderr) = await ConsoleRun.Run("fhir", "export", TestData(sample), "--out", In("bundle.json"));
        Assert.Equal((0, string.Empty), (code, stderr));
        Assert.Contains("wrote a transaction Bundle of", stdout);
        Assert.Equal("transaction", (string?)JsonNode.Parse(File.ReadAllText(In("bundle.json")))!["type"]);

        (code, stdout, stderr) = await ConsoleRun.Run("fhir", "import", In("bundle.json"), "--out", In("problem.json"));

        Assert.Equal((0, string.Empty), (code, stderr));
        Assert.Contains("problem written to", stdout);
        var original = ProblemFile.Parse(File.ReadAllText(TestData(sample)));
        Assert.Equal(Canonical(original), Canonical(ProblemFile.Parse(File.ReadAllText(In("problem.json")))));
    }

    [Fact]
    public async Task Export_WithASolvedSchedule_BooksEveryAssignmentAndWaitlistsTheRest()
    {
        var (code, _, stderr) = await ConsoleRun.Run("solve", TestData("clinic-small.json"), "--out", In("schedule.json"), "--time-limit", "5", "--workers", "1");
        Assert.Equal((0, string.Empty), (code, stderr));
        var schedule = ScheduleFile.Parse(File.ReadAllText(In("schedule.json")));

        (code, _, stderr) = await ConsoleRun.Run("fhir", "export", TestData("clinic-small.json"), "--schedule", In("schedule.json"), "--out", In("bundle.json"));

        Assert.Equal((0, string.Empty), (code, stderr));
        var appointments = JsonNode.Parse(File.ReadAllText(In("bundle.json")))!["entry"]!.AsArray()
            .Select(e => e!["resource"]!).Where(r => (string?)r["resourceType"] == "Appointment").ToList();
        Assert.Equal(schedule.Assignments.Count, appointments.Count(a => (string?)a["status"] == "booked"));
        Assert.Equal(schedule.Unscheduled.Count, appointments.Count(a => (string?)a["status"] == "waitlist"));
    }

    [Fact]
    public async Task Export_AScheduleOfAnotherProblem_ExitsTwoAndWritesNothing()
    {
        File.WriteAllText(In("schedule.json"), """{ "formatVersion": 1, "assignments": [ { "request": "r-404", "patient": "p-001", "provider": null, "room": null, "facility": "main", "start": "2026-12-07T09:00:00-05:00", "end": "2026-12-07T09:30:00-05:00" } ] }""");

        var (code, _, stderr) = await ConsoleRun.Run("fhir", "export", TestData("clinic-small.json"), "--schedule", In("schedule.json"), "--out", In("bundle.json"));

        Assert.Equal(2, code);
        Assert.Contains($"{In("schedule.json")}: assignments[0].request: unknown request 'r-404'", stderr);
        Assert.False(File.Exists(In("bundle.json")));
    }

    [Fact]
    public async Task Export_ABadProblem_ExitsTwoAndWritesNothing()
    {
        File.WriteAllText(In("bad.json"), Mutated(root => root["requests"]![0]!["type"] = "ech0"));

        var (code, _, stderr) = await ConsoleRun.Run("fhir", "export", In("bad.json"), "--out", In("bundle.json"));

        Assert.Equal(2, code);
        Assert.Contains("requests[0].type: unknown appointment type 'ech0'", stderr);
        Assert.False(File.Exists(In("bundle.json")));
    }

    [Fact]
    public async Task Import_ABadBundle_ExitsTwoWithOneLinePerFaultAndWritesNothing()
    {
        Assert.Equal(0, (await ConsoleRun.Run("fhir", "export", TestData("clinic-small.json"), "--out", In("bundle.json"))).Code);
        var root = JsonNode.Parse(File.ReadAllText(In("bundle.json")))!.AsObject();
        var resources = root["entry"]!.AsArray().Select(e => e!["resource"]!.AsObject()).ToList();
        resources.First(r => (string?)r["id"] == "main").Remove("extension");
        resources.First(r => (string?)r["resourceType"] == "ServiceRequest")["subject"]!["reference"] = "Patient/nobody";
        File.WriteAllText(In("bad-bundle.json"), root.ToJsonString());

        var (code, _, stderr) = await ConsoleRun.Run("fhir", "import", In("bad-bundle.json"), "--out", In("problem.json"));

        Assert.Equal(2, code);
        var request = resources.First(r => (string?)r["resourceType"] == "ServiceRequest")["id"];
        Assert.Equal(
            [
                $"Location/main at Location.extension('{Tz}'): a facility needs its time zone (the timezone extension, an IANA tzdb id)",
                $"ServiceRequest/{request} at ServiceRequest.subject: reference 'Patient/nobody' names no resource in the bundle",
            ],
            stderr.Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries));
        Assert.False(File.Exists(In("problem.json")));
    }

    [Fact]
    public async Task Import_AFileThatIsNotFhir_ExitsTwoAndWritesNothing()
    {
        var (code, _, stderr) = await ConsoleRun.Run("fhir", "import", TestData("clinic-small.json"), "--out", In("problem.json"));

        Assert.Equal(2, code);
        Assert.Contains("not FHIR R4 JSON", stderr);
        Assert.False(File.Exists(In("problem.json")));
    }

    [Fact]
    public async Task Import_InvalidUtf8_ExitsTwoNamingTheOffset()
    {
        File.WriteAllBytes(In("bundle.json"), [(byte)'{', 0xFF, (byte)'}']);

        var (code, _, stderr) = await ConsoleRun.Run("fhir", "import", In("bundle.json"), "--out", In("problem.json"));

        Assert.Equal(2, code);
        Assert.Equal("$: invalid UTF-8 at byte offset 1 (the file must be UTF-8)", stderr.Trim());
        Assert.False(File.Exists(In("problem.json")));
    }

    [Theory]
    [InlineData("export")]
    [InlineData("import")]
    public async Task AnOutputInAMissingDirectory_ExitsTwoBeforeAnyWork(string command)
    {
        var input = command == "export" ? TestData("clinic-small.json") : In("missing-bundle.json");
        var outPath = Path.Combine(_dir, "no-such-dir", "out.json");

        var (code, _, stderr) = await ConsoleRun.Run("fhir", command, input, "--out", outPath);

        Assert.Equal(2, code);
        Assert.Contains($"--out: cannot write '{outPath}': directory '{Path.Combine(_dir, "no-such-dir")}' does not exist", stderr);
        Assert.False(Directory.Exists(Path.Combine(_dir, "no-such-dir")));
    }

    [Theory]
    [InlineData("export", "Write a problem (and optionally its schedule) as a FHIR R4 transaction Bundle (docs/fhir.md).",
        "--schedule <schedule>   A schedule of the problem (a schedule file): its assignments become booked Appointments, its unscheduled requests waitlisted ones.",
        "--out <out> (REQUIRED)  Write the FHIR R4 transaction Bundle here.")]
    [InlineData("import", "Read a FHIR R4 Bundle as a problem file; each fault is printed with its resource and FHIRPath.",
        "<bundle>  The FHIR R4 Bundle (JSON) holding the problem's resources.", "--out <out> (REQUIRED)  Write the problem file (format v1) here.")]
    [InlineData("profiles", "Write the StructureDefinition of every MedCoord FHIR extension (docs/fhir.md).",
        "--out <out> (REQUIRED)  An existing directory: one StructureDefinition JSON file per extension is written into it.")]
    [InlineData("engine", "Write every record of an engine database and its audit trail as one FHIR R4 Bundle (the read is recorded in the audit trail).",
        "--db <db> (REQUIRED)               The engine's SQLite database file.", "--out <out> (REQUIRED)             Write the FHIR R4 Bundle (JSON) here.",
        "--problem <problem>                A problem file whose appointment types give each visit's length (Appointment.end); without it the end is marked unknown.")]
    [InlineData("records", "Store an EHR's care plans, referrals, consents and intake responses (a FHIR R4 Bundle) in an engine database, all or none.",
        "<bundle>  A FHIR R4 Bundle (JSON) of CarePlans, referral ServiceRequests, Consents and QuestionnaireResponses.",
        "--db <db> (REQUIRED)               The engine's SQLite database file (created when missing).")]
    public async Task Help_PrintsTheCommandAndEachOfItsOptions(string command, params string[] lines)
    {
        var (code, stdout, stderr) = await ConsoleRun.Run("fhir", command, "--help");

        Assert.Equal((0, string.Empty), (code, stderr));
        Assert.Contains($" fhir {command} ", stdout);
        Assert.All(lines, line => Assert.Contains(line, stdout));
    }

    [Fact]
    public async Task Help_OfFhir_ListsItsCommands()
    {
        var (code, stdout, stderr) = await ConsoleRun.Run("fhir", "--help");

        Assert.Equal((0, string.Empty), (code, stderr));
        Assert.Contains("FHIR R4: scheduling problems and schedules as Bundles, and back; engine records as a Bundle, and an EHR's records in.", stdout);
        Assert.Equal(
            ["export <problem>", "import <bundle>", "engine", "records <bundle>", "profiles"],
            stdout[stdout.IndexOf("Commands:", StringComparison.Ordinal)..].Split('\n').Skip(1).Where(l => l.Trim().Length > 0).Select(l => l.Trim().Split("  ")[0]));
    }

    [Fact]
    public async Task Import_ABundleWithAUtf8ByteOrderMark_IsRead()
    {
        Assert.Equal(0, (await ConsoleRun.Run("fhir", "export", TestData("clinic-small.json"), "--out", In("bundle.json"))).Code);
        File.WriteAllBytes(In("marked.json"), [0xEF, 0xBB, 0xBF, .. File.ReadAllBytes(In("bundle.json"))]);

        var (code, _, stderr) = await ConsoleRun.Run("fhir", "import", In("marked.json"), "--out", In("problem.json"));

        Assert.Equal((0, string.Empty), (code, stderr));
        Assert.Equal(ProblemFile.Parse(File.ReadAllText(TestData("clinic-small.json"))).Requests.Count, ProblemFile.Parse(File.ReadAllText(In("problem.json"))).Requests.Count);
    }

    [Theory]
    [InlineData("export")]
    [InlineData("import")]
    public async Task WithoutOut_ExitsTwoOnTheCommandLine(string command)
    {
        var (code, _, stderr) = await ConsoleRun.Run("fhir", command, TestData("clinic-small.json"));

        Assert.Equal(2, code);
        Assert.StartsWith("command line: ", stderr);
        Assert.Contains("--out", stderr);
    }
}
