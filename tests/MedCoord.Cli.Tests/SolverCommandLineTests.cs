using System.Text.Json;
using System.Text.Json.Nodes;
using MedCoord.Cli;
using static MedCoord.Cli.Tests.CliTestData;

namespace MedCoord.Cli.Tests;

public sealed class SolverCommandLineTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("medcoord-cli-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static async Task<(int Code, string Out, string Err)> Run(params string[] args)
    {
        var (stdout, stderr) = (new StringWriter(), new StringWriter());
        var code = await SolverCommandLine.RunAsync(args, stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }

    private string Write(string name, string text)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, text);
        return path;
    }

    [Fact]
    public async Task Solve_ShippedExample_WritesAScheduleFileAndExitsZero()
    {
        var outPath = Path.Combine(_dir, "schedule.json");

        var (code, stdout, stderr) = await Run("solve", TestData("clinic-small.json"), "--out", outPath, "--time-limit", "20", "--workers", "2", "--seed", "4");

        Assert.Equal(0, code);
        Assert.Equal(string.Empty, stderr);
        Assert.True(stdout.Contains("Optimal: 11 scheduled, 0 unscheduled of 11 requests"), stdout);
        Assert.Contains("Utilisation", stdout);
        var file = JsonNode.Parse(File.ReadAllText(outPath))!;
        Assert.Equal(1, (int)file["formatVersion"]!);
        Assert.Equal("Optimal", (string)file["status"]!);
        Assert.Equal(11, file["assignments"]!.AsArray().Count);
        Assert.Empty(file["unscheduled"]!.AsArray());
        Assert.Equal(2, (int)file["stats"]!["workers"]!);
        Assert.Equal(4, (int)file["stats"]!["seed"]!);
        var fixedBooking = file["assignments"]!.AsArray().Single(a => (string)a!["request"]! == "r-10")!;
        Assert.Equal("2026-12-09T10:00:00-06:00", (string)fixedBooking["start"]!);
        Assert.Equal("2026-12-09T10:20:00-06:00", (string)fixedBooking["end"]!);
        Assert.Empty(Directory.GetFiles(_dir, "*.tmp", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task Solve_UnschedulableRequest_StillExitsZeroAndExplains()
    {
        var json = CliTestData.Mutated(p =>
        {
            p["requests"]![0]!["earliest"] = "2027-02-01";
            p["requests"]![0]!["latest"] = "2027-02-02";
        });
        var outPath = Path.Combine(_dir, "schedule.json");

        var (code, stdout, _) = await Run("solve", Write("p.json", json), "--out", outPath);

        Assert.Equal(0, code);
        Assert.Contains("NoAvailabilityInWindow", stdout);
        var unscheduled = JsonNode.Parse(File.ReadAllText(outPath))!["unscheduled"]!.AsArray();
        Assert.Contains(unscheduled, u => (string)u!["request"]! == "r-01" && (string)u["reason"]! == "NoAvailabilityInWindow");
        Assert.Contains(unscheduled, u => (string)u!["request"]! == "r-02" && (string)u["reason"]! == "PredecessorUnscheduled");
    }

    [Fact]
    public async Task Solve_BadProblem_PrintsOneLinePerErrorWritesNothingAndExitsTwo()
    {
        var json = CliTestData.Mutated(p =>
        {
            p["requests"]![3]!["type"] = "ech0";
            p["requests"]![0]!["priority"] = 0;
        });
        var outPath = Path.Combine(_dir, "schedule.json");

        var (code, stdout, stderr) = await Run("solve", Write("bad.json", json), "--out", outPath);

        Assert.Equal(2, code);
        Assert.Equal(
            ["requests[0].priority: must be from 1 to 100, found 0", "requests[3].type: unknown appointment type 'ech0'"],
            stderr.Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries).Order(StringComparer.Ordinal));
        Assert.False(File.Exists(outPath));
        Assert.DoesNotContain("   at ", stderr + stdout);
    }

    [Theory]
    [InlineData("{ not json", "$: malformed JSON at line 1, position 3")]
    [InlineData("{\"formatVersion\": 2}", "formatVersion: unsupported format version 2; only 1 is supported")]
    public async Task Solve_MalformedFile_ExitsTwoNamingTheProblem(string json, string firstLine)
    {
        var (code, _, stderr) = await Run("solve", Write("bad.json", json));

        Assert.Equal(2, code);
        Assert.Equal(firstLine, stderr.Split(Environment.NewLine)[0]);
    }

    [Fact]
    public async Task Solve_MissingFile_ExitsTwo()
    {
        var path = Path.Combine(_dir, "nowhere.json");

        var (code, _, stderr) = await Run("solve", path);

        Assert.Equal(2, code);
        Assert.Equal($"{path}: cannot read the problem file (FileNotFound){Environment.NewLine}", stderr);
    }

    [Theory]
    [InlineData("replan")]
    [InlineData("recommend")]
    [InlineData("audit", "verify")]
    public async Task Help_OfACommandWithRequiredArguments_PrintsItsOptions(params string[] command)
    {
        var (code, stdout, stderr) = await ConsoleRun.Run([.. command, "--help"]);

        Assert.Equal(0, code);
        Assert.Contains("Usage:", stdout);
        Assert.Contains($" {string.Join(' ', command)} ", stdout);
        Assert.Contains("Options:", stdout);
        Assert.Empty(stderr);
    }

    [Theory]
    [InlineData("--time-limit", "0", "--time-limit: must be above 0 and at most 604800 seconds, found 0")]
    [InlineData("--time-limit", "604800.5", "--time-limit: must be above 0 and at most 604800 seconds, found 604800.5")]
    [InlineData("--workers", "257", "--workers: must be from 0 (the machine's core count) to 256, found 257")]
    [InlineData("--workers", "-3", "--workers: must be from 0 (the machine's core count) to 256, found -3")]
    [InlineData("--seed", "-1", "--seed: must not be negative, found -1")]
    public async Task Solve_BadFlagValue_ExitsTwoNamingTheFlag(string flag, string value, string expected)
    {
        var outPath = Path.Combine(_dir, "schedule.json");

        var (code, _, stderr) = await Run("solve", TestData("clinic-small.json"), flag, value, "--out", outPath);

        Assert.Equal(2, code);
        Assert.Equal(expected + Environment.NewLine, stderr);
        Assert.False(File.Exists(outPath));
    }

    [Theory]
    [InlineData("solve", "x.json", "--workers", "many")]
    [InlineData("solve")]
    [InlineData("frobnicate")]
    [InlineData("solve", "x.json", "--colour", "blue")]
    public async Task Run_BadCommandLine_ExitsTwo(params string[] args)
    {
        var (code, _, stderr) = await Run(args);

        Assert.Equal(2, code);
        Assert.StartsWith("command line: ", stderr);
    }

    [Fact]
    public async Task Validate_ShippedExample_ExitsZero()
    {
        var (code, stdout, stderr) = await Run("validate", TestData("clinic-small.json"));

        Assert.Equal(0, code);
        Assert.Empty(stderr);
        Assert.Contains("valid", stdout);
    }

    [Fact]
    public async Task Validate_BadFile_ExitsTwoWithPaths()
    {
        var json = CliTestData.Mutated(p => p["facilities"]![1]!["timeZone"] = "Nowhere/Land");

        var (code, _, stderr) = await Run("validate", Write("bad.json", json));

        Assert.Equal(2, code);
        Assert.Equal("facilities[1].timeZone: unknown time zone 'Nowhere/Land' (expected an IANA tzdb id such as 'America/New_York')" + Environment.NewLine, stderr);
    }

    [Fact]
    public async Task Solve_OutputFile_RoundTripsThroughTheVerifier()
    {
        var outPath = Path.Combine(_dir, "schedule.json");
        await Run("solve", TestData("clinic-small.json"), "--out", outPath);

        using var doc = JsonDocument.Parse(File.ReadAllText(outPath));

        var names = doc.RootElement.EnumerateObject().Select(p => p.Name).ToList();
        Assert.Equal(["formatVersion", "status", "objective", "assignments", "unscheduled", "stats"], names);
        var first = doc.RootElement.GetProperty("assignments")[0];
        Assert.Equal(["request", "patient", "provider", "room", "facility", "start", "end"], first.EnumerateObject().Select(p => p.Name));
    }
}
