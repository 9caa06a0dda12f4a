using System.Text;
using System.Text.Json.Nodes;
using static MedCoord.Cli.Tests.ConsoleRun;
using static MedCoord.Cli.Tests.CliTestData;

namespace MedCoord.Cli.Tests;

/// <summary>
/// Bad input at the edges, command by command: each exits 2 with the exact line naming where the fault is, prints no
/// trace and writes nothing.
/// </summary>
public sealed class BadInputCommandLineTests : IDisposable
{
    private const string Dates = "must be from 0001-01-01 to 9998-12-31 (the supported range of dates)";
    private const string Times = "must be from 0001-01-01T00:00:00Z to 9999-01-01T00:00:00Z, as written and in UTC (the supported range of times)";

    private readonly string _dir = Directory.CreateTempSubdirectory("medcoord-edges-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static string Lines(params string[] lines) => string.Concat(lines.Select(l => l + Environment.NewLine));

    private string Write(string name, string text) => WriteBytes(name, Encoding.UTF8.GetBytes(text));

    private string WriteBytes(string name, byte[] bytes)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    private string Out(string name) => Path.Combine(_dir, name);

    /// <summary>Only the input files the test wrote are left in the directory: no output, no temporary file.</summary>
    private void AssertNothingWritten(params string[] inputs) =>
        Assert.Equal(inputs.Select(Path.GetFileName).Order(StringComparer.Ordinal), Directory.EnumerateFileSystemEntries(_dir).Select(Path.GetFileName).Order(StringComparer.Ordinal));

    /// <summary>The example with its horizon in 9999 (and nothing else dated, so that only the horizon is at fault).</summary>
    private static string HorizonIn9999() => CliTestData.Mutated(p =>
    {
        p["horizon"] = new JsonObject { ["start"] = "9999-12-27", ["end"] = "9999-12-31" };
        p["fixed"] = new JsonArray();
        foreach (var node in ((JsonArray)p["requests"]!).Concat((JsonArray)p["rooms"]!).Concat((JsonArray)p["providers"]!).Concat((JsonArray)p["patients"]!))
        {
            foreach (var field in new[] { "earliest", "latest", "unavailable", "timeOff" })
            {
                ((JsonObject)node!).Remove(field);
            }
        }
    });

    [Theory]
    [InlineData("validate")]
    [InlineData("solve")]
    [InlineData("replan")]
    [InlineData("recommend")]
    [InlineData("fill")]
    public async Task Command_HorizonIn9999_ExitsTwoNamingTheHorizon(string command)
    {
        var problem = Write("problem.json", HorizonIn9999());
        var book = Write("book.json", """{ "formatVersion": 1, "assignments": [] }""");
        string[] args = command switch
        {
            "validate" => ["validate", problem],
            "solve" => ["solve", problem, "--out", Out("schedule.json"), "--html", Out("schedule.html")],
            "replan" => ["replan", problem, "--previous", book, "--out", Out("schedule.json")],
            "recommend" => ["recommend", problem, "--book", book, "--request", "r-01", "--out", Out("slots.json")],
            _ => ["fill", problem, "--book", book, "--cancel", "r-01", "--out", Out("schedule.json")],
        };

        var (code, stdout, stderr) = await Run(args);

        Assert.Equal(2, code);
        Assert.Equal(Lines($"horizon.start: {Dates}", $"horizon.end: {Dates}"), stderr);
        Assert.Empty(stdout);
        AssertNothingWritten(problem, book);
    }

    [Fact]
    public async Task Validate_FixedBookingPastTheLastInstant_ExitsTwoNamingIt()
    {
        var problem = Write("problem.json", CliTestData.Mutated(p => ((JsonObject)p["fixed"]![0]!)["start"] = "9999-12-31T23:30:00-05:00"));

        var (code, _, stderr) = await Run("validate", problem);

        Assert.Equal(2, code);
        Assert.Equal(Lines($"fixed[0].start: {Times}"), stderr);
    }

    [Fact]
    public async Task Solve_TimeOffIntoYear9999_ExitsTwoBeforeSolving()
    {
        var problem = Write("problem.json", CliTestData.Mutated(p =>
            ((JsonObject)p["providers"]![0]!)["timeOff"] = new JsonArray(new JsonObject { ["from"] = "2026-12-08T00:00:00-05:00", ["to"] = "9999-12-31T23:00:00-12:00" })));

        var (code, stdout, stderr) = await Run("solve", problem, "--out", Out("schedule.json"));

        Assert.Equal(2, code);
        Assert.Equal(Lines($"providers[0].timeOff[0].to: {Times}"), stderr);
        Assert.Empty(stdout);
        AssertNothingWritten(problem);
    }

    /// <summary>A previous book that does not fit: refused before the re-plan, naming the book file and the path in it.</summary>
    [Theory]
    [InlineData("duplicate", "assignments[11].request: request 'r-02' is booked more than once")]
    [InlineData("another problem", "assignments: none of its 2 appointments names a request of the problem: it is the schedule of another problem")]
    [InlineData("another patient", "assignments[1].patient: request 'r-02' is for patient 'p-001', not 'p-007'")]
    [InlineData("end before start", "assignments[0].end: must be after start")]
    [InlineData("ends in 9999", $"assignments[3].end: {Times}")]
    public async Task Replan_PreviousBookThatDoesNotFit_ExitsTwoNamingThePathInTheBook(string fault, string expected)
    {
        var book = Write("book.json", BookWith(fault));

        var (code, stdout, stderr) = await Run("replan", TestData("clinic-small.json"), "--previous", book, "--out", Out("new.json"));

        Assert.Equal(2, code);
        Assert.Equal(Lines($"{book}: {expected}"), stderr);
        Assert.Empty(stdout);
        AssertNothingWritten(book);
    }

    /// <summary>A book of the shipped example (eleven appointments, one per request) with one fault.</summary>
    private static string BookWith(string fault)
    {
        var problem = ProblemFile.Parse(File.ReadAllText(TestData("clinic-small.json")));
        var assignments = new JsonArray();
        var start = new OffsetDateTime(new LocalDateTime(2026, 12, 7, 8, 0), Offset.FromHours(-5));
        foreach (var request in problem.Requests)
        {
            var type = problem.AppointmentTypes.Single(t => t.Id == request.TypeId);
            var end = start + Duration.FromMinutes(request.DurationMinutes ?? type.DurationMinutes);
            assignments.Add(new JsonObject
            {
                ["request"] = request.Id, ["patient"] = request.PatientId, ["provider"] = type.ProviderSkill is null ? null : "dr-okafor",
                ["room"] = type.RoomFeatures.Count == 0 ? null : "main-exam-2", ["facility"] = "main",
                ["start"] = ScheduleFile.FormatDateTime(start), ["end"] = ScheduleFile.FormatDateTime(end),
            });
            start = end + Duration.FromMinutes(60);
        }

        switch (fault)
        {
            case "duplicate": assignments.Add(assignments[1]!.DeepClone()); break;
            case "another problem": assignments = new JsonArray(assignments[0]!.DeepClone(), assignments[1]!.DeepClone()); Rename(assignments, "x-"); break;
            case "another patient": assignments[1]!["patient"] = "p-007"; break;
            case "end before start": assignments[0]!["end"] = "2026-12-07T07:00:00-05:00"; break;
            case "ends in 9999": assignments[3]!["end"] = "9999-12-31T23:30:00-05:00"; break;
        }

        return new JsonObject { ["formatVersion"] = 1, ["assignments"] = assignments }.ToJsonString();
    }

    private static void Rename(JsonArray assignments, string prefix)
    {
        foreach (var a in assignments)
        {
            a!["request"] = prefix + (string)a["request"]!;
        }
    }

    [Fact]
    public async Task Replan_FittingPreviousBook_ReportsWhatWasKept()
    {
        var book = Write("book.json", BookWith("none"));
        var outPath = Out("new.json");

        var (code, stdout, stderr) = await Run("replan", TestData("clinic-small.json"), "--previous", book, "--out", outPath, "--time-limit", "2", "--workers", "1");

        Assert.Equal(0, code);
        Assert.Empty(stderr);
        var schedule = ScheduleFile.Parse(File.ReadAllText(outPath));
        var changes = stdout.Split('\n').Count(l => l.StartsWith("  moved ", StringComparison.Ordinal) || l.StartsWith("  dropped ", StringComparison.Ordinal));
        Assert.Contains($"{schedule.Assignments.Count} scheduled; of 11 previous appointments {11 - changes} kept", stdout);
    }

    [Fact]
    public async Task Validate_InvalidUtf8InAName_ExitsTwoWithTheOffsetAndNoText()
    {
        var bytes = File.ReadAllBytes(TestData("clinic-small.json"));
        var offset = bytes.AsSpan().IndexOf("haddad"u8);
        bytes[offset] = 0xFF;
        var problem = WriteBytes("problem.json", bytes);

        var (code, stdout, stderr) = await Run("validate", problem);

        Assert.Equal(2, code);
        Assert.Equal(Lines($"$: invalid UTF-8 at byte offset {offset} (the file must be UTF-8)"), stderr);
        Assert.Empty(stdout);
    }

    [Fact]
    public async Task Recommend_InvalidUtf8InTheBook_ExitsTwoNamingTheBook()
    {
        var text = """{ "formatVersion": 1, "assignments": [] }""";
        var book = WriteBytes("book.json", [.. Encoding.UTF8.GetBytes(text)[..^1], 0xC3, (byte)'}']);

        var (code, _, stderr) = await Run("recommend", TestData("clinic-small.json"), "--book", book, "--request", "r-01", "--out", Out("slots.json"));

        Assert.Equal(2, code);
        Assert.Equal(Lines($"{book}: $: invalid UTF-8 at byte offset {text.Length - 1} (the file must be UTF-8)"), stderr);
        AssertNothingWritten(book);
    }

    [Fact]
    public async Task Claim_InvalidUtf8InAPatientName_ExitsTwoAndWritesNo837()
    {
        var bytes = File.ReadAllBytes(TestData("claims.json"));
        var offset = bytes.AsSpan().IndexOf("Rivera"u8) + 2;
        bytes[offset] = 0x80;
        var claims = WriteBytes("claims.json", bytes);

        var (code, _, stderr) = await Run("claim", claims, "--x12", Out("out.837"));

        Assert.Equal(2, code);
        Assert.Equal(Lines($"{claims}: $: invalid UTF-8 at byte offset {offset} (the file must be UTF-8)"), stderr);
        AssertNothingWritten(claims);
    }

    [Fact]
    public async Task Validate_ByteOrderMark_IsAccepted()
    {
        var problem = WriteBytes("problem.json", [0xEF, 0xBB, 0xBF, .. File.ReadAllBytes(TestData("clinic-small.json"))]);

        var (code, _, stderr) = await Run("validate", problem);

        Assert.Equal(0, code);
        Assert.Empty(stderr);
    }

    /// <summary>Each output flag, unwritable: the line names the flag, the path and why; nothing is solved or written.</summary>
    [Theory]
    [InlineData("solve --out", "missing-dir")]
    [InlineData("solve --html", "directory")]
    [InlineData("solve --out", "under a file")]
    [InlineData("replan --out", "missing-dir")]
    [InlineData("fill --out", "directory")]
    [InlineData("recommend --out", "under a file")]
    [InlineData("claim --x12", "missing-dir")]
    [InlineData("demo --db", "missing-dir")]
    public async Task Command_UnwritableDestination_ExitsTwoBeforeAnyWork(string flag, string kind)
    {
        var file = Write("plain.txt", "x");
        var (destination, why) = kind switch
        {
            "missing-dir" => (Path.Combine(_dir, "no-such-dir", "out.file"), $"directory '{Path.Combine(_dir, "no-such-dir")}' does not exist"),
            "directory" => (_dir, "it is a directory"),
            _ => (Path.Combine(file, "out.file"), $"'{file}' is a file, not a directory"),
        };
        var book = Write("book.json", BookWith("none"));
        var emptyBook = Write("empty-book.json", """{ "formatVersion": 1, "assignments": [] }""");
        var problem = TestData("clinic-small.json");
        var option = flag.Split(' ')[1];
        string[] args = flag.Split(' ')[0] switch
        {
            "solve" => option == "--out" ? ["solve", problem, "--out", destination] : ["solve", problem, "--out", Out("ok.json"), "--html", destination],
            "replan" => ["replan", problem, "--previous", book, "--out", destination],
            "fill" => ["fill", problem, "--book", book, "--cancel", "r-01", "--out", destination],
            "recommend" => ["recommend", problem, "--book", emptyBook, "--request", "r-01", "--out", destination],
            "claim" => ["claim", TestData("claims.json"), "--x12", destination],
            _ => ["demo", "--db", destination],
        };

        var (code, stdout, stderr) = await Run(args);

        Assert.Equal(2, code);
        Assert.Equal(Lines($"{option}: cannot write '{destination}': {why}"), stderr);
        Assert.Empty(stdout);
        Assert.DoesNotContain(".tmp", stderr);
        AssertNothingWritten(file, book, emptyBook);
    }

    [Fact]
    public async Task Solve_OutAndHtmlToTheSameFile_ExitsTwo()
    {
        var target = Out("same.json");

        var (code, _, stderr) = await Run("solve", TestData("clinic-small.json"), "--out", target, "--html", target);

        Assert.Equal(2, code);
        Assert.Equal(Lines($"--html: cannot write '{target}': --out writes the same file"), stderr);
        Assert.False(File.Exists(target));
    }

    [Theory]
    [InlineData("")]
    [InlineData("[1, 2]")]
    [InlineData("null")]
    public async Task Command_InputDirectoryEmptyOrNotAnObject_ExitsTwoNamingTheFile(string content)
    {
        var input = Write("input.json", content);
        var expected = content.Length == 0 ? "$: malformed JSON at line 1, position 1" : $"$: expected an object, found {(content == "null" ? "null" : "an array")}";

        Assert.Equal((2, Lines(expected)), await Codes("validate", input));
        Assert.Equal((2, Lines($"{input}: {expected}")), await Codes("replan", TestData("clinic-small.json"), "--previous", input, "--out", Out("o.json")));
        Assert.Equal((2, Lines($"{_dir}: cannot read the problem file (it is a directory)")), await Codes("solve", _dir));
        Assert.Equal((2, Lines($"{_dir}: cannot read the claim file (it is a directory)")), await Codes("claim", _dir, "--x12", Out("o.837")));
        AssertNothingWritten(input);
    }

    [Theory]
    [InlineData("", "it is not a SQLite database")]
    [InlineData("{ \"formatVersion\": 1 }", "it is not a SQLite database")]
    public async Task AuditVerify_FileThatIsNotTheEnginesDatabase_ExitsTwoAndLeavesItAlone(string content, string why)
    {
        var db = Write("engine.db", content);

        var (code, _, stderr) = await Run("audit", "verify", "--db", db);

        Assert.Equal(2, code);
        Assert.Equal(Lines($"--db: cannot verify '{db}': {why}"), stderr);
        Assert.Equal(content, File.ReadAllText(db));
    }

    /// <summary>Every broken part of a claim file is a line of its own, in one run: the envelope and two claims.</summary>
    [Fact]
    public async Task Claim_SeveralBrokenParts_ExitsTwoWithALinePerPart()
    {
        var claims = Write("claims.json", File.ReadAllText(TestData("claims.json"))
            .Replace("\"controlNumber\": 42", "\"controlNumber\": \"42\"", StringComparison.Ordinal)
            .Replace("\"charge\": 45.00", "\"charge\": \"45.00\"", StringComparison.Ordinal)
            .Replace("\"relationship\": \"child\"", "\"relationship\": \"child\", \"colour\": \"red\"", StringComparison.Ordinal));

        var (code, _, stderr) = await Run("claim", claims, "--x12", Out("out.837"));

        Assert.Equal(2, code);
        Assert.Equal(
            Lines(
                $"{claims}: envelope.controlNumber: the value is of the wrong kind or out of range for this field (see docs/claim-format.md)",
                $"{claims}: claims[0].lines[1].charge: the value is of the wrong kind or out of range for this field (see docs/claim-format.md)",
                $"{claims}: claims[1].coverage.colour: unknown field 'colour' (see docs/claim-format.md)"),
            stderr);
        AssertNothingWritten(claims);
    }

    [Fact]
    public async Task Claim_CoinsuranceOutOfRange_ExitsTwoNamingThePath()
    {
        var claims = Write("claims.json", File.ReadAllText(TestData("claims.json")).Replace("\"coinsurancePercent\": 20", "\"coinsurancePercent\": 1000", StringComparison.Ordinal));

        var (code, _, stderr) = await Run("claim", claims, "--x12", Out("out.837"));

        Assert.Equal(2, code);
        Assert.Equal(Lines($"{claims}: claims[0].coverage.benefits.coinsurancePercent: must be from 0 to 100, found 1000"), stderr);
        AssertNothingWritten(claims);
    }

    /// <summary>Claim files that parse but carry what an 837P must not: each exits 2 naming the path (never the patient's text) and writes nothing.</summary>
    [Theory]
    [InlineData("\"met\": 800.00", "\"met\": 1000.01", "claims[0].coverage.benefits.deductible.met: must not be above the amount 1000.00, found 1000.01")]
    [InlineData("\"lastName\": \"Chen\", \"firstName\": \"Leo\"", "\"lastName\": \"Ch\u00e9n\", \"firstName\": \"Leo\"", "claims[1].patient.lastName: character 3 is outside the X12 basic character set (letters, digits, space and ! \" & ' ( ) + , - . / ; ? =)")]
    [InlineData("\"authorizations\": [ { \"number\": \"AUTH-77\", \"procedureCode\": \"93306\", \"from\": \"2026-11-01\", \"to\": \"2026-12-31\" } ]", "\"authorizations\": []", "claims[2].lines[0].procedureCode: 93306 needs a prior authorisation and none is on file")]
    [InlineData("\"claimFilingIndicator\": \"12\"", "\"claimFilingIndicator\": \"PPO\"", "claims[2].coverage.claimFilingIndicator: must be one of 11, 12, 13, 14, 15, 16, 17, AM, BL, CH, CI, DS, FI, HM, LM, MA, MB, MC, OF, TV, VA, WC, ZZ")]
    [InlineData("\"charge\": 0.01, \"diagnosisPointers\": [1], \"placeOfService\": \"11\", \"dateOfService\": \"2026-11-16\"", "\"charge\": 0.01, \"diagnosisPointers\": [1], \"placeOfService\": \"11\", \"dateOfService\": \"2099-11-16\"", "claims[0].lines[2].dateOfService: after the file's creation date")]
    [InlineData("{ \"procedureCode\": \"99213\", \"allowed\": 98.00 }", "{ \"procedureCode\": \"99213\", \"allowed\": -98.00 }", "feeSchedules[1].entries[0].allowed: must be a non-negative amount with at most two decimals, found -98.00")]
    public async Task Claim_ValueAn837PMustNotCarry_ExitsTwoNamingThePath(string from, string to, string expected)
    {
        var sample = File.ReadAllText(TestData("claims.json"));
        Assert.Contains(from, sample);
        var claims = Write("claims.json", sample.Replace(from, to, StringComparison.Ordinal));

        var (code, stdout, stderr) = await Run("claim", claims, "--x12", Out("out.837"));

        Assert.Equal(2, code);
        Assert.Equal(Lines($"{claims}: {expected}"), stderr);
        Assert.Empty(stdout);
        Assert.DoesNotContain("Ch\u00e9n", stderr);
        AssertNothingWritten(claims);
    }

    private static async Task<(int Code, string Err)> Codes(params string[] args)
    {
        var (code, _, stderr) = await Run(args);
        return (code, stderr);
    }
}
